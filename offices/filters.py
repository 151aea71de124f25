import django_filters
from django import forms
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from areas.models import Area, AreaKind, local_name
from portal.text import collation_key

from .models import Office, OfficeStatus

FILTER_AREA_KINDS = [AreaKind.COUNTRY, *AreaKind.regional(), *AreaKind.subregional()]


class AreaFilter(django_filters.ChoiceFilter):
    """Offices anywhere below the chosen area; the area is named by its code in the URL.

    The choices and where each area lies come from OfficeFilter, which reads them once per request.
    """

    def __init__(self, *args, kinds, **kwargs):
        kwargs.setdefault("empty_label", _("all"))
        self.kinds = tuple(kinds)
        super().__init__(*args, choices=(), **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        place = self.parent.places.get(value)
        if place is None:
            return qs.none()
        return qs.in_area(Area(pk=place[0], path=place[1]))


class OfficeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search", max_length=100)
    country = AreaFilter(label=_("Country"), kinds=[AreaKind.COUNTRY])
    region = AreaFilter(label=_("Region or entity"), kinds=AreaKind.regional())
    district = AreaFilter(label=_("District or canton"), kinds=AreaKind.subregional())
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=OfficeStatus.choices,
        empty_label=_("all"),
    )
    year = django_filters.ChoiceFilter(
        label=_("Year opened"),
        choices=(),
        field_name="opened_on",
        lookup_expr="year",
        empty_label=_("all"),
    )

    class Meta:
        model = Office
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The choices are read when first needed (to check a chosen value, or to render a select that
        # no {% cache %} fragment holds), once for the whole form: closures, which Django's forms
        # copy by reference.
        for filter_ in self.filters.values():
            if isinstance(filter_, AreaFilter):
                filter_.extra["choices"] = lambda kinds=filter_.kinds: self.area_choices(kinds)
        self.filters["year"].extra["choices"] = lambda: [(str(year), str(year)) for year in self.opening_years]

    @cached_property
    def areas(self):
        return list(
            Area.objects.of_kind(*FILTER_AREA_KINDS)
            .order_by("path")
            .values_list("kind", "code", "name", "name_cyrillic", "name_en", "pk", "path")
        )

    @cached_property
    def places(self):
        """Where each area of the filters lies: {code: (pk, path)}."""
        return {code: (pk, path) for _kind, code, _name, _cyrillic, _english, pk, path in self.areas}

    def area_choices(self, kinds):
        """The areas of these kinds by name, in the order of the active script's alphabet."""
        choices = [
            (code, local_name(name, cyrillic, english))
            for kind, code, name, cyrillic, english, *_ in self.areas
            if kind in kinds
        ]
        return sorted(choices, key=lambda choice: collation_key(choice[1]))

    @cached_property
    def opening_years(self):
        return list(Office.objects.opening_years())

    @property
    def filters_key(self):
        """The chosen filters in one canonical spelling, to keep what they find by ("district=RS-08").

        None for a search or an invalid filter: free text is never a key, so no one can fill a cache.
        """
        if not self.is_bound:
            return ""
        if not self.is_valid() or self.form.cleaned_data.get("q"):
            return None
        return urlencode(sorted((name, value) for name, value in self.form.cleaned_data.items() if value))

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
