"""Writes that touch several rows: each in one transaction, used by the admin, imports and commands."""

import copy
import logging
import smtplib

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.formats import date_format
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history

from .models import (
    PROPOSABLE_FIELDS,
    Appointment,
    Coordinator,
    Office,
    OfficeChangeProposal,
    OfficeEvent,
    OfficeStatus,
    OfficeStatusChange,
    ProposalStatus,
    normalize_email,
    period_within,
    working_periods,
)
from .validators import validate_not_in_future

logger = logging.getLogger(__name__)

# An office's current state, which its history's steps set: a step saves only these (and updated_at),
# so it costs no read of the area that the office's search text would need.
OFFICE_STATE = ["status", "initiated_on", "opened_on", "closed_on"]

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


def _validate_change_date(on):
    """A status step's date: given, and not in the future (errors keyed "on")."""
    if on is None:
        raise ValidationError({"on": _("Give the date of the change.")})
    try:
        validate_not_in_future(on, _("The date of the change"))
    except ValidationError as error:
        raise ValidationError({"on": error}) from None


def office_status_change_validate(*, office, status, on):
    """The event that would take `office` to `status` on `on`; ValidationError keyed "status"/"on" if refused.

    Reads only: the admin's form calls it to show errors on its fields before anything is written.
    """
    _validate_change_date(on)
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
                % {"date": date_format(last.on, "SHORT_DATE_FORMAT")}
            }
        )
    earliest = office.opened_on if event != OfficeEvent.OPENED else office.initiated_on
    if earliest is not None and on < earliest:
        raise ValidationError(
            {
                "on": _("The change cannot be earlier than %(date)s, when the office opened or was initiated.")
                % {"date": date_format(earliest, "SHORT_DATE_FORMAT")}
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
def office_change_status(*, office, status, on, note="", user=None, reason=None):
    """Record a dated status change and keep the office's current state in step with it.

    Making an office inactive or closing it ends, on that date, every appointment still running then.
    `reason` is the history change reason of every row written (an import's, so its undo finds them).
    Returns the new OfficeStatusChange; raises ValidationError (nothing written) if refused.
    """
    Office.objects.select_for_update().filter(pk=office.pk).first()  # one change at a time per office
    office.refresh_from_db(fields=OFFICE_STATE)
    event = office_status_change_validate(office=office, status=status, on=on)
    _office_apply_event(office, event, on)
    office._history_user, office._change_reason = user, reason
    office.save(update_fields=[*OFFICE_STATE, "updated_at"])
    change = OfficeStatusChange(office=office, event=event, on=on, note=note, recorded_by=user)
    change._change_reason = reason
    change.full_clean()
    change.save()
    if event in (OfficeEvent.INACTIVE, OfficeEvent.CLOSED):
        running = Appointment.objects.filter(office=office).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        for appointment in running:
            appointment.ended_on = on
            appointment._history_user, appointment._change_reason = user, reason
            appointment.save()
    return change


def _office_state_from_history(office, steps):
    """The office (a copy) in the state its history's (event, date) steps leave it."""
    derived = copy.copy(office)
    last_event, last_on = steps[-1]
    derived.status = OfficeEvent(last_event).status
    derived.initiated_on = next((on for event, on in steps if event == OfficeEvent.INITIATED), None)
    derived.opened_on = next((on for event, on in steps if event == OfficeEvent.OPENED), None)
    derived.closed_on = last_on if derived.status in OfficeStatus.ended() else None
    return derived


def _format(day):
    return date_format(day, "SHORT_DATE_FORMAT")


def _check_appointments_within(office, steps):
    """Every appointment of the office still lies within the working life the steps describe."""
    periods = working_periods(steps)
    appointments = Appointment.objects.filter(office=office).select_related("coordinator").order_by("started_on", "pk")
    for appointment in appointments:
        if not period_within(periods, appointment.started_on, appointment.ended_on):
            raise ValidationError(
                {
                    "on": _(
                        "The appointment of %(name)s (%(start)s – %(end)s) would no longer lie within the "
                        "office's working life: change that appointment first."
                    )
                    % appointment.period_params()
                }
            )


def office_status_change_correct_validate(*, change, on):
    """The office as a corrected date would leave it; ValidationError keyed "on" if refused. Reads only.

    The history stays in order (so an initiation stays before the opening), no date is in the future,
    and every appointment of the office stays within its working life: nothing else is changed for it.
    """
    _validate_change_date(on)
    changes = list(OfficeStatusChange.objects.filter(office_id=change.office_id).order_by("on", "pk"))
    position = next(index for index, row in enumerate(changes) if row.pk == change.pk)
    previous = changes[position - 1] if position else None
    following = changes[position + 1] if position + 1 < len(changes) else None
    if previous is not None and on < previous.on:
        raise ValidationError(
            {
                "on": _("The change before this one (%(event)s) is of %(date)s: this one cannot be earlier.")
                % {"event": previous.get_event_display(), "date": _format(previous.on)}
            }
        )
    if following is not None and on > following.on:
        raise ValidationError(
            {
                "on": _("The change after this one (%(event)s) is of %(date)s: this one cannot be later.")
                % {"event": following.get_event_display(), "date": _format(following.on)}
            }
        )
    steps = [(row.event, on if row.pk == change.pk else row.on) for row in changes]
    office = Office.objects.select_related("area").get(pk=change.office_id)
    _check_appointments_within(office, steps)
    derived = _office_state_from_history(office, steps)
    derived.validate_constraints()
    return derived


@transaction.atomic
def office_status_change_correct(*, change, on=None, note=None, user=None):
    """Correct a mistyped date or note of one step of an office's history; the step itself stays.

    `on` or `note` left as None keep their value. The office's status and dates are derived again
    from the corrected history in the same transaction. Nothing else follows: appointments are never
    moved (one outside the corrected working life makes the correction refused). simple-history keeps
    the earlier date and note, with the user.
    """
    Office.objects.select_for_update().filter(pk=change.office_id).first()  # one change at a time per office
    change.refresh_from_db()
    on = change.on if on is None else on
    note = change.note if note is None else note
    derived = office_status_change_correct_validate(change=change, on=on)
    change.on, change.note = on, note
    change._history_user = user
    change.full_clean()
    change.save()
    _office_save_state(derived, user)
    return change


def _office_save_state(derived, user, reason=None):
    office = Office.objects.get(pk=derived.pk)
    if any(getattr(office, name) != getattr(derived, name) for name in OFFICE_STATE):
        for name in OFFICE_STATE:
            setattr(office, name, getattr(derived, name))
        office._history_user, office._change_reason = user, reason
        office.save(update_fields=[*OFFICE_STATE, "updated_at"])


def office_status_change_withdraw_validate(*, change):
    """The office as withdrawing its latest step would leave it; ValidationError if refused. Reads only.

    Only the latest step, never the first (an office always has the start of its history), and not
    an opening or reopening while an appointment lies in the period it began.
    """
    changes = list(OfficeStatusChange.objects.filter(office_id=change.office_id).order_by("on", "pk"))
    if changes[-1].pk != change.pk:
        raise ValidationError(_("Only the latest change of an office's history can be withdrawn."))
    if len(changes) == 1:
        raise ValidationError(_("The first step of an office's history cannot be withdrawn: correct its date."))
    steps = [(row.event, row.on) for row in changes[:-1]]
    office = Office.objects.select_related("area").get(pk=change.office_id)
    if change.event in (OfficeEvent.OPENED, OfficeEvent.REOPENED):
        later = (
            Appointment.objects.filter(office=office, started_on__gte=change.on)
            .select_related("coordinator")
            .order_by("started_on", "pk")
            .first()
        )
        if later is not None:
            raise ValidationError(
                _(
                    "The appointment of %(name)s (%(start)s – %(end)s) began after this change: "
                    "change that appointment first."
                )
                % later.period_params()
            )
    derived = _office_state_from_history(office, steps)
    derived.validate_constraints()
    return derived


@transaction.atomic
def office_status_change_withdraw(*, change, user=None, reason=None):
    """Withdraw the latest step of an office's history, recorded by mistake; the office returns to the state before.

    The row goes (simple-history keeps it, with the user and `reason`); nothing else follows:
    appointments that a withdrawn closing ended stay ended, for staff to extend if the person stayed
    (an import's undo restores them itself).
    """
    Office.objects.select_for_update().filter(pk=change.office_id).first()
    derived = office_status_change_withdraw_validate(change=change)
    change._history_user, change._change_reason = user, reason
    change.delete()
    _office_save_state(derived, user, reason)


@transaction.atomic
def office_history_start(*, office, user=None, note=""):
    """The history of an office created with its dates (the admin's add form): one row per date."""
    return offices_history_start(offices=[office], user=user, note=note)


def offices_history_start(*, offices, user=None, note="", reason=None):
    """The histories of offices created with their dates (an import's new offices): one row per date,
    each with its simple-history row carrying `user` and `reason` (an import's, so its undo finds them).
    An office with a history already is left alone. Two or three queries, whatever the number of offices."""
    started = set(
        OfficeStatusChange.objects.filter(office__in=[office.pk for office in offices])
        .values_list("office_id", flat=True)
        .distinct()
    )
    changes = []
    for office in offices:
        if office.pk in started:
            continue
        steps = []
        if office.initiated_on or office.status == OfficeStatus.INITIATED:
            steps.append((OfficeEvent.INITIATED, office.initiated_on or timezone.localdate()))
        if office.opened_on:
            steps.append((OfficeEvent.OPENED, office.opened_on))
        if office.status in OfficeStatus.ended() and office.closed_on:
            steps.append((OfficeEvent(office.status), office.closed_on))
        changes += [OfficeStatusChange(office=office, event=event, on=on, note=note, recorded_by=user)
                    for event, on in steps]  # fmt: skip
    if not changes:
        return []
    return bulk_create_with_history(changes, OfficeStatusChange, default_user=user, default_change_reason=reason)


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
        # A username is often the person's name: it goes too (also from the sign-in logs), and the
        # account can never sign in again.
        old_username, account.username = account.username, f"anonymised-{coordinator.pk}"
        for log in (AccessAttempt, AccessFailureLog, AccessLog):
            log.objects.filter(username=old_username).update(username=account.username)
        account.is_active = False
        account.first_name = account.last_name = account.email = ""
        account.set_unusable_password()
        account.save(update_fields=["username", "is_active", "first_name", "last_name", "email", "password"])
    _admin_log_renamed(coordinator, account)
    return coordinator


def _admin_log_renamed(coordinator, account):
    """The admin's log names each object as it was then (`__str__`): rename this person's entries."""
    renamed = [(Coordinator, [coordinator.pk], str(coordinator))]
    if account is not None:
        renamed.append((type(account), [account.pk], account.get_username()))
    for appointment in Appointment.objects.filter(coordinator=coordinator).select_related("office"):
        renamed.append((Appointment, [appointment.pk], str(appointment)))
    for model, keys, name in renamed:
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=[str(key) for key in keys]
        ).update(object_repr=name[:200])


class ProposalPending(Exception):
    """The same person already proposed the very same change to this office, and it awaits review."""

    def __init__(self, proposal):
        super().__init__(proposal.pk)
        self.proposal = proposal


@transaction.atomic
def office_change_propose(*, office, user, values, shown=None):
    """Record a proposal of new public details: only the fields the coordinator changed are kept.

    `shown` holds the values their page showed (field by field; a field missing from it counts as the
    office's value now). A field is changed when its value differs from what was shown, so a value staff
    changed after the page was opened is neither proposed back nor recorded as what the coordinator saw.
    The values are checked against the office's own rules now, so staff review only valid proposals.
    Raises ProposalPending (nothing written) if the same person's identical proposal is still pending."""
    if values.get("email"):
        values = {**values, "email": normalize_email(values["email"])}
    seen = {name: getattr(office, name) for name in PROPOSABLE_FIELDS} | (shown or {})
    changed = {name: values[name] for name in PROPOSABLE_FIELDS if name in values and values[name] != seen[name]}
    if not changed:
        raise ValidationError(_("Nothing was changed: the proposal would leave the office as it is."), code="unchanged")
    trial = copy.copy(office)
    for name, value in changed.items():
        setattr(trial, name, value)
    trial.full_clean()
    # The office's row lock makes proposals for one office one at a time: of two identical posts (a
    # double click) the second waits for the first, then finds its proposal pending and is refused.
    Office.objects.select_for_update().filter(pk=office.pk).values_list("pk").first()
    pending = OfficeChangeProposal.objects.pending().filter(office=office, proposed_by=user).order_by("pk")
    for earlier in pending:
        if earlier.values == changed:
            raise ProposalPending(earlier)
    proposal = OfficeChangeProposal(
        office=office,
        proposed_by=user,
        values=changed,
        original={name: seen[name] for name in changed},
    )
    proposal.full_clean()
    proposal.save()
    return proposal


def _claim_pending(proposal):
    """Lock the proposal's row: two staff reviewing it at once cannot both apply it."""
    locked = OfficeChangeProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != ProposalStatus.PENDING:
        raise ValidationError(
            _("This proposal was already %(status)s.") % {"status": locked.get_status_display()}, code="reviewed"
        )
    return locked


@transaction.atomic
def office_change_proposal_accept(*, proposal, user, note="", seen=None):
    """Apply the proposed values to the office (its full rules hold) and mark the proposal accepted.

    `seen` is the `office_digest()` the review page showed: if the office's proposed fields changed since,
    nothing is written (ValidationError code "office_changed"), so the reviewer looks again. None skips the
    check (a caller that read the office just now). The office's history row names the proposal
    (`history_reason`, "proposal:<id>"), which the history page shows as a link to it."""
    proposal = _claim_pending(proposal)
    office = Office.objects.select_for_update().get(pk=proposal.office_id)
    if seen is not None and seen != proposal.office_digest(office):
        raise ValidationError(
            _(
                "The office's details changed while you reviewed this proposal: nothing was saved. "
                "Check the changes again below, then accept or reject."
            ),
            code="office_changed",
        )
    for name, value in proposal.values.items():
        if name in PROPOSABLE_FIELDS:
            setattr(office, name, value)
    office.full_clean()
    office._history_user, office._change_reason = user, proposal.history_reason
    office.save()
    return _proposal_review(proposal, user=user, status=ProposalStatus.ACCEPTED, note=note)


@transaction.atomic
def office_change_proposal_reject(*, proposal, user, note):
    """Reject with a note, which the coordinator reads on /me/: "rejected" alone tells them nothing.

    A proposal already decided (in another tab) is refused as such first: asking for a note would mislead."""
    proposal = _claim_pending(proposal)
    if not (note or "").strip():
        raise ValidationError(
            {"note": _("Write in the note why the proposal is rejected: the coordinator reads it.")}, code="required"
        )
    return _proposal_review(proposal, user=user, status=ProposalStatus.REJECTED, note=note)


def _proposal_review(proposal, *, user, status, note):
    proposal.status, proposal.reviewed_by, proposal.reviewed_at, proposal.note = status, user, timezone.now(), note
    proposal.full_clean()
    proposal.save()
    return proposal


class InvitationRefused(Exception):
    """A coordinator who cannot be invited, with the reason to report."""


class InvitationNotSent(InvitationRefused):
    """The invitation's e-mail could not be sent; nothing of the invitation was kept."""


def _username_from_email(email):
    User = get_user_model()
    base = email.lower()[:140]
    username, number = base, 1
    while User.objects.filter(username=username).exists():
        number += 1
        username = f"{base}-{number}"
    return username


@transaction.atomic
def coordinator_invite(*, coordinator, site_url):
    """E-mail a coordinator a one-time link to set their password, creating and linking an account if missing.

    The e-mail is in the site's language (settings.LANGUAGE_CODE, Serbian Latin), whatever the language of
    the admin page that sent it, and so is the link (unprefixed). The link is Django's password-reset
    token: it works until the password is set (or the account signs in). If the e-mail cannot be sent,
    InvitationNotSent is raised and nothing is written (the account is not created).
    `site_url` is the site's scheme and host, "https://kzm.example.org"."""
    if coordinator.anonymised_at:
        raise InvitationRefused(_("%(name)s is anonymised.") % {"name": coordinator.full_name})
    if not coordinator.email:
        raise InvitationRefused(_("%(name)s has no e-mail address.") % {"name": coordinator.full_name})
    account = coordinator.user
    if account is None:
        account = get_user_model()(
            username=_username_from_email(coordinator.email),
            email=coordinator.email,
            first_name=coordinator.first_name,
            last_name=coordinator.last_name,
        )
        account.set_unusable_password()
        account.full_clean()
        account.save()
        coordinator.user = account
        coordinator.save(update_fields=["user", "search_text"])
    elif not account.is_active:
        raise InvitationRefused(_("The account of %(name)s is deactivated.") % {"name": coordinator.full_name})
    elif not account.email:
        account.email = coordinator.email
        account.save(update_fields=["email"])
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse(
            "accounts:welcome",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(account.pk)),
                "token": default_token_generator.make_token(account),
            },
        )
        context = {"coordinator": coordinator, "account": account, "link": site_url.rstrip("/") + path}
        subject = render_to_string("offices/email/invitation_subject.txt", context).strip()
        message = render_to_string("offices/email/invitation.txt", context)
    try:
        send_mail(subject=subject, message=message, from_email=None, recipient_list=[coordinator.email])
    except (smtplib.SMTPException, OSError) as error:
        # Raised inside the transaction: an account made for this invitation goes too, so nothing says
        # the person was invited (a later invitation is a first one, not "sent again").
        logger.warning("Invitation e-mail to coordinator %s not sent: %r", coordinator.pk, error)
        raise InvitationNotSent(
            _(
                "The e-mail to %(name)s (%(email)s) could not be sent: the mail server refused it or could not be "
                "reached. Nothing was changed for this person; invite them again later."
            )
            % {"name": coordinator.full_name, "email": coordinator.email}
        ) from error
    return account
