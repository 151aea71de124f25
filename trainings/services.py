"""Writes that touch several rows: each in one transaction, all or nothing."""

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from portal.history import delete_with_history
from portal.page_cache import data_changed

from .models import (
    ZERO_HOURS,
    Attendance,
    Certificate,
    CertificateStatus,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    Participant,
    SurveyAnswer,
    SurveyResponse,
    validate_attendance,
    validate_cohort_open_for,
    validate_rating,
    validate_status_by_hand,
)


def participant_for_coordinator(*, coordinator):
    """The coordinator's training identity, created on first need (with a copy of the name for sorting)."""
    participant, _created = Participant.objects.get_or_create(
        coordinator=coordinator, defaults={"first_name": coordinator.first_name, "last_name": coordinator.last_name}
    )
    return participant


@transaction.atomic
def enrolment_create(*, cohort, participant, status=EnrolmentStatus.ENROLLED):
    """Enrol someone; a full or closed cohort refuses. The cohort row is locked, so two staff
    enrolling the last place at once cannot both succeed."""
    validate_status_by_hand(status)
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    validate_cohort_open_for(cohort, status)
    enrolment = Enrolment(cohort=cohort, participant=participant, status=status)
    enrolment.full_clean()
    enrolment.save()
    return enrolment


@dataclass(frozen=True)
class SheetSaved:
    created: int
    updated: int
    deleted: int


@transaction.atomic
def attendance_sheet_save(*, cohort, hours, user=None, may_delete=True):
    """Save a whole attendance sheet: `hours` maps (session id, enrolment id) to hours or None.

    None means not recorded: an empty cell stays unrecorded, and a cleared cell removes its record (with a
    history row of the removal); 0 is a record of absence. Every cell that changes something is checked
    first (`validate_attendance`); one bad cell saves nothing, and a closed cohort saves nothing at all. The
    cohort's row is locked, as `cohort_close` locks it, so a sheet and a close do not cross. Writes are bulk:
    a fixed number of queries whatever the sheet's size; their history rows name `user`. Returns a
    `SheetSaved` (created, updated, deleted).
    """
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if cohort.closed_on is not None:
        raise ValidationError(
            _("The cohort %(cohort)s was closed on %(date)s: its attendance can no longer be changed.")
            % {"cohort": cohort, "date": date_format(cohort.closed_on, "SHORT_DATE_FORMAT")},
            code="cohort_closed",
        )
    sessions = {session.pk: session for session in cohort.sessions.select_related("module")}
    enrolments = {e.pk: e for e in Enrolment.objects.filter(cohort=cohort).select_related("participant__coordinator")}
    existing = {
        (a.session_id, a.enrolment_id): a for a in Attendance.objects.filter(session__cohort=cohort)
    }  # fmt: skip
    errors, create, update, delete = [], [], [], []
    for (session_id, enrolment_id), value in hours.items():
        session, enrolment = sessions.get(session_id), enrolments.get(enrolment_id)
        if session is None or enrolment is None:
            errors.append(ValidationError(_("Attendance can only be recorded for someone enrolled in this cohort.")))
            continue
        record = existing.get((session_id, enrolment_id))
        if record is None and value is None:
            continue  # left unrecorded: nothing to check
        if record is not None and record.hours == value:
            continue  # unchanged (a session not held yet may show what an older rule let in)
        try:
            validate_attendance(session, enrolment, value)
        except ValidationError as error:
            errors.append(error)
            continue
        if record is None:
            create.append(Attendance(session=session, enrolment=enrolment, hours=value))
        elif value is None:
            delete.append(record)
        else:
            record.hours = value
            update.append(record)
    if delete and not may_delete:
        errors.append(
            ValidationError(
                ngettext(
                    "Clearing a cell removes its record, and you may not remove attendance: %(count)s cell was "
                    "cleared.",
                    "Clearing a cell removes its record, and you may not remove attendance: %(count)s cells were "
                    "cleared.",
                    len(delete),
                )
                % {"count": len(delete)},
                code="may_not_delete",
            )
        )
    if errors:
        raise ValidationError(errors)
    if create:
        bulk_create_with_history(create, Attendance, batch_size=500, default_user=user)
    if update:
        bulk_update_with_history(update, Attendance, ["hours"], batch_size=500, default_user=user)
    if delete:
        delete_with_history(delete, Attendance, user=user)
    if create or update or delete:
        data_changed()  # bulk writes send no post_save
    return SheetSaved(created=len(create), updated=len(update), deleted=len(delete))


def completes(*, attended, total, percent):
    """The programme's rule: attended at least `percent` % of the cohort's hours (and some hours at all)."""
    return total > 0 and attended * 100 >= total * Decimal(percent)


@dataclass(frozen=True)
class CohortClosing:
    """What closing a cohort did: the certificates issued, how many completed or dropped out, and the
    invitations never answered (they stay invited: nobody accepted the place, nobody refused it)."""

    certificates: list
    completed: int
    dropped_out: int
    still_invited: int


@dataclass(frozen=True)
class ClosingPlan:
    """What closing a cohort would do, nothing written: the enrolments that would complete (one
    certificate each) and drop out (each with `hours_attended` and its participant, for the confirmation
    page), the invitations that would stay as they are, the cohort's hours and the hours the rule needs."""

    completed: list
    dropped_out: list
    still_invited: int
    total_hours: Decimal = ZERO_HOURS
    needed_hours: Decimal = ZERO_HOURS


def for_closing(cohorts):
    """Cohorts with what `cohort_closing_plan` reads (and its confirmation page names): three queries
    however many cohorts."""
    enrolments = Enrolment.objects.with_hours().select_related("participant__coordinator").order_by("pk")
    return cohorts.select_related("programme").prefetch_related("sessions", Prefetch("enrolments", queryset=enrolments))


def cohort_closing_plan(*, cohort, closed_on=None):
    """What `cohort_close` would do, computed by the same rule and written nowhere (the admin's
    confirmation page shows it). Raises ValidationError when the cohort may not be closed (yet).
    `cohort` comes from `for_closing`."""
    today = timezone.localdate()
    closed_on = closed_on or today
    if cohort.closed_on is not None:
        raise ValidationError(_("The cohort %(cohort)s is already closed.") % {"cohort": cohort}, code="closed")
    if closed_on > today:
        raise ValidationError(
            _("The cohort %(cohort)s cannot be closed on a day still to come (%(date)s).")
            % {"cohort": cohort, "date": date_format(closed_on, "SHORT_DATE_FORMAT")},
            code="closed_in_future",
        )
    sessions = list(cohort.sessions.all())
    if not sessions:
        raise ValidationError(
            _("The cohort %(cohort)s has no sessions: there is nothing to complete yet.") % {"cohort": cohort},
            code="no_sessions",
        )
    last = max(session.held_on for session in sessions)
    if last > closed_on:
        # A session held on the closing day counts as held: its attendance can be recorded that day.
        raise ValidationError(
            _("The cohort %(cohort)s cannot be closed before its last session has taken place, on %(date)s.")
            % {"cohort": cohort, "date": date_format(last, "SHORT_DATE_FORMAT")},
            code="sessions_ahead",
        )
    total = sum((session.hours for session in sessions), ZERO_HOURS)
    completed, dropped = [], []
    percent = cohort.programme.completion_percent
    enrolments = cohort.enrolments.all()
    for enrolment in enrolments:
        if enrolment.status == EnrolmentStatus.ENROLLED:
            done = completes(attended=enrolment.hours_attended, total=total, percent=percent)
            (completed if done else dropped).append(enrolment)
    still_invited = sum(1 for enrolment in enrolments if enrolment.status == EnrolmentStatus.INVITED)
    # The least hours that complete, to the sheet's tenth of an hour (attended * 100 >= total * percent).
    needed = (total * percent / 100).quantize(Decimal("0.1"), rounding=ROUND_CEILING)
    return ClosingPlan(
        completed=completed,
        dropped_out=dropped,
        still_invited=still_invited,
        total_hours=total,
        needed_hours=needed,
    )


@transaction.atomic
def cohort_close(*, cohort, closed_on=None):
    """Close a cohort, once its last session has taken place: who attended enough of its hours completes
    and gets a certificate, the other enrolled participants are marked dropped out; invitations never
    taken up stay as they are, and are counted, so staff are told. Returns a `CohortClosing`."""
    # The cohort's row lock is the one enrolment_create and attendance_sheet_save take: nothing
    # joins or changes the cohort while its plan is computed and written.
    cohort = for_closing(Cohort.objects.select_for_update(of=("self",))).get(pk=cohort.pk)
    closed_on = closed_on or timezone.localdate()
    plan = cohort_closing_plan(cohort=cohort, closed_on=closed_on)
    for enrolment in plan.completed:
        enrolment.status = EnrolmentStatus.COMPLETED
    for enrolment in plan.dropped_out:
        enrolment.status = EnrolmentStatus.DROPPED_OUT
    bulk_update_with_history(plan.completed + plan.dropped_out, Enrolment, ["status"])
    certificates = [Certificate(enrolment=enrolment, issued_on=closed_on) for enrolment in plan.completed]
    bulk_create_with_history(certificates, Certificate)
    cohort.closed_on = closed_on
    cohort.save(update_fields=["closed_on"])
    return CohortClosing(
        certificates=certificates,
        completed=len(plan.completed),
        dropped_out=len(plan.dropped_out),
        still_invited=plan.still_invited,
    )


def validate_reason(reason):
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason: it is kept with the certificate."), code="no_reason")


def validate_certificate_revoke(certificate):
    """Only a valid certificate is revoked. A replaced one is history already: its replacement is the one
    to revoke. `certificate` needs its `replaced_by` (a query if not selected)."""
    if certificate.status == CertificateStatus.REVOKED:
        raise ValidationError(
            _("%(code)s is already revoked (on %(date)s).")
            % {"code": certificate.code, "date": date_format(certificate.revoked_on, "SHORT_DATE_FORMAT")},
            code="revoked",
        )
    if certificate.status == CertificateStatus.REPLACED:
        raise ValidationError(
            _("%(code)s was replaced by %(new)s: revoke %(new)s instead.")
            % {"code": certificate.code, "new": certificate.replaced_by},
            code="replaced",
        )


def validate_certificate_reissue(certificate):
    """A valid certificate is re-issued (it becomes replaced). So is a revoked one of a completed enrolment
    that has no valid certificate: a mistaken revoke is undone by a new certificate, the revoked one stays
    revoked (its code never becomes valid again). A replaced one is not: its replacement is the one to re-issue."""
    if certificate.status == CertificateStatus.REPLACED:
        raise ValidationError(
            _("%(code)s was replaced by %(new)s: re-issue %(new)s instead.")
            % {"code": certificate.code, "new": certificate.replaced_by},
            code="replaced",
        )
    if certificate.status == CertificateStatus.REVOKED:
        valid = Certificate.objects.valid().filter(enrolment_id=certificate.enrolment_id).first()
        if valid is not None:
            raise ValidationError(
                _("%(code)s is revoked and its enrolment has a valid certificate, %(valid)s: re-issue that one.")
                % {"code": certificate.code, "valid": valid.code},
                code="has_valid",
            )
        if certificate.enrolment.status != EnrolmentStatus.COMPLETED:
            raise ValidationError(
                _("%(code)s is revoked and its enrolment is not completed: there is nothing to certify.")
                % {"code": certificate.code},
                code="not_completed",
            )


@transaction.atomic
def certificate_reissue(*, certificate, reason, issued_on=None):
    """A new certificate (new code) for the same enrolment. A valid one is kept, marked replaced, with the
    reason; a revoked one stays revoked and the new one carries the reason (see validate_certificate_reissue)."""
    validate_reason(reason)
    old = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("replaced_by", "enrolment")
        .get(pk=certificate.pk)
    )
    # Locked as a close locks it: one valid certificate per enrolment, however many staff click at once.
    Enrolment.objects.select_for_update().filter(pk=old.enrolment_id).values_list("pk").first()
    validate_certificate_reissue(old)
    new = Certificate(enrolment_id=old.enrolment_id, issued_on=issued_on or timezone.localdate())
    if old.status == CertificateStatus.REVOKED:
        new.note = reason
        new.full_clean()
        new.save()
        return new
    old.status = CertificateStatus.REPLACED
    old.note = reason
    # The old one leaves the "one valid per enrolment" rule before the new one enters it.
    Certificate.objects.filter(pk=old.pk).update(status=CertificateStatus.REPLACED, note=reason)
    new.full_clean()
    new.save()
    old.replaced_by = new
    old.save()
    return new


@transaction.atomic
def certificate_revoke(*, certificate, reason, revoked_on=None):
    """Revoke a valid certificate, with the reason: the row stays, and its page and PDF say it is revoked."""
    validate_reason(reason)
    certificate = (
        Certificate.objects.select_for_update(of=("self",)).select_related("replaced_by").get(pk=certificate.pk)
    )
    validate_certificate_revoke(certificate)
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_on = revoked_on or timezone.localdate()
    certificate.note = reason
    certificate.full_clean()
    certificate.save()
    return certificate


@dataclass(frozen=True)
class SurveySaved:
    """What `survey_response_save` did: the day's response, and whether it was `created`, `replaced` (other
    answers of the same day) or `unchanged` (the same answers again: a double click)."""

    response: SurveyResponse
    outcome: str


@transaction.atomic
def survey_response_save(*, participant, version, answered_on, ratings):
    """Record a person's answers to a survey version on a day; `ratings` maps question ids to ratings.

    A person has one response per version and day (a constraint): answering again on the same day (a
    correction, or a double click) replaces that day's answers, an earlier day's response stays as it was.
    One bad rating saves nothing. Two submissions at once are serialised by the response's row (the
    second waits for the first, then finds its row). Returns a `SurveySaved`."""
    questions = {question.pk: question for question in version.questions.all()}
    errors, answers = {}, []
    for question_id, rating in ratings.items():
        question = questions.get(question_id)
        if question is None:
            errors[str(question_id)] = ValidationError(_("This question is not in this survey version."))
            continue
        try:
            validate_rating(rating, question.scale_min, question.scale_max)
        except ValidationError as error:
            errors[str(question_id)] = error
            continue
        answers.append(SurveyAnswer(question=question, rating=rating))
    if errors:
        raise ValidationError(errors)
    key = {"participant": participant, "version": version, "answered_on": answered_on}
    response = SurveyResponse.objects.select_for_update().filter(**key).first()
    outcome = "replaced"
    if response is None:
        response = SurveyResponse(**key)
        response.full_clean(validate_constraints=False)  # the constraint is the insert's to hold, under a race
        try:
            with transaction.atomic():
                response.save()
            outcome = "created"
        except IntegrityError:  # the same day's response was written by a request running at the same time
            response = SurveyResponse.objects.select_for_update().get(**key)
    if outcome == "replaced":
        stored = dict(response.answers.values_list("question_id", "rating"))
        if stored == {answer.question.pk: answer.rating for answer in answers}:
            return SurveySaved(response=response, outcome="unchanged")
        delete_with_history(list(response.answers.all()), SurveyAnswer)  # a "-" history row for each, in bulk
        response.save()  # a history row: the day's answers were changed
    for answer in answers:
        answer.response = response
        answer.scale_min, answer.scale_max = answer.question.scale_min, answer.question.scale_max
    bulk_create_with_history(answers, SurveyAnswer)
    return SurveySaved(response=response, outcome=outcome)
