from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from offices import selectors
from portal.page_cache import cache_public_page, reads_no_data


@cache_public_page
def home(request):
    return render(
        request,
        "portal/home.html",
        {
            "today": timezone.localdate(),
            "figures": selectors.key_figures(),
            "latest": selectors.latest_openings(),
            "geojson_url": f"{reverse('offices:geojson')}?status=open",
        },
    )


@reads_no_data
@never_cache
def healthz(request):
    """For load balancers and the benchmark's baseline: no database, no template."""
    return HttpResponse("ok", content_type="text/plain")


def choose_language(request, language):
    """Switch the language by a plain link, so that public pages carry no form and can be cached."""
    if language not in dict(settings.LANGUAGES):
        raise Http404
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
