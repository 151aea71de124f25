"""Django's admin site, with one addition: a ModelAdmin may name its records better than `str(obj)`.

Two coordinators of one name look the same wherever a record is shown by `str(obj)`. A ModelAdmin
with `record_label(obj)` (and, when the label needs more data, `label_queryset(queryset)`, which its
`get_queryset` should apply too) names them with what tells them apart: its autocomplete answers
use it, and so does an import batch's list of the records it touched (imports.admin).

`ActiveScriptMessagesMixin`: the admin's own messages ("The office “…” was changed successfully.") name
the record by `str(obj)`, stored in Latin; on a Cyrillic page they show it in Cyrillic.
"""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.utils.safestring import SafeData, mark_safe

from portal.text import cyrillic_active, to_cyrillic


class ActiveScriptMessagesMixin:
    """For a ModelAdmin: what it says through `message_user` (Django's added, changed and deleted messages
    among them) in the active script. The message is translated already; only the names in it are Latin."""

    def message_user(self, request, message, *args, **kwargs):
        if cyrillic_active():
            # to_cyrillic changes letters only and leaves markup alone: a safe message (its link) stays safe.
            text = to_cyrillic(str(message))
            message = mark_safe(text) if isinstance(message, SafeData) else text
        super().message_user(request, message, *args, **kwargs)


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
