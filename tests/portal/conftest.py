import pytest
from django.core.cache import caches


@pytest.fixture
def memory_cache(settings):
    """Caches in process memory (as `make run` has without Redis), emptied before and after the test.

    Returns a function: call it with how long whole pages are kept (0: not at all).
    """

    def switch_on(page_seconds):
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-pages"},
            "template_fragments": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "test-fragments",
            },
        }
        settings.PAGE_CACHE_SECONDS = page_seconds
        for name in settings.CACHES:
            caches[name].clear()

    yield switch_on
    for name in ("default", "template_fragments"):
        caches[name].clear()
