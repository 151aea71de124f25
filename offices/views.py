from django.core.cache import caches
from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.views.decorators.gzip import gzip_page
from django.views.generic import DetailView
from django_filters.views import FilterView

from areas.models import local_name
from portal.page_cache import cache_public_page, data_version, skip_page_cache
from portal.text import in_active_script

from . import selectors
from .filters import OfficeFilter
from .models import Office, OfficeStatus


class CountingPaginator(Paginator):
    """Reads a page and the total in one query (`COUNT(*) OVER ()`), where Paginator runs a count first.

    For a search: it reads every matching office anyway, and its pages are never kept as fragments.
    A page past the end falls back to Paginator (a count, then its error).
    """

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            return super().page(number)
        if number < 1:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        offices = list(self.object_list.annotate(found=Window(Count("pk")))[bottom : bottom + self.per_page])
        if offices:
            self.count = offices[0]["found"]  # Paginator.count is a cached property: no count query
        elif number == 1:
            self.count = 0
        else:
            return super().page(number)
        return self._get_page(offices, number, self)


class KeptCountPaginator(Paginator):
    """Counts the offices a set of filters finds once per data version, as the cards are kept (the
    `{% cache %}` of offices/office_list.html): the total is asked on every page, cards or not."""

    def __init__(self, *args, key, **kwargs):
        super().__init__(*args, **kwargs)
        self.key = key

    @cached_property
    def count(self):
        return caches["template_fragments"].get_or_set(self.key, self.object_list.count, 24 * 3600)


class OfficeListView(FilterView):
    model = Office
    filterset_class = OfficeFilter
    paginate_by = 24
    template_name = "offices/office_list.html"
    context_object_name = "offices"

    def get_queryset(self):
        return Office.objects.order_by("name", "pk").values(*CARD_FIELDS)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.filterset.is_bound and not self.filterset.is_valid():
            skip_page_cache(request)
        return response

    def get_paginator(self, queryset, per_page, **kwargs):
        key = self.filterset.filters_key
        if key is None:  # a search (or an invalid filter): its page and total in one query
            return CountingPaginator(queryset, per_page, **kwargs)
        count_key = f"office-count:{data_version(self.request)}:{key}"
        return KeptCountPaginator(queryset, per_page, key=count_key, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Read only if the template renders them (not when its {% cache %} fragment is kept).
        context["cards"] = SimpleLazyObject(lambda: office_cards(context["offices"]))
        return context


CARD_FIELDS = (
    "name", "slug", "status", "opened_on",
    "area__name", "area__name_cyrillic", "area__name_en",
    "area__parent__name", "area__parent__name_cyrillic", "area__parent__name_en",
)  # fmt: skip


def office_cards(rows):
    """What each directory card shows, worked out in Python from plain rows (CARD_FIELDS): a search renders
    its cards afresh every time, and model instances, and a template looking up attributes, methods and
    translations per card, were most of its cost."""
    office_url = reverse("offices:detail", kwargs={"slug": "slug"}).removesuffix("slug/")
    labels = {status: str(label) for status, label in OfficeStatus.choices}
    return [
        {
            "url": f"{office_url}{row['slug']}/",
            "name": row["name"],
            "area": local_name(row["area__name"], row["area__name_cyrillic"], row["area__name_en"]),
            "parent": local_name(
                row["area__parent__name"], row["area__parent__name_cyrillic"], row["area__parent__name_en"]
            )
            if row["area__parent__name"]
            else "",
            "status": row["status"],
            "status_label": labels[row["status"]],
            "opened_on": row["opened_on"].isoformat() if row["opened_on"] else "",
            "opened_year": row["opened_on"].year if row["opened_on"] else "",
        }
        for row in rows
    ]


class OfficeDetailView(DetailView):
    model = Office
    template_name = "offices/office_detail.html"
    context_object_name = "office"

    def get_object(self, queryset=None):
        try:
            return selectors.office_for_page(self.kwargs["slug"])
        except Office.DoesNotExist:
            raise Http404 from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        office = self.object
        # Read (two queries, once) only if the template renders them: not when its {% cache %} fragment is kept.
        listed = SimpleLazyObject(lambda: selectors.office_page_lists(office))
        context["appointments"] = SimpleLazyObject(lambda: list(listed.appointments.all()))
        context["current_appointments"] = SimpleLazyObject(lambda: selectors.office_current_appointments(listed))
        context["status_changes"] = SimpleLazyObject(lambda: list(listed.status_changes.all()))
        context["today"] = timezone.localdate()  # who is a current contact changes at midnight
        return context


# The filters a cached page may carry; a search ("q") is always answered afresh.
CACHED_FILTERS = ("country", "region", "district", "status", "year")


def filtered_offices(request):
    """The directory's filters applied as the directory applies them: an invalid filter finds nothing."""
    filterset = OfficeFilter(request.GET or None, queryset=Office.objects.all())
    if filterset.is_bound and not filterset.is_valid():
        skip_page_cache(request)
        return filterset, Office.objects.none()
    return filterset, filterset.qs


@cache_public_page(query=CACHED_FILTERS)
def office_map(request):
    filterset, _offices = filtered_offices(request)
    return render(
        request,
        "offices/office_map.html",
        {
            "filter": filterset,
            "geojson_url": f"{reverse('offices:geojson')}?{request.GET.urlencode()}",
            "statuses": OfficeStatus.choices,
        },
    )


@cache_public_page(query=CACHED_FILTERS)
@gzip_page  # a data download of some 700 KB at scale 20, and no secret in it to guess (BREACH)
def office_geojson(request):
    filterset, offices = filtered_offices(request)
    if filterset.is_bound and not filterset.is_valid():
        return JsonResponse({"errors": filterset.errors}, status=400)
    labels = dict(OfficeStatus.choices)
    # One reverse() for all: with thousands of offices, one per feature was most of the view's time.
    office_url = reverse("offices:detail", kwargs={"slug": "slug"}).removesuffix("slug/")
    features = []
    for row, latitude, longitude in selectors.geojson_features(offices):
        name = in_active_script(row["name"])
        area = local_name(row["area__name"], row["area__name_cyrillic"], row["area__name_en"])
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(longitude, 5), round(latitude, 5)]},
                "properties": {
                    "name": name,
                    "area": area,
                    "status": row["status"],
                    "status_label": str(labels[row["status"]]),
                    "opened_on": row["opened_on"].isoformat() if row["opened_on"] else None,
                    "url": f"{office_url}{row['slug']}/",
                },
            }
        )
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["Content-Type"] = "application/geo+json"
    return response


@cache_public_page(query=CACHED_FILTERS)
def office_openings(request):
    filterset, offices = filtered_offices(request)
    # Read only if the template renders them (not when its {% cache %} fragment is kept).
    years = SimpleLazyObject(lambda: selectors.openings_by_year(offices))
    key = filterset.filters_key
    context = {
        "filter": filterset,
        "filters": request.GET if key is None else QueryDict(key),  # what a link to the directory keeps
        "years": years,
        "total": SimpleLazyObject(lambda: sum(count for _year, count, _offices in years)),
    }
    return render(request, "offices/office_openings.html", context)
