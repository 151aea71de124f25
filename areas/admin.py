from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from portal.folded_search import FoldedSearchMixin
from portal.history import TranslatedHistory, UnchangedNotSaved
from portal.text import collation_key

from .models import Area, AreaKind, ProgrammeRegion, within_q
from .services import areas_refresh_paths


class AreaAncestorFilter(admin.SimpleListFilter):
    """Filter by a region/entity or district/canton anywhere above the record's area."""

    kinds = ()
    area_field = "area"

    def lookups(self, request, model_admin):
        """The areas by name in the active script or language, in the order of its alphabet."""
        choices = [(area.code, area.local_name) for area in Area.objects.of_kind(*self.kinds)]
        return sorted(choices, key=lambda choice: collation_key(choice[1]))

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        area = Area.objects.filter(code=self.value()).first()
        if area is None:
            return queryset.none()
        return queryset.filter(within_q(area, self.area_field))


class RegionFilter(AreaAncestorFilter):
    title = _("region or entity")
    parameter_name = "region"
    kinds = AreaKind.regional()


class DistrictFilter(AreaAncestorFilter):
    title = _("district or canton")
    parameter_name = "district"
    kinds = AreaKind.subregional()


class CountryFilter(admin.SimpleListFilter):
    title = _("country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        return [(area.code, area.name) for area in Area.objects.countries()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(path__startswith=self.value() + "/")
        return queryset


class ValidFilter(admin.SimpleListFilter):
    title = _("validity")
    parameter_name = "valid"

    def lookups(self, request, model_admin):
        return [("current", _("valid today")), ("ended", _("no longer valid"))]

    def queryset(self, request, queryset):
        if self.value() == "current":
            return queryset.current()
        if self.value() == "ended":
            return queryset.exclude(pk__in=Area.objects.current().values("pk"))
        return queryset


@admin.register(Area)
class AreaAdmin(UnchangedNotSaved, TranslatedHistory, FoldedSearchMixin, SimpleHistoryAdmin):
    list_display = ["name", "name_cyrillic", "kind", "parent", "code", "valid_from", "valid_to"]
    list_filter = [CountryFilter, "kind", ValidFilter]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path"]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["name", "name_cyrillic", "name_en", "kind", "parent", "code", "path"]}),
        (_("Seat"), {"fields": ["latitude", "longitude"]}),
        (_("Validity"), {"fields": ["valid_from", "valid_to"]}),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and getattr(obj, "path_changed", False):  # a new parent or code; a revert of either
            areas_refresh_paths()

    def has_delete_permission(self, request, obj=None):
        # Units are never deleted: a merged or abolished one gets an end of validity.
        return False


@admin.register(ProgrammeRegion)
class ProgrammeRegionAdmin(UnchangedNotSaved, TranslatedHistory, SimpleHistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    autocomplete_fields = ["areas"]
    prepopulated_fields = {"slug": ["name"]}
