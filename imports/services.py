"""Confirming an import (once per preview) and undoing a batch."""

from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


def batch_changed_since(batch):
    """The records the batch touched that something else changed (or deleted) since, as (model, pk)."""
    changed = []
    for _content_type_id, model, ids in _records_by_model(batch):
        if not hasattr(model, "history"):
            continue  # rows of a record's own history (an office's status steps) go with the record
        changed += changed_since(batch, model, ids)
    return changed


def _records_by_model(batch):
    """(content type id, model, object ids) of the batch, the last written model first."""
    grouped = defaultdict(list)
    last_position = {}
    types = {}
    records = batch.records.exclude(action=ImportRecord.Action.STATUS).select_related("content_type")
    for record in records.order_by("position"):
        grouped[record.content_type_id].append(record.object_id)
        last_position[record.content_type_id] = record.position
        types[record.content_type_id] = record.content_type
    order = sorted(grouped, key=lambda key: -last_position[key])
    return [(key, types[key].model_class(), grouped[key]) for key in order]


def batch_undo(*, batch, user):
    """Revert a whole batch in one transaction: delete what it created, restore what it updated from
    its history, and let its declaration undo what it changed through services. Refused (nothing
    undone) when any of its records changed since."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.undone_at:
            raise UndoRefused(_("This import was undone already."))
        declaration = declaration_of(batch)
        changed = batch_changed_since(batch)
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
        from simple_history.utils import bulk_update_with_history

        reason = batch.undo_reason
        declaration.undo_service_changes(batch, plan, user=user)
        for content_type_id, model, ids in _records_by_model(batch):
            actions = dict(batch.records.filter(object_id__in=ids, content_type_id=content_type_id)
                           .exclude(action=ImportRecord.Action.STATUS)
                           .values_list("object_id", "action"))  # fmt: skip
            created = [pk for pk in ids if actions[pk] == ImportRecord.Action.CREATED]
            updated = [pk for pk in ids if actions[pk] == ImportRecord.Action.UPDATED]
            if updated:
                restored = versions_before(model, batch, updated)
                fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
                bulk_update_with_history(restored, model, fields, default_user=user, default_change_reason=reason)
            if created and not hasattr(model, "history"):
                model._default_manager.filter(pk__in=created).delete()
            elif created:
                for instance in model._default_manager.filter(pk__in=created):
                    instance._change_reason = reason
                    instance.delete()
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
    """Each record as its history kept it just before the batch wrote it."""
    history = model.history.model
    ours = dict(
        history.objects.filter(history_change_reason=batch.history_reason, id__in=ids)
        .values_list("id")
        .annotate(first=Min("history_id"))
    )
    previous = {}
    for version in history.objects.filter(id__in=ids).order_by("id", "history_id"):
        if version.history_id < ours[version.id]:
            previous[version.id] = version
    return [previous[pk].instance for pk in ids]


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
