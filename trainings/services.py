"""Writes that touch several rows: each in one transaction, all or nothing."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

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
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    validate_cohort_open_for(cohort, status)
    enrolment = Enrolment(cohort=cohort, participant=participant, status=status)
    enrolment.full_clean()
    enrolment.save()
    return enrolment


@transaction.atomic
def attendance_sheet_save(*, cohort, hours):
    """Save a whole attendance sheet: `hours` maps (session id, enrolment id) to hours or None.

    None leaves a cell unrecorded (or sets an existing record to 0). Every cell is checked first;
    one bad cell saves nothing. Writes are bulk: a fixed number of queries whatever the sheet's size.
    Returns (created, updated).
    """
    sessions = {session.pk: session for session in cohort.sessions.select_related("module")}
    enrolments = {e.pk: e for e in Enrolment.objects.filter(cohort=cohort).select_related("participant__coordinator")}
    existing = {
        (a.session_id, a.enrolment_id): a for a in Attendance.objects.filter(session__cohort=cohort)
    }  # fmt: skip
    errors, create, update = [], [], []
    for (session_id, enrolment_id), value in hours.items():
        session, enrolment = sessions.get(session_id), enrolments.get(enrolment_id)
        if session is None or enrolment is None:
            errors.append(ValidationError(_("Attendance can only be recorded for someone enrolled in this cohort.")))
            continue
        try:
            validate_attendance(session, enrolment, value)
        except ValidationError as error:
            errors.append(error)
            continue
        record = existing.get((session_id, enrolment_id))
        if record is None:
            if value is not None:
                create.append(Attendance(session=session, enrolment=enrolment, hours=value))
        else:
            value = ZERO_HOURS if value is None else value
            if record.hours != value:
                record.hours = value
                update.append(record)
    if errors:
        raise ValidationError(errors)
    if create:
        bulk_create_with_history(create, Attendance, batch_size=500)
    if update:
        bulk_update_with_history(update, Attendance, ["hours"], batch_size=500)
    if create or update:
        data_changed()  # bulk writes send no post_save
    return len(create), len(update)


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


@transaction.atomic
def cohort_close(*, cohort, closed_on=None):
    """Close a cohort: who attended enough of its hours completes and gets a certificate, the other
    enrolled participants are marked dropped out; invitations never taken up stay as they are, and
    are counted, so staff are told. Returns a `CohortClosing`."""
    cohort = Cohort.objects.select_for_update().select_related("programme").get(pk=cohort.pk)
    if cohort.closed_on is not None:
        raise ValidationError(_("The cohort %(cohort)s is already closed.") % {"cohort": cohort}, code="closed")
    closed_on = closed_on or timezone.localdate()
    total = sum((session.hours for session in cohort.sessions.all()), ZERO_HOURS)
    completed, dropped = [], []
    for enrolment in cohort.enrolments.filter(status=EnrolmentStatus.ENROLLED).with_hours():
        done = completes(attended=enrolment.hours_attended, total=total, percent=cohort.programme.completion_percent)
        enrolment.status = EnrolmentStatus.COMPLETED if done else EnrolmentStatus.DROPPED_OUT
        (completed if done else dropped).append(enrolment)
    still_invited = cohort.enrolments.filter(status=EnrolmentStatus.INVITED).count()
    bulk_update_with_history(completed + dropped, Enrolment, ["status"])
    certificates = [Certificate(enrolment=enrolment, issued_on=closed_on) for enrolment in completed]
    bulk_create_with_history(certificates, Certificate)
    cohort.closed_on = closed_on
    cohort.save(update_fields=["closed_on"])
    return CohortClosing(
        certificates=certificates, completed=len(completed), dropped_out=len(dropped), still_invited=still_invited
    )


@transaction.atomic
def certificate_reissue(*, certificate, issued_on=None, note=""):
    """A new certificate (new code) for the same enrolment; the old one is kept, marked replaced."""
    old = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if old.status != CertificateStatus.VALID:
        raise ValidationError(_("Only a valid certificate can be re-issued."), code="not_valid")
    old.status = CertificateStatus.REPLACED
    old.note = note
    # The old one leaves the "one valid per enrolment" rule before the new one enters it.
    Certificate.objects.filter(pk=old.pk).update(status=CertificateStatus.REPLACED, note=note)
    new = Certificate(enrolment_id=old.enrolment_id, issued_on=issued_on or timezone.localdate())
    new.full_clean()
    new.save()
    old.replaced_by = new
    old.save()
    return new


@transaction.atomic
def certificate_revoke(*, certificate, note, revoked_on=None):
    """Revoke a certificate: the row stays, and its page says it is revoked."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status != CertificateStatus.VALID:
        raise ValidationError(_("Only a valid certificate can be revoked."), code="not_valid")
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_on = revoked_on or timezone.localdate()
    certificate.note = note
    certificate.full_clean()
    certificate.save()
    return certificate


@transaction.atomic
def survey_response_create(*, participant, version, answered_on, ratings):
    """Record a survey response; `ratings` maps question ids to ratings. One bad rating saves nothing."""
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
    response = SurveyResponse(participant=participant, version=version, answered_on=answered_on)
    response.full_clean()
    response.save()
    for answer in answers:
        answer.response = response
        answer.scale_min, answer.scale_max = answer.question.scale_min, answer.question.scale_max
    SurveyAnswer.objects.bulk_create(answers)
    return response
