"""Settings for the test suite: the project's own, made fast and quiet."""

import os

os.environ.setdefault("DEBUG", "true")

from youthnet.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Nothing is cached between tests: each test's transaction rolls back, data version included, so the
# next test could meet a page kept under the same number. The tests of the cache itself switch it on
# and empty it (tests/portal/conftest.py: memory_cache; test_headers.py).
CACHES = {
    name: {"BACKEND": "django.core.cache.backends.dummy.DummyCache"} for name in ("default", "template_fragments")
}
PAGE_CACHE_SECONDS = 0
