"""Model fields of free Serbian text (names, addresses, notes): stored in Latin, whatever script it is typed in.

Names are stored in Serbian Latin and shown in the active script (docs/architecture.md, "Names in the active
script"). Text typed or imported in Cyrillic is written in Latin (`portal.text.to_latin`) as the field reads
it (`to_python`): by the form field (admin and site forms: `cleaned_data` and `has_changed()` see the Latin),
by `Model.clean_fields()` (every `full_clean()`: services, proposals, the imports' checks), by an import
before it compares a cell with the stored value (so the same text in the other script is no change), and
on the way to the database (Django's CharField and TextField prepare a value with `to_python`: every save,
bulk write, update and lookup), so no path stores Cyrillic.
Fields that are Cyrillic on purpose (`Area.name_cyrillic`), e-mail, codes and addresses on the web are
ordinary fields.
"""

from django import forms
from django.db import models

from .text import to_latin


def latin(value):
    return to_latin(value) if isinstance(value, str) else value


class LatinFormField(forms.CharField):
    def to_python(self, value):
        return latin(super().to_python(value))


class LatinText:
    """The part a Latin text field adds to Django's CharField or TextField."""

    def to_python(self, value):
        return latin(super().to_python(value))

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": LatinFormField, **kwargs})


class LatinCharField(LatinText, models.CharField):
    """A CharField of free Serbian text, stored in Latin."""


class LatinTextField(LatinText, models.TextField):
    """A TextField of free Serbian text, stored in Latin."""


def records_to_latin(apps, fields, *, reason="latin"):
    """A data migration's step: write in Latin the Cyrillic stored in `fields` ({"app.Model": [names]})
    before they were Latin text fields, each changed record with a history row ("~", `reason`), as an edit
    in the admin leaves one. The derived search forms do not change: they read both scripts alike."""
    from django.utils import timezone

    now = timezone.now()
    for label, names in fields.items():
        model = apps.get_model(label)
        history = apps.get_model(model._meta.app_label, f"Historical{model.__name__}")
        changed = []
        for record in model.objects.all().iterator():
            values = {name: to_latin(getattr(record, name)) for name in names}
            if any(values[name] != getattr(record, name) for name in names):
                for name, value in values.items():
                    setattr(record, name, value)
                changed.append(record)
        model.objects.bulk_update(changed, names, batch_size=500)
        history.objects.bulk_create(
            [
                history(
                    **{field.attname: getattr(record, field.attname) for field in model._meta.concrete_fields},
                    history_date=now,
                    history_type="~",
                    history_change_reason=reason,
                )
                for record in changed
            ],
            batch_size=500,
        )
