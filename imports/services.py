"""Confirming an import (once per preview) and undoing a batch."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import ImportBatch, ImportRecord


class AlreadyImported(Exception):
    """The preview was confirmed before (or is being confirmed by another request right now)."""


class UndoRefused(Exception):
    def __init__(self, message, changed=()):
        super().__init__(message)
        self.changed = list(changed)


def import_confirm(*, importer, table, token, user, file_name, file_size, file_sha256, acknowledged=False):
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
        importer.apply(table, batch=batch, acknowledged=acknowledged)
    return batch


def batch_changed_since(batch):
    """The records the batch touched that something else changed (or deleted) since, as (model, pk)."""
    changed = []
    for _content_type_id, model, ids in _records_by_model(batch):
        if not hasattr(model, "history"):
            continue  # rows of a record's own history (an office's status steps) go with the record
        changed += _changed_since(batch, model, ids)
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
    its history. Refused (nothing undone) when any of its records changed since."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.undone_at:
            raise UndoRefused(_("This import was undone already."))
        from offices.models import Office

        steps, refused_offices = _status_steps(batch)
        changed = batch_changed_since(batch)
        changed += [(Office, pk) for pk, _name in refused_offices if (Office, pk) not in changed]
        if refused_offices:
            raise UndoRefused(
                ngettext(
                    "Nothing was undone: the status or appointments of %(offices)s changed after this import, "
                    "or a later step of their history exists; %(count)s record changed in all.",
                    "Nothing was undone: the status or appointments of %(offices)s changed after this import, "
                    "or a later step of their history exists; %(count)s records changed in all.",
                    len(changed),
                )
                % {"offices": ", ".join(name for _pk, name in refused_offices), "count": len(changed)},
                changed,
            )  # fmt: skip
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
        for change, appointments in steps:
            _status_step_undo(batch, change, appointments, user=user)
        for content_type_id, model, ids in _records_by_model(batch):
            actions = dict(batch.records.filter(object_id__in=ids, content_type_id=content_type_id)
                           .exclude(action=ImportRecord.Action.STATUS)
                           .values_list("object_id", "action"))  # fmt: skip
            created = [pk for pk in ids if actions[pk] == ImportRecord.Action.CREATED]
            updated = [pk for pk in ids if actions[pk] == ImportRecord.Action.UPDATED]
            if updated:
                restored = _versions_before(model, batch, updated)
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


def _versions_before(model, batch, ids):
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


def _status_steps(batch):
    """The status steps the batch recorded, the last first, as (step, ids of the appointments it ended),
    and the offices (pk, name) whose step can no longer be withdrawn: the office, the step or those appointments
    changed since (their latest history row is not the batch's), or a later step exists."""
    # The one history a service keeps today is an office's (ImportRecord.Action.STATUS records).
    from offices.models import Appointment, Office, OfficeStatusChange
    from offices.services import office_status_change_withdraw_validate

    reason = batch.history_reason
    records = batch.records.filter(action=ImportRecord.Action.STATUS).order_by("-position")
    office_ids = list(records.values_list("object_id", flat=True))
    offices = Office.objects.in_bulk(office_ids)
    step_ids = dict(
        OfficeStatusChange.history.filter(history_change_reason=reason, history_type="+", office_id__in=office_ids)
        .values_list("office_id", "id")
    )  # fmt: skip
    ended = defaultdict(list)
    for office_id, pk in Appointment.history.filter(history_change_reason=reason, office_id__in=office_ids) \
            .values_list("office_id", "id").distinct():  # fmt: skip
        ended[office_id].append(pk)
    appointment_ids = [pk for pks in ended.values() for pk in pks]
    changed = {(model, pk) for model, pk in _changed_since(batch, Office, office_ids)}
    changed |= {(model, pk) for model, pk in _changed_since(batch, OfficeStatusChange, list(step_ids.values()))}
    changed |= {(model, pk) for model, pk in _changed_since(batch, Appointment, appointment_ids)}
    steps, refused = [], []
    for office_id in office_ids:
        office = offices.get(office_id)
        change = OfficeStatusChange.objects.filter(pk=step_ids.get(office_id)).first()
        stale = office is None or change is None or (Office, office_id) in changed
        stale = stale or (OfficeStatusChange, change.pk) in changed
        stale = stale or any((Appointment, pk) in changed for pk in ended[office_id])
        if not stale:
            try:
                office_status_change_withdraw_validate(change=change)
            except ValidationError:
                stale = True
        if stale:
            refused.append((office_id, str(office or office_id)))
            continue
        steps.append((change, sorted(ended[office_id])))
    return steps, refused


def _changed_since(batch, model, ids):
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


def _status_step_undo(batch, change, appointment_ids, *, user):
    """Withdraw a status step the batch recorded (simple-history keeps it) and give the appointments
    it ended back their versions before the batch."""
    from offices.models import Appointment
    from offices.services import office_status_change_withdraw

    office_status_change_withdraw(change=change, user=user, reason=batch.undo_reason)
    for appointment in _versions_before(Appointment, batch, appointment_ids):
        appointment._history_user, appointment._change_reason = user, batch.undo_reason
        try:
            appointment.full_clean(exclude=["id"])  # the row exists: it is its own earlier version
        except ValidationError:
            raise UndoRefused(
                _("Nothing was undone: the appointment of %(name)s cannot run again as before this import.")
                % {"name": appointment.coordinator},
                [(Appointment, appointment.pk)],
            ) from None
        appointment.save()
