import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from areas.models import Area, AreaKind

from .models import Office, OfficeStatus


class AreaChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.local_name


class AreaFilter(django_filters.ModelChoiceFilter):
    """Offices anywhere below the chosen area; the area is named by its code in the URL."""

    field_class = AreaChoiceField

    def __init__(self, *args, kinds, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("empty_label", _("all"))
        kwargs.setdefault("queryset", Area.objects.of_kind(*kinds).order_by("path"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return qs.in_area(value) if value else qs


def opening_years():
    return [(str(year), str(year)) for year in Office.objects.opening_years()]


class OfficeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search", max_length=100)
    country = AreaFilter(label=_("Country"), kinds=[AreaKind.COUNTRY])
    region = AreaFilter(label=_("Region or entity"), kinds=AreaKind.regional())
    district = AreaFilter(label=_("District or canton"), kinds=AreaKind.subregional())
    status = django_filters.ChoiceFilter(label=_("Status"), choices=OfficeStatus.choices, empty_label=_("all"))
    year = django_filters.ChoiceFilter(
        label=_("Year opened"), choices=opening_years, field_name="opened_on", lookup_expr="year", empty_label=_("all")
    )

    class Meta:
        model = Office
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            field.required = False
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select form-select-sm"
            else:
                field.widget.attrs["class"] = "form-control form-control-sm"
        return form
