import pytest
from django.core.cache import cache


@pytest.fixture
def memory_cache(settings):
    """A per-process cache (as `make run` has without Redis), emptied before and after the test.

    Returns a function: call it with how long whole pages are kept (0: not at all).
    """

    def switch_on(page_seconds):
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        settings.PAGE_CACHE_SECONDS = page_seconds
        cache.clear()

    yield switch_on
    cache.clear()
