"""Django's admin site, with one addition: a ModelAdmin may label its autocomplete answers.

Two coordinators of one name look the same in an autocomplete that shows `str(obj)`; a ModelAdmin
with `autocomplete_label(obj)` adds what tells them apart (trainings' participants and enrolments).
"""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        if label is not None:
            result["text"] = str(label(obj))
        return result


class PortalAdminSite(admin.AdminSite):
    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)
