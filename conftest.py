import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request to /en/ leaves English active in the test's thread; the next test starts in Persian."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
