import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request to /en/ leaves English active in the test's thread; the next test starts in Persian."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def empty_cache():
    """The cache empty before and after the test: for tests of what is kept in it
    (`pytestmark = pytest.mark.usefixtures("empty_cache")`), and each process's parts kept in its memory."""
    cache.clear()
    caches["kept_in_process"].clear()
    yield
    cache.clear()
    caches["kept_in_process"].clear()
