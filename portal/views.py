import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import escape_uri_path
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults
from django.views.decorators.cache import never_cache

from offices import selectors
from portal.languages import in_language
from portal.page_cache import cache_public_page


@cache_public_page
def home(request):
    return render(
        request,
        "portal/home.html",
        {
            "today": timezone.localdate(),
            # Read only if the template renders them (not when its {% cache %} fragment is kept).
            "figures": SimpleLazyObject(selectors.key_figures),
            "latest": SimpleLazyObject(lambda: list(selectors.latest_openings())),
            "geojson_url": f"{reverse('offices:geojson')}?status=open",
        },
    )


@never_cache
def healthz(request):
    """For load balancers: "ok" when the portal can serve (its database answers), else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def ping(request):
    """The benchmark's baseline: the whole middleware stack and a trivial view that asks the database nothing."""
    return HttpResponse("ok", content_type="text/plain")


def choose_language(request, language):
    """The links of the cookie era (/language/sr/?next=/offices/): on to the same page in that language.

    The code is read as a language tag, in any case: "sr-Latn" and "SR-LATN" are Serbian Latin, "sr-Cyrl"
    and "sr" Cyrillic, "en-GB" English (Django's own fallbacks, `get_supported_language_variant`)."""
    try:
        language = translation.get_supported_language_variant(language.lower())
    except LookupError:
        raise Http404 from None
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = "/"
    return HttpResponseRedirect(in_language(next_url, language))


def default_language_prefix(request, rest=""):
    """/sr-latn/… and /sr-Latn/… (Serbian Latin's tag as a prefix, as some links write it): Serbian Latin is
    the unprefixed language, so on, for good, to the same address without the prefix."""
    path = "/" + escape_uri_path(rest).lstrip("/")  # never "//host" (another site); a backslash is escaped
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{path}?{query}" if query else path)


def url_language(request):
    """The language the URL's prefix names; an unprefixed or unknown one is the default, Serbian Latin."""
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def bad_request(request, exception):
    """handler400: Django's, in the URL's language also when the request was refused before LocaleMiddleware
    read its prefix (the page cache reads the host and the query first: a host not allowed, too many fields)."""
    with translation.override(url_language(request)):
        return defaults.bad_request(request, exception)


def csrf_failure(request, reason=""):
    """settings.CSRF_FAILURE_VIEW: the site's page in the URL's language (Django's own renders
    403_csrf.html without the request, so without the layout's menu and language links)."""
    return render(request, "403_csrf.html", status=403)


DATABASE_DOWN = (OperationalError, InterfaceError)


def server_error(request):
    """handler500: an unreachable database, met in a view or a middleware, is a plain 503 page; anything
    else is Django's 500 (500.html). Both need no database: templates rendered without a request context,
    in the URL's language (the failure may come before LocaleMiddleware has read it)."""
    with translation.override(url_language(request)):
        if isinstance(sys.exception(), DATABASE_DOWN):
            response = HttpResponse(render_to_string("503.html"), status=503)
            response["Retry-After"] = "30"
            return response
        return defaults.server_error(request)
