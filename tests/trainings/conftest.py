"""A small programme built for each test: one cohort of a few people, a few sessions."""

from datetime import date
from decimal import Decimal

import pytest

from offices.models import Coordinator
from trainings.models import Certificate, Cohort, CompetenceArea, CurriculumModule, Level, Programme, Session
from trainings.services import attendance_sheet_save, cohort_close, enrolment_create, participant_for_coordinator


def make_cohort(*, sessions=3, people=3, capacity=50, hours=Decimal("4"), name="Vojvodina, osnovni nivo"):
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
        starts_on=date(2017, 10, 1),
        ends_on=date(2018, 2, 28),
        capacity=capacity,
    )
    for number in range(sessions):
        Session.objects.create(
            cohort=cohort, module=module, held_on=date(2017, 10, 2 + number), hours=hours, place="Novi Sad"
        )
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


@pytest.fixture
def cohort(db):
    return make_cohort()
