"""Public pages and template fragments kept until the data changes, with Django's cache framework.

1. The data version is one database row (portal.models.DataVersion). Saving or deleting any model
   of this project's apps bumps it once its transaction commits (`data_changed`, connected to
   post_save, post_delete and m2m_changed in PortalConfig.ready; one UPDATE per transaction, held
   for no longer than that statement); a bulk write that sends no signal (QuerySet.update,
   bulk_create, bulk_update, raw SQL) calls `data_changed()` itself. Every process reads the same row.
2. A public page reads the version once, before it reads any data, and is kept with that version:
   a page kept under an older one is never served again, whichever process kept it, whether or not
   the cache was reachable at the change; the next render replaces it.
3. The cache only stores: the "default" cache (memory per process, or Redis with CACHE_URL) holds
   whole pages for anonymous visitors; "template_fragments" (memory per process) holds
   `{% cache %}` fragments, whose keys name `data_version` (a context variable) and the language.
4. `PageCacheMiddleware`, early in the stack, answers a kept page before sessions, languages, CSRF,
   users and URLs are worked out, and keeps the page a `@cache_public_page` view marked as public.

A cache that fails is skipped: the page is rendered. The database decides what is current.
"""

import gzip
import hashlib
import logging
import re
import threading
import time
from functools import cache as once
from functools import partial, wraps
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string
from simple_history.models import HistoricalChanges

from portal.models import DataVersion

logger = logging.getLogger(__name__)

# Whether this thread's transaction changed the data since the version was last bumped.
_changed = threading.local()


def data_changed(**_signal_arguments):
    """Bump the data version when the current transaction commits: call it after a write that sends no signal.

    At once outside a transaction. A transaction that rolls back bumps nothing; one that commits bumps
    once, however many rows it wrote, and holds the version's row lock only for that one UPDATE.
    """
    _changed.pending = True
    transaction.on_commit(_bump, robust=True)


def _bump():
    if not getattr(_changed, "pending", False):
        return  # this commit's first callback has bumped it
    _changed.pending = False
    if not DataVersion.objects.filter(pk=1).update(number=F("number") + 1):
        # The row was removed (a database flushed): a new one starts past any number kept before, as the migration's.
        DataVersion.objects.create(pk=1, number=time.time_ns() // 1000)


@once
def _project_apps():
    return {app.label for app in apps.get_app_configs() if Path(app.path).parent == settings.BASE_DIR}


# What no public page reads: staff records of imports (the rows an import writes bump the version themselves).
NOT_ON_PUBLIC_PAGES = {"imports.ImportBatch", "imports.ImportRecord"}


def _is_project_model(model):
    # Not the models of a migration's state (their own registry): the version's table may not exist yet.
    # Not simple-history's records of the past: the change they record bumps the version already.
    return (
        model._meta.apps is apps
        and model._meta.app_label in _project_apps()
        and model is not DataVersion
        and not issubclass(model, HistoricalChanges)
        and model._meta.label not in NOT_ON_PUBLIC_PAGES
    )


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


def _page_key(request):
    """The key of this request's page, or None when no page is kept for it (see CANONICAL_VALUE).

    It names the page, not the data version: a page is kept with the version it was rendered under,
    so that looking for one asks the database nothing (/ping, /healthz), and a new version replaces it.
    """
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return None
    if any(name in request.COOKIES for name in PRIVATE_COOKIES):
        return None
    query = sorted(request.GET.lists())
    if not all(len(values) == 1 and CANONICAL_VALUE.fullmatch(values[0]) for _name, values in query):
        return None
    url = f"{request.get_host()}{request.path}?{query}"  # the path names the language (/sr/…, /en/…)
    release = settings.RELEASE or _fingerprint()
    day = timezone.localdate().isoformat()  # "opened this year" and the like change at midnight
    return f"page:{release}:{day}:{hashlib.sha256(url.encode()).hexdigest()}"


def _cache(method, *args):
    try:
        return method(*args)
    except Exception:  # the cache is a help, never a dependency: the page is rendered without it
        logger.warning("The page cache is unavailable", exc_info=True)
        return None


class PageCacheMiddleware:
    """Answers an anonymous visitor from a kept page, and keeps the pages `@cache_public_page` marks.

    It stands before the sessions, languages, CSRF, users and URL resolving (settings.MIDDLEWARE),
    so that a kept page costs little more than reading the data version: the headers those layers
    gave the page (its language, Vary) are kept with it. The layers before it (security headers, CSP)
    apply to every response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = _page_key(request)
        entry = _cache(cache.get, key) if key else None
        if entry is not None:
            version, content, headers = entry
            if version == data_version(request):
                return self.kept(request, content, headers)
        response = self.get_response(request)
        if key and getattr(response, "public_page", False) and self.shareable(response):
            self.keep(request, response, key)
        return response

    @staticmethod
    def shareable(response):
        private = response.get("Cache-Control", "").startswith("private")
        return not response.streaming and not response.cookies and not private

    @staticmethod
    def kept(request, content, headers):
        """A kept page as this visitor takes it: as kept (gzipped), or unpacked for the rare one who takes no gzip."""
        response = HttpResponse(content, headers=headers)
        if not _accepts_gzip(request):
            response.content = gzip.decompress(content)
            del response["Content-Encoding"]
            response["Content-Length"] = str(len(response.content))
        response["X-Page-Cache"] = "hit"
        return response

    def keep(self, request, response, key):
        """Keep the page gzipped, whoever asked: one entry per page, a fraction of its size (a process's
        memory cache is capped by entries, not bytes), compressed once so that no hit pays for it.
        Public pages hold no secret to guess (BREACH)."""
        encoding = response.get("Content-Encoding")
        if encoding not in (None, "gzip"):
            return
        patch_vary_headers(response, ("Cookie", "Accept-Encoding"))
        content = response.content if encoding else compress_string(response.content)
        if not encoding and _accepts_gzip(request):
            response.content = content
            response["Content-Encoding"] = "gzip"
            response["Content-Length"] = str(len(content))
        headers = {**dict(response.items()), "Content-Encoding": "gzip", "Content-Length": str(len(content))}
        _cache(cache.set, key, (request.data_version, content, headers), settings.PAGE_CACHE_SECONDS)
        response["X-Page-Cache"] = "miss"


def skip_page_cache(request):
    """Do not keep what this request renders (an invalid filter, say)."""
    request.skip_page_cache = True


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
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and allowed.issuperset(request.GET) and not hasattr(request, "skip_page_cache"):
            response.public_page = True  # PageCacheMiddleware keeps it
        return response

    return wrapper
