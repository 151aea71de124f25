"""The lifecycle service and the anonymisation: what they write, what they refuse, that nothing is half-written."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.utils import timezone, translation

from offices.models import Appointment, Coordinator, Office, OfficeEvent, OfficeStatus, OfficeStatusChange
from offices.services import coordinator_anonymise, office_change_status, office_history_start
from tests.conftest import free_areas

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    """An office of Ada opened on 1 March 2019, with its history, and Jelena Ristić coordinating it since then."""
    office = Office.objects.create(
        area=free_areas()[0],
        name="Kancelarija za mlade Ada",
        status=OfficeStatus.OPEN,
        initiated_on=date(2018, 10, 1),
        opened_on=date(2019, 3, 1),
    )
    office_history_start(office=office)
    jelena = Coordinator.objects.create(first_name="Jelena", last_name="Ristić", email="jelena.ristic@example.org")
    Appointment.objects.create(coordinator=jelena, office=office, started_on=date(2019, 3, 1))
    return office


def history(office):
    return list(office.status_changes.order_by("on", "pk").values_list("event", "on", "note"))


def test_history_starts_from_the_office_dates(office):
    assert history(office) == [("initiated", date(2018, 10, 1), ""), ("opened", date(2019, 3, 1), "")]


def test_reopening_keeps_the_inactive_period(office, staff_user):
    office_change_status(
        office=office, status=OfficeStatus.INACTIVE, on=date(2021, 6, 30), note="Koordinatorka otišla.", user=staff_user
    )
    office_change_status(office=office, status=OfficeStatus.OPEN, on=date(2022, 2, 1), note="Nova koordinatorka.")
    office.refresh_from_db()
    assert history(office) == [
        ("initiated", date(2018, 10, 1), ""),
        ("opened", date(2019, 3, 1), ""),
        ("inactive", date(2021, 6, 30), "Koordinatorka otišla."),
        ("reopened", date(2022, 2, 1), "Nova koordinatorka."),
    ]
    assert (office.status, office.opened_on, office.closed_on) == (OfficeStatus.OPEN, date(2019, 3, 1), None)
    assert office.status_changes.get(event=OfficeEvent.INACTIVE).recorded_by == staff_user


def test_closing_ends_the_running_appointments_on_that_day(office, staff_user):
    earlier = Coordinator.objects.create(first_name="Dušan", last_name="Lazić")
    Appointment.objects.filter(office=office).update(started_on=date(2020, 1, 1))
    Appointment.objects.create(
        coordinator=earlier, office=office, started_on=date(2019, 3, 1), ended_on=date(2019, 12, 31)
    )
    office_change_status(office=office, status=OfficeStatus.CLOSED, on=date(2024, 5, 31), user=staff_user)
    office.refresh_from_db()
    assert (office.status, office.closed_on) == (OfficeStatus.CLOSED, date(2024, 5, 31))
    assert sorted(office.appointments.values_list("coordinator__last_name", "ended_on")) == [
        ("Lazić", date(2019, 12, 31)),
        ("Ristić", date(2024, 5, 31)),
    ]
    jelena = office.appointments.get(coordinator__last_name="Ristić")
    assert jelena.history.latest().history_user == staff_user
    assert Appointment.objects.current().filter(office=office).count() == 0


def test_making_an_office_inactive_ends_its_appointments_too(office):
    office_change_status(office=office, status=OfficeStatus.INACTIVE, on=date(2023, 9, 15))
    assert list(office.appointments.values_list("ended_on", flat=True)) == [date(2023, 9, 15)]


@pytest.mark.parametrize(
    ("status", "on", "errors"),
    [
        (OfficeStatus.OPEN, date(2020, 1, 1), {"status": ["An office that is open cannot become open."]}),
        (OfficeStatus.INITIATED, date(2020, 1, 1), {"status": ["An office that is open cannot become initiated."]}),
        (OfficeStatus.CLOSED, None, {"on": ["Give the date of the change."]}),
        (
            OfficeStatus.CLOSED,
            date(2019, 2, 1),
            {"on": ["The last recorded change is of 01.03.2019.: a new change cannot be earlier."]},
        ),
        (OfficeStatus.CLOSED, date(2099, 1, 1), {"on": ["The date of the change cannot be in the future."]}),
    ],
)
def test_a_refused_change_writes_nothing(office, status, on, errors):
    before = (history(office), list(office.appointments.values_list("ended_on", flat=True)))
    with translation.override("en"), pytest.raises(ValidationError) as error:
        office_change_status(office=office, status=status, on=on)
    with translation.override("en"):
        assert error.value.message_dict == errors
    office.refresh_from_db()
    assert office.status == OfficeStatus.OPEN
    assert (history(office), list(office.appointments.values_list("ended_on", flat=True))) == before


def test_a_change_cannot_be_dated_before_the_last_one(office):
    office_change_status(office=office, status=OfficeStatus.INACTIVE, on=date(2022, 6, 1))
    with translation.override("en"), pytest.raises(ValidationError) as error:
        office_change_status(office=office, status=OfficeStatus.OPEN, on=date(2022, 5, 1))
    with translation.override("en"):
        assert error.value.message_dict == {
            "on": ["The last recorded change is of 01.06.2022.: a new change cannot be earlier."]
        }


def test_closing_before_an_appointment_starts_is_refused(office):
    Appointment.objects.filter(office=office).update(started_on=date(2024, 1, 10))
    with translation.override("en"), pytest.raises(ValidationError) as error:
        office_change_status(office=office, status=OfficeStatus.CLOSED, on=date(2023, 12, 31))
    with translation.override("en"):
        assert error.value.message_dict == {
            "on": ["1 appointment at this office starts after this date: change or delete it first."]
        }


def test_reopening_beside_another_open_office_is_refused_with_the_constraint_message(office):
    office_change_status(office=office, status=OfficeStatus.CLOSED, on=date(2022, 1, 31))
    Office.objects.create(
        area=office.area, name="Nova kancelarija Ada", status=OfficeStatus.OPEN, opened_on=date(2023, 1, 1)
    )
    with translation.override("en"), pytest.raises(ValidationError) as error:
        office_change_status(office=office, status=OfficeStatus.OPEN, on=date(2024, 1, 1))
    with translation.override("en"):
        assert error.value.messages == ["This local self-government already has an open youth office."]
    assert history(office)[-1] == ("closed", date(2022, 1, 31), "")


def test_the_history_protects_its_office(office):
    office.appointments.all().delete()
    with pytest.raises(ProtectedError):
        office.delete()
    assert OfficeStatusChange.objects.filter(office=office).count() == 2


def test_a_coordinator_with_appointments_cannot_be_deleted(office):
    jelena = Coordinator.objects.get(email="jelena.ristic@example.org")
    with pytest.raises(ProtectedError):
        jelena.delete()
    assert Appointment.objects.filter(coordinator=jelena).count() == 1


def test_anonymising_erases_personal_data_and_keeps_the_appointments(office, django_user_model, staff_user):
    jelena = Coordinator.objects.get(email="jelena.ristic@example.org")
    jelena.user = django_user_model.objects.create_user(
        "jelena", email="jelena.ristic@example.org", first_name="Jelena", password="x"
    )
    jelena.phone, jelena.birth_year, jelena.experience = "+381 64 123 4567", 1990, "Volonterka Crvenog krsta."
    jelena.publish_phone = True
    jelena.save()
    account = jelena.user

    coordinator_anonymise(coordinator=jelena, user=staff_user)

    jelena.refresh_from_db()
    account.refresh_from_db()
    assert (jelena.first_name, jelena.last_name) == ("Anonimizovani", f"koordinator #{jelena.pk}")
    assert (jelena.email, jelena.phone, jelena.birth_year, jelena.youth_work_since, jelena.experience) == (
        "", "", None, None, "",
    )  # fmt: skip
    assert (jelena.publish_email, jelena.publish_phone, jelena.user) == (False, False, None)
    assert jelena.anonymised_at is not None
    assert (account.is_active, account.email, account.first_name) == (False, "", "")
    assert Appointment.objects.filter(coordinator=jelena, office=office).count() == 1
    # Every earlier version is scrubbed too.
    assert set(jelena.history.values_list("first_name", "email", "phone", "birth_year", "experience", "user_id")) == {
        ("Anonimizovani", "", "", None, "", None)
    }
    names = {}
    for language in ("sr-latn", "sr", "en"):
        with translation.override(language):
            names[language] = jelena.full_name
    assert names == {
        "sr-latn": f"Anonimizovani koordinator #{jelena.pk}",
        "sr": f"Анонимизовани координатор #{jelena.pk}",
        "en": f"Anonymised coordinator #{jelena.pk}",
    }


def test_the_data_migration_builds_each_office_history_from_its_dates():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("offices.migrations.0003_office_status_history")
    inactive = Office.objects.filter(status=OfficeStatus.INACTIVE).order_by("pk").first()
    initiated = Office.objects.create(
        area=free_areas()[1], name="KZM u osnivanju", status=OfficeStatus.INITIATED, initiated_on=date(2025, 4, 2)
    )
    OfficeStatusChange.objects.all().delete()
    migration.histories_from_fields(apps, None)
    assert history(inactive) == [
        ("initiated", inactive.initiated_on, ""),
        ("opened", inactive.opened_on, ""),
        ("inactive", inactive.closed_on, ""),
    ]
    assert history(initiated) == [("initiated", date(2025, 4, 2), "")]
    assert (
        OfficeStatusChange.objects.filter(event=OfficeEvent.OPENED).count()
        == Office.objects.exclude(opened_on=None).count()
    )


def test_demo_offices_have_histories_that_match_their_state():
    for office in Office.objects.prefetch_related("status_changes"):
        changes = list(office.status_changes.all())
        assert OfficeEvent(changes[-1].event).status == office.status, office
        opened = [c.on for c in changes if c.event == OfficeEvent.OPENED]
        assert opened == ([office.opened_on] if office.opened_on else []), office
    reopened = Office.objects.filter(status_changes__event=OfficeEvent.REOPENED)
    assert reopened.count() >= 3
    assert all(office.status == OfficeStatus.OPEN for office in reopened)


def test_demo_appointments_lie_within_their_offices_working_life():
    for appointment in Appointment.objects.select_related("office", "coordinator"):
        appointment.full_clean()
    # Inactive and closed offices have no running appointment after the day they stopped.
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert not Appointment.objects.current(tomorrow).exclude(office__status=OfficeStatus.OPEN).exists()
