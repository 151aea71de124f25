from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from offices import selectors


def home(request):
    return render(
        request,
        "portal/home.html",
        {
            "figures": selectors.key_figures(),
            "latest": selectors.latest_openings(),
            "geojson_url": f"{reverse('offices:geojson')}?status=open",
        },
    )


@never_cache
def healthz(request):
    """For load balancers and the benchmark's baseline: no database, no template."""
    return HttpResponse("ok", content_type="text/plain")
