"""Confirming an import (once per preview) and undoing a batch."""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_update_with_history

from portal.history import delete_with_history

from .importers import Import, UndoRefused
from .models import ImportBatch, ImportRecord


class AlreadyImported(Exception):
    """The preview was confirmed before (or is being confirmed by another request right now)."""


def import_confirm(*, importer, table, token, user, file_name, file_size, file_sha256, acknowledged=False, plan=None):
    """Write a previewed file as one batch. The batch row claims the preview's token first, in the
    same transaction: a second confirmation waits for the first and is then refused as a duplicate."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                batch = ImportBatch.objects.create(
                    token=token,
                    importer=importer.key,
                    user=user,
                    file_name=file_name[:255],
                    file_size=file_size,
                    file_sha256=file_sha256,
                    sheet=table.sheet[:100],
                    empty_cells_clear=importer.clear_empty,
                )
        except IntegrityError:
            raise AlreadyImported from None
        importer.apply(table, batch=batch, acknowledged=acknowledged, plan=plan)
    return batch


def batch_changed_since(batch, records=None):
    """The records the batch touched that something else changed (or deleted) since, as (model, pk).
    `records` are the batch's records as `_records_by_model` gives them, when read already."""
    changed = []
    for model, actions in _records_by_model(batch) if records is None else records:
        if not hasattr(model, "history"):
            continue  # without simple-history nothing tells whether it changed since
        changed += changed_since(batch, model, list(actions))
    return changed


def _records_by_model(batch):
    """(model, {object id: action}) of the batch's own records, the last written model first: one query,
    whatever the number of records."""
    grouped = defaultdict(dict)
    last_position = {}
    records = batch.records.exclude(action=ImportRecord.Action.STATUS).order_by("position")
    for content_type_id, object_id, action, position in records.values_list(
        "content_type_id", "object_id", "action", "position"
    ):
        grouped[content_type_id][object_id] = action
        last_position[content_type_id] = position
    order = sorted(grouped, key=lambda key: -last_position[key])
    return [(ContentType.objects.get_for_id(key).model_class(), grouped[key]) for key in order]


def batch_undo(*, batch, user):
    """Revert a whole batch in one transaction: delete what it created, restore what it updated from
    its history, and let its declaration undo what it changed through services. Refused (nothing
    undone) when any of its records changed since. A fixed number of queries a model, whatever the
    number of records (the declaration's service changes aside)."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.undone_at:
            raise UndoRefused(_("This import was undone already."))
        declaration = declaration_of(batch)
        records = _records_by_model(batch)
        changed = batch_changed_since(batch, records)
        plan = declaration.check_service_undo(batch, changed)
        if changed:
            raise UndoRefused(
                ngettext(
                    "Nothing was undone: %(count)s record changed after this import.",
                    "Nothing was undone: %(count)s records changed after this import.",
                    len(changed),
                )
                % {"count": len(changed)},
                changed,
            )
        reason = batch.undo_reason
        declaration.undo_service_changes(batch, plan, user=user)
        for model, actions in records:
            created = [pk for pk, action in actions.items() if action == ImportRecord.Action.CREATED]
            updated = [pk for pk, action in actions.items() if action == ImportRecord.Action.UPDATED]
            if updated:
                restored = versions_before(model, batch, updated)
                fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
                bulk_update_with_history(restored, model, fields, default_user=user, default_change_reason=reason)
            if created:  # an import writes only models with history (bulk_create_with_history)
                created_records = list(model._default_manager.filter(pk__in=created))
                # Refused (ProtectedError, nothing written) while records made since point to them.
                delete_with_history(created_records, model, user=user, reason=reason)
        batch.undone_at, batch.undone_by = timezone.now(), user
        batch.save(update_fields=["undone_at", "undone_by"])
        from portal.page_cache import data_changed

        data_changed()
    return batch


def declaration_of(batch):
    """The declaration that wrote the batch (the base, which undoes no service changes, for a key no longer found)."""
    try:
        return import_string(batch.importer)(clear_empty=batch.empty_cells_clear)
    except ImportError:
        return Import(clear_empty=batch.empty_cells_clear)


def versions_before(model, batch, ids):
    """Each record as its history kept it just before the batch wrote it, with its derived fields derived
    again, so that one write restores it and its history row says what it holds: what they are derived from
    may have changed since (an office's search text holds its area's names, and the area may have been
    renamed), as may the rule. One query loads only that version of each record, one the records as they are
    (whose fields the version's then replace), and one each relation the derivation reads (FETCH_PEERS: for
    all the records at once)."""
    history = model.history.model
    first_ours = (
        history.objects.filter(id=OuterRef("id"), history_change_reason=batch.history_reason)
        .order_by("history_id")
        .values("history_id")[:1]
    )
    before = (
        history.objects.filter(id__in=ids, history_id__lt=Subquery(first_ours))
        .order_by()
        .values("id")
        .annotate(previous=Max("history_id"))
        .values("previous")
    )
    previous = {version.id: version for version in history.objects.filter(history_id__in=before)}
    records = list(model._default_manager.filter(pk__in=ids).fetch_mode(models.FETCH_PEERS))
    names = [field.attname for field in model._meta.concrete_fields]
    for record in records:
        for name in names:
            setattr(record, name, getattr(previous[record.pk], name))
        if hasattr(record, "set_derived_fields"):
            record.set_derived_fields()
    return records


def changed_since(batch, model, ids):
    """Of `ids`, the records whose latest history row is not the batch's (or that are gone), as (model, pk)."""
    history = model.history.model
    ours = dict(
        history.objects.filter(history_change_reason=batch.history_reason, id__in=ids)
        .values_list("id")
        .annotate(last=Max("history_id"))
    )
    latest = dict(history.objects.filter(id__in=ids).values_list("id").annotate(last=Max("history_id")))
    present = set(model._default_manager.filter(pk__in=ids).values_list("pk", flat=True))
    return [(model, pk) for pk in ids if latest.get(pk) != ours.get(pk) or pk not in present]
