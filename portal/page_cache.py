"""Public pages and template fragments kept until the data changes, with Django's cache framework.

1. The data version is one database row (portal.models.DataVersion). Saving or deleting any model
   of this project's apps bumps it inside the same transaction (`data_changed`, connected to
   post_save, post_delete and m2m_changed in PortalConfig.ready); a bulk write that sends no
   signal (QuerySet.update, bulk_create, bulk_update, raw SQL) calls `data_changed()` itself. The
   bump commits or rolls back with the data, and every process reads the same row.
2. A public page (`@cache_public_page`) reads the version once, before it reads any data, and
   every key it keeps carries that version: whatever was kept under an older one is never read
   again, whichever process kept it, whether or not the cache was reachable at the change.
3. The cache only stores: the "default" cache (memory per process, or Redis with CACHE_URL) holds
   whole pages for anonymous visitors; "template_fragments" (memory per process) holds
   `{% cache %}` fragments, whose keys name `data_version` (a context variable) and the language.

A cache that fails is skipped: the page is rendered. The database decides what is current.
"""

import hashlib
import logging
import re
from functools import cache as once
from functools import partial, wraps
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

from portal.models import DataVersion

logger = logging.getLogger(__name__)


def data_changed(**_signal_arguments):
    """Bump the data version in the current transaction: call it after a write that sends no signal."""
    if not DataVersion.objects.filter(pk=1).update(number=F("number") + 1):
        DataVersion.objects.get_or_create(pk=1)  # the row was removed (a test database flushed)


@once
def _project_apps():
    return {app.label for app in apps.get_app_configs() if Path(app.path).parent == settings.BASE_DIR}


def _is_project_model(model):
    # Not the models of a migration's state (their own registry): the version's table may not exist yet.
    return model._meta.apps is apps and model._meta.app_label in _project_apps() and model is not DataVersion


def model_changed(sender, action=None, **_arguments):
    """The receiver of post_save, post_delete and m2m_changed: any model of this project's apps."""
    if (action is None or action.startswith("post_")) and _is_project_model(sender):
        data_changed()


READ_VERSION = f"SELECT number FROM {DataVersion._meta.db_table} WHERE id = 1"


def data_version(request):
    """The data version, read once per request (the first call is before the page reads any data)."""
    if not hasattr(request, "data_version"):
        # Plain SQL: on a page served from the cache, building the ORM's query would cost more than the page.
        with connection.cursor() as cursor:
            cursor.execute(READ_VERSION)
            row = cursor.fetchone()
        request.data_version = row[0] if row else 0
    return request.data_version


def context(request):
    """`data_version` for `{% cache %}` keys in templates (a context processor)."""
    return {"data_version": partial(data_version, request)}


@once
def _fingerprint():
    """The code, templates, catalogues and assets as this process has them, when RELEASE is not set."""
    digest = hashlib.sha256()
    for source in ("youthnet", "templates", "portal", "areas", "offices", "trainings", "councils", "locale", "static"):
        for path in sorted((settings.BASE_DIR / source).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(f"{path}:{path.stat().st_size}:{path.stat().st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


# The only spellings of a query value that are kept: a code ("RS-08", "open") or a whole number with
# no sign, space or leading zero ("2"). Everything else ("01", "+1", "１", "0_1") is answered afresh,
# so that no one can fill the cache with spellings of one page.
CANONICAL_VALUE = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,63}|[1-9][0-9]{0,5}", re.ASCII)
# A visitor with one of these cookies may see something of their own (their name, a message).
PRIVATE_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")


def _accepts_gzip(request):
    """Whether Accept-Encoding allows gzip, q-values read ("gzip;q=0" refuses it)."""
    for part in request.headers.get("Accept-Encoding", "").split(","):
        coding, _semicolon, parameters = part.strip().partition(";")
        if coding.strip().lower() == "gzip":
            return parameters.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def _page_key(request, allowed):
    """The key of this request's page, or None when it is not to be kept (see CANONICAL_VALUE)."""
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return None
    if any(name in request.COOKIES for name in PRIVATE_COOKIES):
        return None
    query = sorted(request.GET.lists())
    if not all(name in allowed and len(values) == 1 and CANONICAL_VALUE.fullmatch(values[0]) for name, values in query):
        return None
    url = f"{request.get_host()}{request.path}?{query}"  # the path names the language (/sr/…, /en/…)
    encoding = "gzip" if _accepts_gzip(request) else "identity"
    release = settings.RELEASE or _fingerprint()
    day = timezone.localdate().isoformat()  # "opened this year" and the like change at midnight
    return f"page:{data_version(request)}:{release}:{day}:{encoding}:{hashlib.sha256(url.encode()).hexdigest()}"


def skip_page_cache(request):
    """Do not keep what this request renders (an invalid filter, say)."""
    request.skip_page_cache = True


def _cache(method, *args):
    try:
        return method(*args)
    except Exception:  # the cache is a help, never a dependency: the page is rendered without it
        logger.warning("The page cache is unavailable", exc_info=True)
        return None


def cache_public_page(view=None, *, query=()):
    """Keep the page this view renders for anonymous visitors until the data changes.

    `query` names the query parameters the page may be kept with (each in its canonical spelling).
    """
    if view is None:
        return partial(cache_public_page, query=query)
    allowed = frozenset(query)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        data_version(request)  # first, before the view reads any data
        key = _page_key(request, allowed)
        entry = _cache(cache.get, key) if key else None
        if entry is not None:
            content, content_type, encoding = entry
            response = HttpResponse(content, content_type=content_type)
            if encoding:
                response["Content-Encoding"] = encoding
            response["X-Page-Cache"] = "hit"
            patch_vary_headers(response, ("Cookie", "Accept-Encoding"))
            return response
        response = view(request, *args, **kwargs)
        if key is None or getattr(request, "skip_page_cache", False) or response.status_code != 200:
            return response
        if hasattr(response, "render"):
            response.render()
        if response.cookies or response.get("Cache-Control", "").startswith("private"):
            return response
        # Compressed once here, so that no hit pays for it; public pages hold no secret to guess (BREACH).
        if _accepts_gzip(request) and not response.has_header("Content-Encoding") and len(response.content) > 1000:
            response.content = compress_string(response.content)
            response["Content-Encoding"] = "gzip"
        patch_vary_headers(response, ("Cookie", "Accept-Encoding"))
        entry = (response.content, response["Content-Type"], response.get("Content-Encoding", ""))
        _cache(cache.set, key, entry, settings.PAGE_CACHE_SECONDS)
        response["X-Page-Cache"] = "miss"
        return response

    return wrapper
