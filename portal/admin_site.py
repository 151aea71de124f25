"""Django's admin site, with one addition: a ModelAdmin may name its records better than `str(obj)`.

Two coordinators of one name look the same wherever a record is shown by `str(obj)`. A ModelAdmin
with `record_label(obj)` (and, when the label needs more data, `label_queryset(queryset)`, which its
`get_queryset` should apply too) names them with what tells them apart: its autocomplete answers
use it, and so does an import batch's list of the records it touched (imports.admin).

`name_column(model, field)`: a changelist column of a name (or a related record, by its `str()`) in the
active script, where Django's own shows the stored Latin on Cyrillic pages too.
"""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView

from portal.text import in_active_script


def name_column(model, field):
    """A changelist column showing `field`, a name or a related record, in the active script (an area by its
    `local_name`: its official Cyrillic spelling, its English name), sorted as Django sorts the field."""

    @admin.display(description=model._meta.get_field(field).verbose_name, ordering=field)
    def column(obj):
        value = getattr(obj, field)
        return getattr(value, "local_name", None) or in_active_script(value)

    column.__name__ = field  # the column's CSS class, "column-<field>", as Django's own
    return column


def labelling_admin(admin_site, model):
    """The ModelAdmin that names `model`'s records with `record_label`, or None."""
    try:
        model_admin = admin_site.get_model_admin(model)
    except admin.exceptions.NotRegistered:
        return None
    return model_admin if hasattr(model_admin, "record_label") else None


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if hasattr(self.model_admin, "record_label"):
            result["text"] = str(self.model_admin.record_label(obj))
        return result


class PortalAdminSite(admin.AdminSite):
    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)
