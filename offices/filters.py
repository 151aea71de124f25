from functools import partial

import django_filters
from django import forms
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from areas.models import Area, AreaKind, local_name
from portal.filtersets import FilterSet
from portal.page_cache import cached_by_version
from portal.widgets import QuickSelect

from .models import Office, OfficeStatus

FILTER_AREA_KINDS = [AreaKind.COUNTRY, *AreaKind.regional(), *AreaKind.subregional()]


def _filter_data():
    areas = list(
        Area.objects.of_kind(*FILTER_AREA_KINDS)
        .order_by("path")
        .values_list("kind", "code", "name", "name_cyrillic", "name_en", "pk", "path")
    )
    return {
        "areas": tuple(area[:5] for area in areas),
        "places": {code: (pk, path) for _kind, code, _name, _cyrillic, _english, pk, path in areas},
        "years": tuple(Office.objects.opening_years()),
    }


def filter_data():
    """The filter form's choices, kept until the data changes: the form costs no query."""
    return cached_by_version("office-filter-choices", _filter_data)


def area_choices(kinds):
    return [
        (code, local_name(name, cyrillic, english))
        for kind, code, name, cyrillic, english in filter_data()["areas"]
        if kind in kinds
    ]


class AreaFilter(django_filters.ChoiceFilter):
    """Offices anywhere below the chosen area; the area is named by its code in the URL.

    The choices and where each area lies are kept until the data changes, so neither the form
    nor the filter costs a query.
    """

    def __init__(self, *args, kinds, **kwargs):
        kwargs.setdefault("empty_label", _("all"))
        kwargs.setdefault("widget", QuickSelect(cache_as=f"areas-{'-'.join(kinds)}"))
        super().__init__(*args, choices=partial(area_choices, tuple(kinds)), **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        place = filter_data()["places"].get(value)
        if place is None:
            return qs.none()
        return qs.in_area(Area(pk=place[0], path=place[1]))


def opening_years():
    return [(str(year), str(year)) for year in filter_data()["years"]]


class OfficeFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search", max_length=100)
    country = AreaFilter(label=_("Country"), kinds=[AreaKind.COUNTRY])
    region = AreaFilter(label=_("Region or entity"), kinds=AreaKind.regional())
    district = AreaFilter(label=_("District or canton"), kinds=AreaKind.subregional())
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=OfficeStatus.choices,
        empty_label=_("all"),
        widget=QuickSelect(cache_as="office-status"),
    )
    year = django_filters.ChoiceFilter(
        label=_("Year opened"),
        choices=opening_years,
        field_name="opened_on",
        lookup_expr="year",
        empty_label=_("all"),
        widget=QuickSelect(cache_as="office-opening-years"),
    )

    class Meta:
        model = Office
        fields = []

    @property
    def filters_key(self):
        """The chosen filters, to keep what they find by ({"district": "RS-08"} → "district=RS-08").

        None for a search or an invalid filter: free text is never a key, so no one can fill the cache.
        """
        if not self.is_bound:
            return ""
        if not self.is_valid() or self.form.cleaned_data.get("q"):
            return None
        return urlencode(sorted((name, value) for name, value in self.form.cleaned_data.items() if value))

    @property
    def form_key(self):
        """The key the rendered form is kept by: only the form as first shown, with nothing chosen."""
        return None if self.is_bound else "unfiltered"

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    @property
    def form(self):
        if not hasattr(self, "_form"):  # built once per FilterSet, as django-filter does; styled once
            for field in super().form.fields.values():
                field.required = False
                if isinstance(field.widget, forms.Select):
                    field.widget.attrs["class"] = "form-select form-select-sm"
                else:
                    field.widget.attrs["class"] = "form-control form-control-sm"
        return self._form
