"""Reads for pages, each with a fixed number of queries whatever the data."""

from django.db.models import Prefetch

from .models import Attendance, Certificate, Cohort, Enrolment, EnrolmentStatus, SurveyAnswer, SurveyResponse


def participant_history(participant):
    """Every enrolment of one person across programmes and years, newest first, each with
    `hours_attended`, `cohort.programme`, `attendances` (sessions in date order) and `certificates`
    (newest first). Three queries, whatever the length of the history."""
    return list(
        Enrolment.objects.for_participant(participant).prefetch_related(
            Prefetch(
                "attendances",
                Attendance.objects.select_related("session__module").order_by("session__held_on", "session__pk"),
            ),
            Prefetch("certificates", Certificate.objects.order_by("-issued_on", "-pk")),
        )
    )


def participant_survey_responses(participant):
    """A person's survey responses, newest first, with answers and questions: two queries."""
    return list(
        SurveyResponse.objects.filter(participant=participant)
        .select_related("version")
        .prefetch_related(Prefetch("answers", SurveyAnswer.objects.select_related("question__area")))
    )


def attendance_sheet(cohort):
    """What the attendance sheet shows: (sessions, enrolments, {(session id, enrolment id): hours}).

    Three queries whatever the sheet's size. Dropped-out participants stay on the sheet, since
    their earlier attendance counts; only invitations not taken up are left off."""
    sessions = list(cohort.sessions.select_related("module").order_by("held_on", "pk"))
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort)
        .exclude(status=EnrolmentStatus.INVITED)
        .select_related("participant__coordinator")
        .order_by("participant__last_name", "participant__first_name", "pk")
    )
    hours = {
        (session_id, enrolment_id): value
        for session_id, enrolment_id, value in Attendance.objects.filter(session__cohort=cohort).values_list(
            "session_id", "enrolment_id", "hours"
        )
    }
    return sessions, enrolments, hours


def cohort_for_sheet(pk):
    return Cohort.objects.select_related("programme").get(pk=pk)
