"""Whole-page caching of the public pages for anonymous visitors, never stale.

A page is stored with the data version it was rendered from; any change to the data the pages
show bumps the version (invalidate_pages, connected in offices.apps), so the next visitor gets a
fresh page. The key holds the language, the day (figures such as "opened this year" change at
midnight) and the full path with its query string.

Views opt in with @cache_public_page, which stores what they render. PageCacheMiddleware, early in
the stack, answers a hit in one cache round trip without the session, authentication or view.
"""

import hashlib
from functools import cache as cache_once
from functools import wraps

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

VERSION_KEY = "pages:data-version"
# Code and templates change the pages too: each release of them has its own keys.
RELEASE_DIRECTORIES = ("templates", "portal", "areas", "offices", "locale", "static")


def release():
    """The RELEASE setting (a deployment may set it to its commit), else a fingerprint of the files."""
    return settings.RELEASE or _fingerprint()


@cache_once
def _fingerprint():
    """The code, templates and catalogues this process serves: their names, sizes and times."""
    digest = hashlib.sha256()
    for directory in RELEASE_DIRECTORIES:
        for path in sorted((settings.BASE_DIR / directory).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                status = path.stat()
                digest.update(f"{path}:{status.st_size}:{status.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


# A visitor with one of these cookies may see something of their own (their name, a message).
PRIVATE_COOKIES = ("sessionid", "messages")


def _start_version():
    version = timezone.now().timestamp()
    cache.add(VERSION_KEY, version, timeout=None)
    return cache.get(VERSION_KEY, version)


def invalidate_pages(**_signal_arguments):
    """Make every cached page stale once the current transaction commits, so no one caches old data."""

    def bump():
        cache.set(VERSION_KEY, timezone.now().timestamp(), timeout=None)

    transaction.on_commit(bump)


_request = Local()


def cached_by_version(name, compute):
    """A value computed from the data, kept until the data changes (for parts of uncached pages).

    One cache round trip; within one request a value is fetched once.
    """
    memo = getattr(_request, "memo", None)
    if memo is not None and name in memo:
        return memo[name]
    key = f"data:{release()}:{name}"
    found = cache.get_many([VERSION_KEY, key])
    version, entry = found.get(VERSION_KEY) or _start_version(), found.get(key)
    if entry is not None and entry[0] == version:
        value = entry[1]
    else:
        value = compute()
        cache.set(key, (version, value), settings.PAGE_CACHE_SECONDS or 300)
    if memo is not None:
        memo[name] = value
    return value


def language_of(request):
    """The language of a request, as portal.middleware.LanguageMiddleware chooses it."""
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _accepts_gzip(request):
    return "gzip" in request.headers.get("Accept-Encoding", "")


def _page_key(request):
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    encoding = "gzip" if _accepts_gzip(request) else "identity"
    return f"pages:{release()}:{language_of(request)}:{encoding}:{timezone.localdate().isoformat()}:{path}"


def _is_candidate(request):
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return False
    if any(name in request.COOKIES for name in (settings.SESSION_COOKIE_NAME, *PRIVATE_COOKIES)):
        return False
    try:
        return getattr(resolve(request.path_info).func, "cache_public_page", False)
    except Resolver404:
        return False


def _cached_response(content, content_type, encoding, language):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Language"] = language
    if encoding:
        response["Content-Encoding"] = encoding
    response["X-Page-Cache"] = "hit"
    patch_vary_headers(response, ("Cookie", "Accept-Language", "Accept-Encoding"))
    return response


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _request.memo = {}
        try:
            return self.answer(request)
        finally:
            _request.memo = None

    def answer(self, request):
        if _is_candidate(request):
            key = _page_key(request)
            found = cache.get_many([VERSION_KEY, key])
            version, entry = found.get(VERSION_KEY) or _start_version(), found.get(key)
            if entry is not None and entry[0] == version:
                return _cached_response(*entry[1:], language_of(request))
            request.page_cache = (key, version)
        return self.get_response(request)


def cache_public_page(view):
    """Store the page this view renders for the next anonymous visitor (see PageCacheMiddleware)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        target = getattr(request, "page_cache", None)
        if target is None:
            return response
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code == 200 and not response.cookies:
            key, version = target
            # Compressed once here, so that no hit pays for it; public pages hold no secret to guess (BREACH).
            if _accepts_gzip(request) and len(response.content) > 1000:
                response.content = compress_string(response.content)
                response["Content-Encoding"] = "gzip"
            patch_vary_headers(response, ("Accept-Encoding",))
            entry = (version, response.content, response["Content-Type"], response.get("Content-Encoding", ""))
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response

    wrapper.cache_public_page = True
    return wrapper
