"""The office page: its lifecycle history, who is its current coordinator (the one rule), and its fixed cost."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from offices import selectors
from offices.models import Appointment, AppointmentRole, Coordinator, Office, OfficeStatus
from offices.services import office_change_status, office_history_start
from tests.conftest import free_areas, set_language

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    office = Office.objects.create(
        area=free_areas()[0],
        name="Kancelarija za mlade Ada",
        status=OfficeStatus.OPEN,
        initiated_on=date(2018, 10, 1),
        opened_on=date(2019, 3, 1),
    )
    office_history_start(office=office, note="Odluka opštinskog veća.")
    return office


def appoint(office, first_name, started_on, ended_on=None, role=AppointmentRole.COORDINATOR, **person):
    coordinator = Coordinator.objects.create(first_name=first_name, last_name="Šarić", **person)
    return Appointment.objects.create(
        coordinator=coordinator, office=office, started_on=started_on, ended_on=ended_on, role=role
    )


def history_lines(client, office):
    import re

    html = client.get(office.get_absolute_url()).text
    timeline = html[html.index('<ol class="list-unstyled timeline">') : html.index("</ol>", html.index("timeline"))]
    return [re.sub(r"<[^>]+>", "", line).strip() for line in re.findall(r"<li>(.*?)</li>", timeline)]


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "sr-latn",
            [
                "1. oktobra 2018. – pokrenuta je inicijativa za otvaranje kancelarije: Odluka opštinskog veća.",
                "1. marta 2019. – kancelarija je otvorena: Odluka opštinskog veća.",
                "30. juna 2021. – kancelarija je postala neaktivna: Koordinatorka na porodiljskom odsustvu.",
                "1. februara 2022. – kancelarija je ponovo otvorena",
            ],
        ),
        (
            "sr",
            [
                "1. октобра 2018. – покренута је иницијатива за отварање канцеларије: Одлука општинског већа.",
                "1. марта 2019. – канцеларија је отворена: Одлука општинског већа.",
                "30. јуна 2021. – канцеларија је постала неактивна: Координаторка на породиљском одсуству.",
                "1. фебруара 2022. – канцеларија је поново отворена",
            ],
        ),
        (
            "en",
            [
                "1 October 2018 – the opening of the office was initiated: Odluka opštinskog veća.",
                "1 March 2019 – the office opened: Odluka opštinskog veća.",
                "30 June 2021 – the office became inactive: Koordinatorka na porodiljskom odsustvu.",
                "1 February 2022 – the office reopened",
            ],
        ),
    ],
)
def test_the_page_shows_the_whole_lifecycle_in_each_language(client, office, language, lines):
    office_change_status(
        office=office,
        status=OfficeStatus.INACTIVE,
        on=date(2021, 6, 30),
        note="Koordinatorka na porodiljskom odsustvu.",
    )
    office_change_status(office=office, status=OfficeStatus.OPEN, on=date(2022, 2, 1))
    set_language(client, language)
    assert history_lines(client, office) == lines


def test_the_page_costs_the_same_queries_with_a_short_and_a_long_history(client, office):
    appoint(office, "Vuk", date(2019, 3, 1), date(2020, 2, 29))
    with CaptureQueriesContext(connection) as short:
        client.get(office.get_absolute_url())
    for year in (2020, 2021, 2022):
        office_change_status(office=office, status=OfficeStatus.INACTIVE, on=date(year, 6, 1))
        office_change_status(office=office, status=OfficeStatus.OPEN, on=date(year, 9, 1))
        appoint(office, f"Vuk{year}", date(year, 9, 1), date(year + 1, 5, 31))
    appoint(office, "Lejla", date(2023, 6, 1), role=AppointmentRole.DEPUTY)
    with CaptureQueriesContext(connection) as long:
        client.get(office.get_absolute_url())
    assert len(history_lines(client, office)) == 8
    assert len(long) == len(short)


def test_one_rule_for_current_on_the_page_and_in_the_home_figures(client, office):
    today = timezone.localdate()
    before = selectors.key_figures(today=today)["coordinators"]
    appoint(
        office, "Teodora", date(2020, 1, 1), today + timedelta(days=30), email="teodora@example.org", publish_email=True
    )
    appoint(office, "Ognjen", date(2019, 3, 1), today - timedelta(days=1), role=AppointmentRole.DEPUTY)
    page = client.get(office.get_absolute_url())
    assert [a.coordinator.first_name for a in page.context["current_appointments"]] == ["Teodora"]
    assert "teodora@example.org" in page.text
    assert selectors.key_figures(today=today)["coordinators"] == before + 1


def test_a_closed_office_shows_no_current_coordinator_or_contact(client, office):
    appoint(office, "Teodora", date(2020, 1, 1), email="teodora@example.org", publish_email=True)
    office_change_status(office=office, status=OfficeStatus.CLOSED, on=timezone.localdate())
    page = client.get(office.get_absolute_url())
    assert page.context["current_appointments"] == []
    assert "teodora@example.org" not in page.text
    assert "Teodora Šarić" in page.text  # still in the office's history of coordinators


@pytest.mark.parametrize("status", [OfficeStatus.INACTIVE, OfficeStatus.CLOSED])
def test_an_office_that_stopped_shows_none_of_its_own_contact(client, office, status):
    office.email, office.phone, office.working_hours = "kzm.ada@example.org", "024 123 456", "pon–pet 8–16"
    office.save()
    office_change_status(office=office, status=status, on=timezone.localdate())
    page = client.get(office.get_absolute_url())
    assert "kzm.ada@example.org" not in page.text
    assert "024 123 456" not in page.text
    assert "pon–pet 8–16" not in page.text
    assert "Kancelarija trenutno ne radi, pa nema kontakt." in page.text


def test_an_open_office_shows_its_own_contact(client, office):
    office.email = "kzm.ada@example.org"
    office.save()
    assert "kzm.ada@example.org" in client.get(office.get_absolute_url()).text


def test_a_deputy_is_named_as_such(client, office):
    appoint(office, "Teodora", date(2020, 1, 1))
    appoint(office, "Lejla", date(2023, 6, 1), role=AppointmentRole.DEPUTY)
    set_language(client, "en")
    page = client.get(office.get_absolute_url())
    assert [(a.coordinator.first_name, a.role) for a in page.context["current_appointments"]] == [
        ("Lejla", "deputy"),
        ("Teodora", "coordinator"),
    ]
    assert '<dt class="col-sm-4">Deputy coordinator</dt>' in page.text
