"""The demo trainings in the test database (tests/conftest.py seeds them once)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from trainings.models import (
    SESSION_MAX_HOURS,
    Attendance,
    Certificate,
    CertificateStatus,
    Cohort,
    CurriculumModule,
    Enrolment,
    EnrolmentStatus,
    Participant,
    Programme,
    Session,
    SurveyResponse,
)

pytestmark = pytest.mark.django_db


def test_demo_2017_programme_trains_70_plus_coordinators_in_three_regions():
    programme = Programme.objects.with_results().get(name="Osnaživanje kancelarija za mlade")

    assert (programme.partners.startswith("Međunarodna organizacija za migracije (IOM)"), programme.funder) == (
        True,
        "Ministarstvo omladine i sporta",
    )
    assert programme.coordinator_count >= 70
    # One of its certificates was revoked (issued by mistake): that completion no longer counts.
    assert programme.completed_count >= 69
    assert programme.region_count == 3
    assert set(Cohort.objects.filter(programme=programme).values_list("region__name", flat=True)) == {
        "Centralna Srbija",
        "Južna Srbija",
        "Vojvodina",
    }


def test_demo_has_the_february_2018_erasmus_session():
    sessions = Session.objects.filter(title__contains="Erasmus+", held_on=date(2018, 2, 20))

    assert sessions.count() == Cohort.objects.filter(programme__name="Osnaživanje kancelarija za mlade").count()


def test_demo_survey_answered_by_most_2017_coordinators():
    trained = Participant.objects.filter(enrolments__cohort__programme__name="Osnaživanje kancelarija za mlade")

    answered = SurveyResponse.objects.filter(participant__in=trained).values("participant").distinct().count()

    assert answered / trained.count() > 0.7


def test_demo_bosnian_programme_trains_council_members_not_coordinators():
    enrolments = Enrolment.objects.filter(cohort__programme__name="Mladi prate omladinsku politiku")

    assert enrolments.count() == 24
    assert enrolments.filter(participant__organisation="Vijeće mladih Ključ").count() == 2
    assert enrolments.filter(participant__coordinator__isnull=True).count() >= 23
    sessions = Session.objects.filter(cohort__programme__name="Mladi prate omladinsku politiku")
    # Six modules; the three-day workshop is a session a day (a session is at most one training day).
    assert (sessions.values("module").distinct().count(), sessions.count()) == (6, 8)
    assert max(session.hours for session in sessions) <= SESSION_MAX_HOURS


def test_demo_every_completion_has_one_valid_certificate_but_the_revoked_one():
    completed = Enrolment.objects.filter(status=EnrolmentStatus.COMPLETED)

    assert Certificate.objects.valid().filter(enrolment__in=completed).count() == completed.count() - 1
    assert Certificate.objects.exclude(enrolment__status=EnrolmentStatus.COMPLETED).count() == 0


def test_demo_has_one_revoked_and_one_reissued_certificate():
    revoked = Certificate.objects.get(status=CertificateStatus.REVOKED)
    replaced = Certificate.objects.get(status=CertificateStatus.REPLACED)

    assert revoked.revoked_on == date(2019, 2, 1)
    assert replaced.replaced_by.status == CertificateStatus.VALID
    assert replaced.replaced_by.issued_on == date(2018, 4, 20)
    assert replaced.enrolment.participant.coordinator.user is not None
    assert not Certificate.objects.valid().filter(enrolment=revoked.enrolment).exists()


def test_demo_coordinator_history_spans_years(coordinator_a):
    from trainings.selectors import participant_history

    history = participant_history(coordinator_a.participant)

    # 2026: the demo's running programme (its dates follow the day of seeding: the suite's fixed today)
    assert [enrolment.cohort.programme.starts_on.year for enrolment in history] == [2026, 2023, 2017]


def test_demo_has_a_running_cohort_with_sessions_held_and_to_come(coordinator_a, fixed_today):
    [cohort] = Cohort.objects.filter(closed_on__isnull=True, starts_on__lte=fixed_today, ends_on__gte=fixed_today)
    sessions = list(cohort.sessions.order_by("held_on"))
    held = [s for s in sessions if s.held_on < fixed_today]

    assert (len(held), len(sessions) - len(held)) == (3, 3)
    assert cohort.enrolments.filter(participant__coordinator=coordinator_a).exists()
    assert {a.session_id for a in Attendance.objects.filter(session__cohort=cohort)} == {s.pk for s in held}
    assert not cohort.enrolments.filter(
        participant__coordinator__appointments__office__area__code="RS-CUPRIJA"
    ).exists()


def test_demo_seed_of_a_running_programme_follows_the_day_of_seeding(db):
    from trainings.demo import TrainingsDemo

    demo = TrainingsDemo()
    demo.modules = {(m.area.name, m.level): m for m in CurriculumModule.objects.select_related("area")}
    with time_machine.travel(datetime(2031, 2, 3, 10, tzinfo=ZoneInfo("Europe/Belgrade")), tick=False):
        programme = demo.programme_current(date(2031, 2, 3))  # seeded on that day: its past sessions held

    cohort = programme.cohorts.get()
    assert (cohort.starts_on, cohort.ends_on) == (date(2030, 12, 5), date(2031, 5, 4))
    assert [s.held_on for s in cohort.sessions.order_by("held_on")][2:4] == [date(2031, 1, 24), date(2031, 2, 13)]
