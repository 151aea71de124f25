"""A small programme built for each test: one cohort of a few people, a few sessions."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from offices.models import Coordinator
from trainings.models import Certificate, Cohort, CompetenceArea, CurriculumModule, Level, Programme, Session
from trainings.services import attendance_sheet_save, cohort_close, enrolment_create, participant_for_coordinator

from ..conftest import TODAY


def make_cohort(
    *,
    sessions=3,
    people=3,
    capacity=50,
    hours=Decimal("4"),
    name="Vojvodina, osnovni nivo",
    starts_on=date(2017, 10, 1),
    ends_on=date(2018, 2, 28),
    days=None,
):
    """A cohort with `sessions` sessions on consecutive days from 2 October 2017 (or on `days`)."""
    area, _ = CompetenceArea.objects.get_or_create(name="Omladinska politika", defaults={"position": 1})
    module, _ = CurriculumModule.objects.get_or_create(
        area=area, level=Level.BASIC, title="Uvod u omladinsku politiku", defaults={"hours": Decimal("4")}
    )
    programme = Programme.objects.create(
        name="Osnaživanje kancelarija za mlade",
        starts_on=date(2017, 5, 1),
        ends_on=date(2018, 3, 31),
        partners="IOM",
        funder="Ministarstvo omladine i sporta",
    )
    cohort = Cohort.objects.create(
        programme=programme,
        name=name,
        level=Level.BASIC,
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
    )
    for day in days or [date(2017, 10, 2 + number) for number in range(sessions)]:
        Session.objects.create(cohort=cohort, module=module, held_on=day, hours=hours, place="Novi Sad")
    coordinators = list(Coordinator.objects.filter(participant__isnull=True).order_by("pk")[:people])
    for coordinator in coordinators:
        enrolment_create(cohort=cohort, participant=participant_for_coordinator(coordinator=coordinator))
    return cohort


def certificate_for(coordinator, *, hours_missed=Decimal("0")):
    """A closed cohort of three 4-hour sessions in which `coordinator` attended 12 − hours_missed hours."""
    cohort = make_cohort(people=0, name="Šumadija, osnovni nivo")
    enrolment = enrolment_create(cohort=cohort, participant=participant_for_coordinator(coordinator=coordinator))
    sessions = list(cohort.sessions.order_by("held_on"))
    hours = {(session.pk, enrolment.pk): session.hours for session in sessions}
    hours[sessions[0].pk, enrolment.pk] -= hours_missed
    attendance_sheet_save(cohort=cohort, hours=hours)
    [certificate] = cohort_close(cohort=cohort, closed_on=date(2018, 3, 10)).certificates
    return Certificate.objects.get(pk=certificate.pk)


def running_cohort(**kwargs):
    """A cohort under way on the suite's today: sessions a week ago, today and in a week."""
    return make_cohort(
        name="Srem, osnovni nivo 2026",
        starts_on=TODAY - timedelta(days=20),
        ends_on=TODAY + timedelta(days=20),
        days=[TODAY - timedelta(days=7), TODAY, TODAY + timedelta(days=7)],
        **kwargs,
    )


@pytest.fixture
def cohort(db):
    return make_cohort()
