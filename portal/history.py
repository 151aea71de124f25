"""What simple-history lacks: a bulk delete that keeps a "-" history row for each record deleted, an
admin save that writes nothing when nothing was changed, and a history page in the page's language."""

from datetime import date, datetime
from decimal import Decimal

from django.db import connection, models, router
from django.db.models import ProtectedError
from django.db.models.deletion import Collector
from django.forms.models import model_to_dict
from django.template.defaultfilters import yesno
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import ngettext
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME
from simple_history.template_utils import HistoricalRecordContextHelper, ObjDiffDisplay
from simple_history.utils import get_m2m_reverse_field_name

from .text import decimal_text, in_active_script

BATCH_SIZE = 500


def delete_with_history(records, model, *, user=None, reason=""):
    """Delete `records` (instances of `model`) with one "-" history row each, in bulk: one insert of the
    history rows (built as simple-history builds them, carrying `user` and `reason`) and one plain DELETE,
    which sends no signal (the rows are written here). simple-history has no bulk delete of its own, and a
    queryset's delete would write one history row per record.

    Only for records nothing else points to, so that history is never cascaded away: Django's Collector
    gathers what a delete() would take along (one query a relation to the model, none for a model nothing can
    point to, and more for what a CASCADE would take along in turn), and anything it gathers besides the
    records themselves (a row that a PROTECT foreign key holds, one that a CASCADE would delete, another record
    of the same model below a self-referencing CASCADE, or a link that SET_NULL would clear) refuses the whole
    delete before anything is written, with Django's ProtectedError naming those rows, as delete() would."""
    if not records:
        return
    collector = Collector(using=router.db_for_write(model))
    collector.collect(records)  # raises ProtectedError for what a PROTECT foreign key holds to them
    along = [record for other, found in collector.data.items() if other is not model for record in found]
    deleting = set(records)
    along += [record for record in collector.data.get(model, ()) if record not in deleting]
    along += [record for queryset in collector.fast_deletes for record in queryset]
    along += [record for batches in collector.field_updates.values() for found in batches for record in found]
    if along:  # a foreign key that is not PROTECT would take these rows, or their links, with the records
        raise ProtectedError(
            f"Cannot delete some instances of model {model.__name__!r}: other rows point to them.", set(along)
        )
    history = model.history.model  # without `user`, the request's, as simple-history's bulk_create_with_history does
    now = timezone.now()
    fields = [field.attname for field in model._meta.concrete_fields]
    history.objects.bulk_create(
        [
            history(history_date=now, history_user=user or history.get_default_history_user(record),
                    history_change_reason=reason, history_type="-",
                    **{name: getattr(record, name) for name in fields})
            for record in records
        ],
        batch_size=BATCH_SIZE,
    )  # fmt: skip
    table, key = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(model._meta.pk.column)
    ids = [record.pk for record in records]
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH_SIZE):
            batch = ids[start : start + BATCH_SIZE]
            cursor.execute(f"DELETE FROM {table} WHERE {key} IN ({', '.join(['%s'] * len(batch))})", batch)


def stored_as_is(record):
    """Whether the database holds `record` with these very values (one query)."""
    names = [field.attname for field in record._meta.concrete_fields]
    stored = type(record)._default_manager.filter(pk=record.pk).values_list(*names).first()
    return stored == tuple(getattr(record, name) for name in names)


def unchanged(form, obj):
    """Whether saving the change form `form` of the stored record `obj` would change nothing: the form has no
    change of its own and the database holds `obj` as it is (one query when the form is unchanged)."""
    return not form.has_changed() and stored_as_is(obj)


class UnchangedNotSaved:
    """For a ModelAdmin of a model with history: "Save" on a change form where nothing was changed saves
    nothing. simple-history writes a "~" row on every save(), so it would add a row with no changes, and
    the save would bump the data version (portal.page_cache) for nothing. Inline rows are saved as Django
    saves them (only those changed), and the form's many-to-many relations too: `save_m2m()` writes only
    what differs, so an unchanged form writes nothing. Django's admin log still notes "No fields changed.".

    A revert is an untouched form too: simple-history's revert page shows a past version as the form's
    initial values, so the stored row is compared (`unchanged`), and the version's many-to-many relations
    that its history keeps (`m2m_fields`) are the form's initial values, where simple-history would show
    the current ones and so revert the fields but not the relations. A revert of the relations alone saves
    no record (simple-history's `form.save_m2m()` writes them, with its history rows), and the admin log
    names the fields the revert changed against what was stored (`changes_to_stored`)."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        version = getattr(obj, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None)  # set on a past version's record
        if version is None:
            return form
        kept = {
            field.name: list(getattr(version, field.name).values_list(get_m2m_reverse_field_name(field), flat=True))
            for field in version._history_m2m_fields  # the relations this history keeps
            if field.name in form.base_fields
        }

        class VersionForm(form):
            def __init__(self, *args, initial=None, **kwargs):
                super().__init__(*args, initial={**kept, **(initial or {})}, **kwargs)

            def changes_to_stored(self):
                """The fields whose posted value differs from what the database holds: what the revert changes
                (`changed_data` compares with the version shown). One query, and one a many-to-many field."""
                current = type(self.instance)._default_manager.filter(pk=self.instance.pk).first()
                stored = model_to_dict(current, fields=list(self.fields)) if current else {}
                return [
                    name
                    for name, field in self.fields.items()
                    if not field.disabled and field.has_changed(stored.get(name), self[name].data)
                ]

        return VersionForm

    def save_model(self, request, obj, form, change):
        reverted = form.changes_to_stored() if hasattr(form, "changes_to_stored") else None  # before any write
        if change and unchanged(form, obj):
            # A past version's record was never loaded from the database: simple-history's form.save_m2m()
            # that follows writes its relations where the record is stored.
            obj._state.db = obj._state.db or router.db_for_write(type(obj), instance=obj)
        else:
            super().save_model(request, obj, form, change)
        if reverted is not None:
            form.changed_data = reverted  # what the admin log names: a revert's changes, not "No fields changed."


class TranslatedDiffDisplay(ObjDiffDisplay):
    """simple-history's shortening of long values, saying what it left out in the page's language."""

    def shortened_str(self, prefix, num_skipped_chars, suffix):
        skipped = ngettext("%(count)d character", "%(count)d characters", num_skipped_chars) % {
            "count": num_skipped_chars
        }
        return f"{prefix}[… {skipped} …]{suffix}"


class HistoryContextHelper(HistoricalRecordContextHelper):
    """A history row's changes as the page's language writes them: a choice by its label, a date in words, yes
    or no, a decimal as "4,5" (`decimal_text`), and names and texts in the active script (simple-history shows
    the stored values: "open", "2018-01-24", "True", "4.50")."""

    def get_obj_diff_display(self):
        return TranslatedDiffDisplay(max_length=self.max_displayed_delta_change_chars)

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        return delta_value(self.model._meta.get_field(change.field), value)


def delta_value(field, value):
    if isinstance(value, list):  # a many-to-many field's related records
        return [delta_value(field, item) for item in value]
    if value is None or value == "":
        return ""  # nothing, as an empty text shows: not the library's "None"
    if field.flatchoices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, datetime):
        return date_format(localtime(value), "DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value)
    if isinstance(value, bool):
        return yesno(value)
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, str | models.Model):
        return in_active_script(value)
    return value


class TranslatedHistory:
    """On a SimpleHistoryAdmin: its history page writes each row's changes as the page's language does
    (`HistoryContextHelper`)."""

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryContextHelper(self.model, historical_record)
