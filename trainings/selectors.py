"""Reads for pages, each with a fixed number of queries whatever the data."""

from django.db.models import Count, Prefetch

from portal.text import collation_key

from .models import (
    Attendance,
    Certificate,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    Level,
    Programme,
    SurveyAnswer,
    SurveyResponse,
    counted_completion,
    person_detail,
    person_detail_annotations,
    place_name,
)


def participant_history(participant):
    """Every enrolment of one person across programmes and years, newest first, each with
    `hours_attended`, `cohort.programme`, the span of its sessions (`held_from`, `held_until`),
    `attendances` (the sessions attended, with hours above 0, in date order: a 0 records an absence) and
    `certificates` (newest first). Three queries, whatever the length of the history."""
    return list(
        Enrolment.objects.for_participant(participant).prefetch_related(
            Prefetch(
                "attendances",
                Attendance.objects.filter(hours__gt=0)
                .select_related("session__module")
                .order_by("session__held_on", "session__pk"),
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
    their earlier attendance counts; only invitations not taken up are left off. Each enrolment has
    `person_detail` (its office's municipality, …), so two people of one name are told apart."""
    sessions = list(cohort.sessions.select_related("module").order_by("held_on", "pk"))
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort)
        .exclude(status=EnrolmentStatus.INVITED)
        .select_related("participant__coordinator")
        .annotate(**person_detail_annotations("participant__"))
        .order_by("participant__last_name", "participant__first_name", "pk")
    )
    for enrolment in enrolments:
        enrolment.person_detail = person_detail(enrolment.participant, enrolment)
    hours = {
        (session_id, enrolment_id): value
        for session_id, enrolment_id, value in Attendance.objects.filter(session__cohort=cohort).values_list(
            "session_id", "enrolment_id", "hours"
        )
    }
    return sessions, enrolments, hours


def cohort_for_sheet(pk):
    return Cohort.objects.select_related("programme").get(pk=pk)


def certificate_by_code(code):
    """The certificate with this (normalised) code, with holder, cohort, programme and replacement:
    one query. Raises Certificate.DoesNotExist."""
    return Certificate.objects.for_verification().get(code=code)


def enrolment_hours(enrolment_id):
    """The hours a participant attended in one enrolment: one query."""
    return Enrolment.objects.filter(pk=enrolment_id).with_hours().values_list("hours_attended", flat=True).get()


def programmes_for_public():
    """Programmes with aggregate results, and their cohorts counted by place and level: two queries,
    whatever the number of programmes, cohorts and participants. No names of people."""
    programmes = list(Programme.objects.with_results().order_by("-starts_on", "name"))
    counts = (
        Cohort.objects.order_by()
        .values("programme_id", "level", "region__name", "area__name", "area__name_cyrillic", "area__name_en")
        .annotate(
            cohorts=Count("pk", distinct=True),
            completed=Count("enrolments", filter=counted_completion("enrolments__")),
        )
    )
    by_programme = {}
    for row in counts:
        place = place_name(
            row["region__name"], row["area__name"], row["area__name_cyrillic"] or "", row["area__name_en"] or ""
        )
        by_programme.setdefault(row["programme_id"], []).append(
            # The row first: its own "level" (the stored value) must not hide the label.
            {**row, "place": place, "level": Level(row["level"]).label, "level_value": row["level"]}
        )
    level_order = {value: number for number, value in enumerate(Level.values)}
    for programme in programmes:
        programme.cohort_groups = sorted(
            by_programme.get(programme.pk, []),
            key=lambda group: (collation_key(group["place"]), level_order[group["level_value"]]),
        )
    return programmes
