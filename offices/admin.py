from django.contrib import admin
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from areas.admin import DistrictFilter, RegionFilter
from imports.admin import SpreadsheetAdminMixin
from portal.folded_search import FoldedSearchMixin

from .importers import CoordinatorImport, MembershipImport, OfficeImport
from .models import Appointment, Coordinator, Membership, Office


class YearOpenedFilter(admin.SimpleListFilter):
    title = gettext_lazy("year opened")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        return [(str(year), str(year)) for year in Office.objects.opening_years()]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(opened_on__year=int(self.value()))
        return queryset


class AppointmentInline(admin.TabularInline):
    model = Appointment
    extra = 0
    autocomplete_fields = ["office", "coordinator"]


class OfficeAppointmentInline(AppointmentInline):
    fields = ["coordinator", "started_on", "ended_on"]


class CoordinatorAppointmentInline(AppointmentInline):
    fields = ["office", "started_on", "ended_on"]


@admin.register(Office)
class OfficeAdmin(SpreadsheetAdminMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    import_class = OfficeImport
    list_display = ["name", "area", "status", "opened_on", "closed_on"]
    list_filter = ["status", RegionFilter, DistrictFilter, YearOpenedFilter]
    list_select_related = ["area"]
    autocomplete_fields = ["area"]
    show_full_result_count = False
    inlines = [OfficeAppointmentInline]
    fieldsets = [
        (None, {"fields": ["area", "name", "slug", "status"]}),
        (gettext_lazy("Lifecycle"), {"fields": ["initiated_on", "opened_on", "closed_on"]}),
        (
            gettext_lazy("Public details"),
            {
                "fields": [
                    "address",
                    "postal_code",
                    "latitude",
                    "longitude",
                    "email",
                    "phone",
                    "website",
                    "facebook",
                    "instagram",
                    "working_hours",
                    "description",
                ]
            },
        ),
    ]


@admin.register(Coordinator)
class CoordinatorAdmin(SpreadsheetAdminMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    import_class = CoordinatorImport

    def import_permissions(self):
        return [*super().import_permissions(), "offices.add_appointment"]

    list_display = ["last_name", "first_name", "email", "youth_work_since", "user"]
    list_select_related = ["user"]
    list_filter = ["publish_email", "publish_phone"]
    autocomplete_fields = ["user"]
    show_full_result_count = False
    inlines = [CoordinatorAppointmentInline]


class CurrentMembersFilter(admin.SimpleListFilter):
    title = gettext_lazy("membership")
    parameter_name = "members"

    def lookups(self, request, model_admin):
        return [("current", gettext_lazy("current members")), ("former", gettext_lazy("former members"))]

    def queryset(self, request, queryset):
        if self.value() == "current":
            return queryset.current()
        if self.value() == "former":
            return queryset.exclude(pk__in=Membership.objects.current().values("pk"))
        return queryset


@admin.register(Membership)
class MembershipAdmin(SpreadsheetAdminMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    import_class = MembershipImport
    list_display = ["area", "joined_on", "left_on"]
    list_select_related = ["area"]
    list_filter = [CurrentMembersFilter, RegionFilter, DistrictFilter]
    autocomplete_fields = ["area"]
    folded_search_fields = ["area__search_text"]


@admin.register(Appointment)
class AppointmentAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
    list_display = ["coordinator", "office", "started_on", "ended_on"]
    list_select_related = ["coordinator", "office"]
    autocomplete_fields = ["coordinator", "office"]
    folded_search_fields = ["coordinator__search_text", "office__search_text"]
