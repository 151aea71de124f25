"""Reads for the coordinator area: each with a fixed number of queries whatever the data."""

from django.utils import timezone

from offices.models import Appointment, Coordinator, OfficeChangeProposal
from trainings.models import EnrolmentStatus, Participant, Session, SurveyVersion


def coordinator_of(user):
    """The coordinator record of a signed-in user, or None (staff, or an account not linked yet)."""
    return Coordinator.objects.filter(user=user, anonymised_at__isnull=True).first()


def participant_of(coordinator):
    """The coordinator's training identity, or None before their first enrolment or survey."""
    return Participant.objects.filter(coordinator=coordinator).first()


def coordinator_overview(coordinator, *, today=None):
    """What /me/ shows: appointments split into current (THE rule) and past, upcoming sessions, pending proposals.

    Three queries."""
    today = today or timezone.localdate()
    appointments = list(
        Appointment.objects.filter(coordinator=coordinator).select_related("office__area").order_by("-started_on", "pk")
    )
    current = [appointment for appointment in appointments if appointment.is_current(today)]
    sessions = list(
        Session.objects.filter(
            cohort__enrolments__participant__coordinator=coordinator,
            cohort__enrolments__status__in=EnrolmentStatus.taking_places(),
            held_on__gte=today,
        )
        .select_related("cohort__programme", "module")
        .order_by("held_on", "pk")
    )
    proposals = list(
        OfficeChangeProposal.objects.filter(proposed_by=coordinator.user_id)
        .select_related("office")
        .order_by("-proposed_at", "-pk")[:10]
    )
    return {
        "current_appointments": current,
        "past_appointments": [appointment for appointment in appointments if appointment not in current],
        "upcoming_sessions": sessions,
        "proposals": proposals,
    }


def current_survey_version(*, today=None):
    """The survey version in force: the latest published by today, with its questions (two queries)."""
    today = today or timezone.localdate()
    version = SurveyVersion.objects.filter(published_on__lte=today).order_by("-published_on").first()
    if version is not None:
        version.question_list = list(version.questions.select_related("area").order_by("position", "pk"))
    return version
