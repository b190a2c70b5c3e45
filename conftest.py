import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request to /en/ leaves English active in the test's thread; the next test starts in Persian."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def empty_cache():
    """The cache empty before and after the test: for tests of what is kept in it
    (`pytestmark = pytest.mark.usefixtures("empty_cache")`)."""
    cache.clear()
    yield
    cache.clear()
