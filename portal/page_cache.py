"""Whole-page caching of the public pages for anonymous visitors, never stale.

A page is stored with the data version it was rendered from; any change to the data the pages
show bumps the version (invalidate_pages, connected in offices.apps), so the next visitor gets a
fresh page. The key holds the language, the day (figures such as "opened this year" change at
midnight) and the full path with its query string.

Views opt in with @cache_public_page, which stores what they render. PageCacheMiddleware, early in
the stack, answers a hit without the session, authentication or view: from process memory when
this process follows the data version (portal.cache.Watch, with Redis), else from the cache.

Each request reads the data version once, at its start, before it reads any data: whatever it
keeps (a page, a value, a fragment) is then at least as new as the version it is kept under.
"""

import contextvars
import hashlib
import logging
import threading
import time
from functools import cache as cache_once
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

from portal.cache import NearStore, RedisCache

logger = logging.getLogger(__name__)
VERSION_KEY = "pages:data-version"
# Code and templates change the pages too: each release of them has its own keys.
RELEASE_SOURCES = (
    "youthnet", "templates", "portal", "areas", "offices", "trainings", "councils", "locale", "static",
    "requirements.txt", "package-lock.json",
)  # fmt: skip
# What a page may carry in its query string to be cached, and how long a value may be: anything
# else (a search, an unknown parameter) is answered without the cache, so that no one can fill it.
MAX_CACHED_VALUE = 64


def release():
    """The RELEASE setting (a deployment may set it to its commit), else a fingerprint of the files."""
    return settings.RELEASE or _fingerprint()


@cache_once
def _fingerprint():
    """The code, templates, catalogues, assets and settings that shape a page, as this process has them."""
    digest = hashlib.sha256()
    paths = []
    for source in RELEASE_SOURCES:
        root = settings.BASE_DIR / source
        paths += sorted(root.rglob("*")) if root.is_dir() else [root]
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    for path in [*paths, manifest]:
        if path.is_file() and "__pycache__" not in path.parts:
            status = path.stat()
            digest.update(f"{path}:{status.st_size}:{status.st_mtime_ns}".encode())
    digest.update(
        f"{settings.MAP_TILE_URL}|{settings.MAP_TILE_ATTRIBUTION}|{sorted(settings.SECURE_CSP.items())}".encode()
    )
    return digest.hexdigest()[:12]


# A visitor with one of these cookies may see something of their own (their name, a message).
PRIVATE_COOKIES = ("sessionid", "messages")


# After the cache fails, this process leaves it alone for a while: a cache that hangs must not
# hold every page up for its timeout once per lookup.
RETRY_AFTER_SECONDS = 5.0


class _Health:
    down_until = 0.0
    bump_owed = False  # a change committed here could not be announced: announce it when the cache is back
    bump_failures = 0
    retrying = threading.Lock()


def _cache_failed(what):
    if time.monotonic() >= _Health.down_until:
        logger.warning("%s: the cache is unavailable; pages render without it for %s s", what, RETRY_AFTER_SECONDS)
    _Health.down_until = time.monotonic() + RETRY_AFTER_SECONDS
    state = _request_state.get()
    if state is not None:
        state["version"] = None  # nor does the rest of this request ask it


def _start_version():
    version = timezone.now().timestamp()
    cache.add(VERSION_KEY, version, timeout=None)
    return cache.get(VERSION_KEY, version)


def _watch():
    """This process's watch on the data version, when the cache can keep one (Redis)."""
    backend = caches["default"]
    return backend.watch(VERSION_KEY) if isinstance(backend, RedisCache) else None


def _followed_version():
    """The data version as this process follows it (portal.cache.Watch), or None: ask the cache."""
    state = _request_state.get()
    if state is None:
        watch = _watch()
    elif (watch := state.get("watch", False)) is False:  # looked up once a request: caches[] is not free
        watch = state["watch"] = _watch()
    return watch.value if watch is not None else None


_near = NearStore(settings.PAGE_CACHE_MEMORY_MB * 2**20)


def _read_version():
    """The data version now, or None when the cache is unavailable (then nothing is kept)."""
    if time.monotonic() < _Health.down_until:
        return None
    if _Health.bump_owed:
        # One thread retries; until a retry succeeds, nothing kept before the change may be used.
        if not _Health.retrying.acquire(blocking=False):
            return None
        try:
            _Bump()()
        finally:
            _Health.retrying.release()
        if _Health.bump_owed:
            return None
    followed = _followed_version()
    if followed is not None:
        return followed
    try:
        return cache.get(VERSION_KEY) or _start_version()
    except Exception:
        _cache_failed("Reading the data version")
        return None


# What the current request has pinned and fetched: {"version": …, "memo": {name: value}}, or None.
# A context variable, not asgiref's Local: it is read a dozen times a request, and Local costs microseconds a read.
_request_state = contextvars.ContextVar("page_cache_request_state", default=None)


def _version():
    """The data version of the current request (read at its start), or read now outside a request."""
    state = _request_state.get()
    if state is None:
        return _read_version()
    if "version" not in state:
        state["version"] = _read_version()
    return state["version"]


def _lookup(key, version):
    """The entry kept under key for this version, or None.

    While this process follows the version, an entry it holds costs no round trip.
    """
    following = _followed_version() is not None
    entry = _near.get(key) if following else None
    if entry is None or entry[0] != version:
        entry = cache.get(key)
        if following and entry is not None and entry[0] == version:
            _near.put(key, entry)
    return entry if entry is not None and entry[0] == version else None


def _store(key, entry, timeout):
    cache.set(key, entry, timeout)
    if _followed_version() is not None:
        _near.put(key, entry)


def invalidate_pages(**_signal_arguments):
    """Make every cached page stale once the current transaction commits, so no one caches old data.

    Once per transaction, however many rows it writes (an import saves thousands).
    """
    pending = transaction.get_connection().run_on_commit
    if not any(isinstance(callback, _Bump) and not callback.done for _ids, callback, _robust in pending):
        transaction.on_commit(_Bump())


class _Bump:
    """A new data version, announced (one per transaction: invalidate_pages)."""

    # Ran already. A commit empties the list of pending callbacks; a test capturing them does not.
    done = False

    def __call__(self):
        self.done = True
        failures = _Health.bump_failures
        version = timezone.now().timestamp()
        try:
            cache.set(VERSION_KEY, version, timeout=None)
            watch = _watch()
            if watch is not None:
                watch.changed(version)
            if failures == _Health.bump_failures:  # no other change failed to be announced meanwhile
                _Health.bump_owed = False
        except Exception:
            # Kept pages may be stale until this process reaches the cache again: say so loudly.
            _Health.bump_failures += 1
            _Health.bump_owed = True
            logger.error("Could not invalidate the page cache; retrying on the next request", exc_info=True)
            _cache_failed("Announcing a change")


def cached_by_version(name, compute):
    """A value computed from the data, kept until the data changes (for parts of rendered pages).

    Within one request a value is fetched once. With Redis, the value is shared by every request
    of the process (portal.cache.NearStore): treat it as read-only.
    """
    state = _request_state.get()
    memo = state["memo"] if state is not None else None
    if memo is not None and name in memo:
        return memo[name]
    version = _version()
    key = f"data:{release()}:{name}"
    entry = None
    if version is not None:
        try:
            entry = _lookup(key, version)
        except Exception:
            _cache_failed("Reading a kept value")
            version = None
    if entry is not None:
        value = entry[1]
    else:
        value = compute()
        if version is not None:
            try:
                _store(key, (version, value), settings.PAGE_CACHE_SECONDS or 300)
            except Exception:
                _cache_failed("Keeping a value")
    if memo is not None:
        memo[name] = value
    return value


def language_of(request):
    """The language of a request, as portal.middleware.LanguageMiddleware chooses it."""
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _accepts_gzip(request):
    """Whether Accept-Encoding allows gzip, q-values read ("gzip;q=0" refuses it)."""
    weights = {}
    for part in request.headers.get("Accept-Encoding", "").split(","):
        coding, _semicolon, parameters = part.strip().partition(";")
        weight = 1.0
        if parameters.strip().startswith("q="):
            try:
                weight = float(parameters.strip()[2:])
            except ValueError:
                weight = 0.0
        weights[coding.strip().lower()] = weight
    return weights.get("gzip", weights.get("*", 0.0)) > 0


def _page_key(request):
    query = sorted(request.GET.items())
    where = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()
    encoding = "gzip" if _accepts_gzip(request) else "identity"
    return f"pages:{release()}:{language_of(request)}:{encoding}:{timezone.localdate().isoformat()}:{where}"


def _view_of(request):
    """The view that will answer, or None (no such page, or a host not in ALLOWED_HOSTS)."""
    try:
        request.get_host()  # a host not allowed gets its 400 further on, never a cached page
        return resolve(request.path_info).func
    except (DisallowedHost, Resolver404):
        return None


def reads_no_data(view):
    """Mark a view that shows nothing from the data (/healthz): it never asks the cache."""
    view.reads_no_data = True
    return view


def _is_candidate(request, view):
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return False
    if any(name in request.COOKIES for name in (settings.SESSION_COOKIE_NAME, *PRIVATE_COOKIES)):
        return False
    allowed = getattr(view, "cache_public_page", None)
    if allowed is None:
        return False
    return all(
        name in allowed and len(values) == 1 and len(values[0]) <= MAX_CACHED_VALUE
        for name, values in request.GET.lists()
    )


def skip_page_cache(request):
    """Do not store what this request renders (an invalid filter, say: any value would fill the cache)."""
    request.page_cache = None


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
        token = _request_state.set({"memo": {}})
        try:
            view = _view_of(request)
            if getattr(view, "reads_no_data", False):
                return self.get_response(request)
            _version()  # before anything reads the data
            return self.answer(request, view)
        finally:
            _request_state.reset(token)

    def answer(self, request, view):
        version = _version()
        if version is not None and _is_candidate(request, view):
            key = _page_key(request)
            try:
                entry = _lookup(key, version)
            except Exception:  # the cache is a help, never a dependency: render without it
                _cache_failed("Reading a page")
                return self.get_response(request)
            if entry is not None:
                return _cached_response(*entry[1:], language_of(request))
            request.page_cache = (key, version)
        return self.get_response(request)


def cache_public_page(view=None, *, query=()):
    """Store the page this view renders for the next anonymous visitor (see PageCacheMiddleware).

    `query` names the query-string parameters the page may be cached with.
    """
    if view is None:
        return lambda view: cache_public_page(view, query=query)

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
            try:
                _store(key, entry, settings.PAGE_CACHE_SECONDS)
            except Exception:  # as above: a page that could not be stored is still a page
                _cache_failed("Keeping a page")
            response["X-Page-Cache"] = "miss"
        return response

    wrapper.cache_public_page = frozenset(query)
    return wrapper
