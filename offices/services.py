"""Writes that touch several rows: each in one transaction, used by the admin, imports and commands."""

import copy

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Appointment, Office, OfficeEvent, OfficeStatus, OfficeStatusChange
from .validators import validate_not_in_future

# Which status may follow which, and the event that records the step.
TRANSITIONS = {
    (OfficeStatus.INITIATED, OfficeStatus.OPEN): OfficeEvent.OPENED,
    (OfficeStatus.OPEN, OfficeStatus.INACTIVE): OfficeEvent.INACTIVE,
    (OfficeStatus.OPEN, OfficeStatus.CLOSED): OfficeEvent.CLOSED,
    (OfficeStatus.INACTIVE, OfficeStatus.OPEN): OfficeEvent.REOPENED,
    (OfficeStatus.INACTIVE, OfficeStatus.CLOSED): OfficeEvent.CLOSED,
    (OfficeStatus.CLOSED, OfficeStatus.OPEN): OfficeEvent.REOPENED,
}


def _office_apply_event(office, event, on):
    """Set the office's current state as the event leaves it (in memory)."""
    office.status = event.status
    if event == OfficeEvent.OPENED:
        office.opened_on, office.closed_on = on, None
    elif event == OfficeEvent.REOPENED:
        office.closed_on = None  # opened_on stays the first opening; the history keeps every step
    elif event in (OfficeEvent.INACTIVE, OfficeEvent.CLOSED):
        office.closed_on = on


def office_status_change_validate(*, office, status, on):
    """The event that would take `office` to `status` on `on`; ValidationError keyed "status"/"on" if refused.

    Reads only: the admin's form calls it to show errors on its fields before anything is written.
    """
    if on is None:
        raise ValidationError({"on": _("Give the date of the change.")})
    try:
        validate_not_in_future(on, _("The date of the change"))
    except ValidationError as error:
        raise ValidationError({"on": error}) from None
    event = TRANSITIONS.get((office.status, status))
    if event is None:
        raise ValidationError(
            {
                "status": _("An office that is %(current)s cannot become %(new)s.")
                % {"current": OfficeStatus(office.status).label, "new": OfficeStatus(status).label}
            }
        )
    last = office.status_changes.order_by("-on", "-pk").first() if office.pk else None
    if last is not None and on < last.on:
        raise ValidationError(
            {
                "on": _("The last recorded change is of %(date)s: a new change cannot be earlier.")
                % {"date": last.on.strftime("%d.%m.%Y.")}
            }
        )
    earliest = office.opened_on if event != OfficeEvent.OPENED else office.initiated_on
    if earliest is not None and on < earliest:
        raise ValidationError(
            {
                "on": _("The change cannot be earlier than %(date)s, when the office opened or was initiated.")
                % {"date": earliest.strftime("%d.%m.%Y.")}
            }
        )
    if event in (OfficeEvent.INACTIVE, OfficeEvent.CLOSED):
        later = Appointment.objects.filter(office=office, started_on__gt=on).count()
        if later:
            message = ngettext(
                "%(count)s appointment at this office starts after this date: change or delete it first.",
                "%(count)s appointments at this office start after this date: change or delete them first.",
                later,
            )
            raise ValidationError({"on": message % {"count": later}})
    # The constraints (one open office per local self-government, dates in order) on the state it would leave.
    changed = copy.copy(office)
    _office_apply_event(changed, event, on)
    changed.validate_constraints()
    return event


@transaction.atomic
def office_change_status(*, office, status, on, note="", user=None):
    """Record a dated status change and keep the office's current state in step with it.

    Making an office inactive or closing it ends, on that date, every appointment still running then.
    Returns the new OfficeStatusChange; raises ValidationError (nothing written) if refused.
    """
    Office.objects.select_for_update().filter(pk=office.pk).first()  # one change at a time per office
    office.refresh_from_db(fields=["status", "initiated_on", "opened_on", "closed_on"])
    event = office_status_change_validate(office=office, status=status, on=on)
    _office_apply_event(office, event, on)
    office._history_user = user
    office.save()
    change = OfficeStatusChange(office=office, event=event, on=on, note=note, recorded_by=user)
    change.full_clean()
    change.save()
    if event in (OfficeEvent.INACTIVE, OfficeEvent.CLOSED):
        running = Appointment.objects.filter(office=office).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        for appointment in running:
            appointment.ended_on = on
            appointment._history_user = user
            appointment.save()
    return change


@transaction.atomic
def office_history_start(*, office, user=None, note=""):
    """The history of an office created with its dates (admin's add form, import): one row per date."""
    if office.status_changes.exists():
        return []
    steps = []
    if office.initiated_on or office.status == OfficeStatus.INITIATED:
        steps.append((OfficeEvent.INITIATED, office.initiated_on or timezone.localdate()))
    if office.opened_on:
        steps.append((OfficeEvent.OPENED, office.opened_on))
    if office.status in OfficeStatus.ended() and office.closed_on:
        steps.append((OfficeEvent(office.status), office.closed_on))
    return OfficeStatusChange.objects.bulk_create(
        OfficeStatusChange(office=office, event=event, on=on, note=note, recorded_by=user) for event, on in steps
    )


@transaction.atomic
def coordinator_anonymise(*, coordinator, user=None):
    """Erase a person's personal data on a data-protection request, keeping their appointments.

    The office histories keep the periods under a neutral name; the person's account is unlinked and
    deactivated, and the personal fields of their earlier versions (simple-history) are erased too.
    """
    if coordinator.anonymised_at:
        return coordinator
    account = coordinator.user
    with translation.override(settings.LANGUAGE_CODE):
        erased = {
            "first_name": _("Anonymised"),
            "last_name": _("coordinator #%(id)s") % {"id": coordinator.pk},
            "email": "",
            "phone": "",
            "birth_year": None,
            "youth_work_since": None,
            "experience": "",
            "publish_email": False,
            "publish_phone": False,
            "user": None,
        }
    for name, value in erased.items():
        setattr(coordinator, name, value)
    coordinator.anonymised_at = timezone.now()
    coordinator._history_user = user
    coordinator.save()
    fields = {("user_id" if name == "user" else name): value for name, value in erased.items()}
    coordinator.history.all().update(**fields, search_text=coordinator.search_text)
    if account is not None:
        account.is_active = False
        account.first_name = account.last_name = account.email = ""
        account.save(update_fields=["is_active", "first_name", "last_name", "email"])
    return coordinator
