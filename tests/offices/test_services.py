"""The lifecycle service and the anonymisation: what they write, what they refuse, that nothing is half-written."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from offices.models import Appointment, Coordinator, Office, OfficeEvent, OfficeStatus, OfficeStatusChange
from offices.services import (
    coordinator_anonymise,
    office_change_status,
    office_history_start,
    office_status_change_correct,
    office_status_change_withdraw,
)
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
    assert jelena.history.latest("history_id").history_user == staff_user
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
            {"on": ["The last recorded change is of 1 Mar 2019: a new change cannot be earlier."]},
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
            "on": ["The last recorded change is of 1 Jun 2022: a new change cannot be earlier."]
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


# Corrections of the history: a mistyped date or note, and the withdrawal of a mistaken last step.


def english_refusal(call, **kwargs):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        call(**kwargs)
    with translation.override("en"):
        return error.value.message_dict if hasattr(error.value, "error_dict") else error.value.messages


def step(office, event):
    return office.status_changes.get(event=event)


def test_correcting_the_opening_date_derives_the_office_again_and_keeps_the_old_date(office, staff_user):
    opened = step(office, OfficeEvent.OPENED)
    office_status_change_correct(change=opened, on=date(2019, 2, 15), user=staff_user)
    office.refresh_from_db()
    assert (office.status, office.initiated_on, office.opened_on, office.closed_on) == (
        OfficeStatus.OPEN, date(2018, 10, 1), date(2019, 2, 15), None,
    )  # fmt: skip
    assert history(office) == [("initiated", date(2018, 10, 1), ""), ("opened", date(2019, 2, 15), "")]
    versions = list(opened.history.order_by("history_date").values_list("on", "history_user"))
    assert versions[-1] == (date(2019, 2, 15), staff_user.pk)
    assert office.history.latest("history_id").history_user == staff_user


def test_correcting_only_the_note_keeps_the_date(office):
    initiated = step(office, OfficeEvent.INITIATED)
    office_status_change_correct(change=initiated, note="Odluka Skupštine opštine Ada.")
    assert history(office)[0] == ("initiated", date(2018, 10, 1), "Odluka Skupštine opštine Ada.")


@pytest.mark.parametrize(
    ("event", "on", "errors"),
    [
        (
            OfficeEvent.INITIATED,
            date(2019, 5, 1),
            {"on": ["The change after this one (the office opened) is of 1 Mar 2019: this one cannot be later."]},
        ),
        (
            OfficeEvent.OPENED,
            date(2018, 9, 1),
            {
                "on": [
                    "The change before this one (the opening of the office was initiated) is of 1 Oct 2018: "
                    "this one cannot be earlier."
                ]
            },
        ),
        (OfficeEvent.OPENED, date(2099, 1, 1), {"on": ["The date of the change cannot be in the future."]}),
        (
            OfficeEvent.OPENED,
            date(2019, 4, 1),
            {
                "on": [
                    "The appointment of Jelena Ristić (1 Mar 2019 – today) would no longer lie within the "
                    "office's working life: change that appointment first."
                ]
            },
        ),
    ],
)
def test_a_refused_correction_writes_nothing(office, event, on, errors):
    change = step(office, event)
    assert english_refusal(office_status_change_correct, change=change, on=on) == errors
    office.refresh_from_db()
    assert (office.initiated_on, office.opened_on) == (date(2018, 10, 1), date(2019, 3, 1))
    assert history(office) == [("initiated", date(2018, 10, 1), ""), ("opened", date(2019, 3, 1), "")]


def test_a_note_with_a_control_character_is_refused(office):
    with pytest.raises(ValidationError) as error:
        office_status_change_correct(change=step(office, OfficeEvent.OPENED), note="Otvorena\x0b")
    assert list(error.value.message_dict) == ["note"]
    assert history(office)[1] == ("opened", date(2019, 3, 1), "")


def test_correcting_a_closing_date_never_moves_the_appointments(office):
    office_change_status(office=office, status=OfficeStatus.CLOSED, on=date(2024, 5, 31))
    closed = step(office, OfficeEvent.CLOSED)
    office_status_change_correct(change=closed, on=date(2024, 6, 30))
    office.refresh_from_db()
    assert (office.status, office.closed_on) == (OfficeStatus.CLOSED, date(2024, 6, 30))
    assert list(office.appointments.values_list("ended_on", flat=True)) == [date(2024, 5, 31)]
    assert english_refusal(office_status_change_correct, change=closed, on=date(2024, 4, 30)) == {
        "on": [
            "The appointment of Jelena Ristić (1 Mar 2019 – 31 May 2024) would no longer lie within the "
            "office's working life: change that appointment first."
        ]
    }
    office.refresh_from_db()
    assert office.closed_on == date(2024, 6, 30)


def test_correcting_a_reopening_into_an_appointment_of_the_gap_is_refused(office):
    office_change_status(office=office, status=OfficeStatus.INACTIVE, on=date(2021, 6, 30))
    office_change_status(office=office, status=OfficeStatus.OPEN, on=date(2022, 2, 1))
    milan = Coordinator.objects.create(first_name="Milan", last_name="Đokić")
    Appointment.objects.create(coordinator=milan, office=office, started_on=date(2022, 2, 1))
    reopened = step(office, OfficeEvent.REOPENED)
    assert english_refusal(office_status_change_correct, change=reopened, on=date(2022, 3, 1)) == {
        "on": [
            "The appointment of Milan Đokić (1 Feb 2022 – today) would no longer lie within the office's "
            "working life: change that appointment first."
        ]
    }
    office_status_change_correct(change=reopened, on=date(2022, 1, 10))
    office.refresh_from_db()
    assert (office.status, office.opened_on, office.closed_on) == (OfficeStatus.OPEN, date(2019, 3, 1), None)


def test_withdrawing_a_mistaken_closing_reopens_the_office_and_leaves_the_appointments_as_they_are(office, staff_user):
    office_change_status(office=office, status=OfficeStatus.CLOSED, on=date(2024, 5, 31))
    closed = step(office, OfficeEvent.CLOSED)
    closed_pk = closed.pk
    office_status_change_withdraw(change=closed, user=staff_user)
    office.refresh_from_db()
    assert (office.status, office.opened_on, office.closed_on) == (OfficeStatus.OPEN, date(2019, 3, 1), None)
    assert history(office) == [("initiated", date(2018, 10, 1), ""), ("opened", date(2019, 3, 1), "")]
    assert list(office.appointments.values_list("ended_on", flat=True)) == [date(2024, 5, 31)]
    withdrawn = OfficeStatusChange.history.filter(id=closed_pk).latest()
    assert (withdrawn.history_type, withdrawn.history_user) == ("-", staff_user)


def test_withdrawing_an_opening_returns_the_office_to_initiated():
    office = Office.objects.create(
        area=free_areas()[1], name="KZM Bač", status=OfficeStatus.INITIATED, initiated_on=date(2024, 2, 1)
    )
    office_history_start(office=office)
    office_change_status(office=office, status=OfficeStatus.OPEN, on=date(2024, 9, 1))
    office_status_change_withdraw(change=step(office, OfficeEvent.OPENED))
    office.refresh_from_db()
    assert (office.status, office.initiated_on, office.opened_on) == (OfficeStatus.INITIATED, date(2024, 2, 1), None)
    assert english_refusal(office_status_change_withdraw, change=step(office, OfficeEvent.INITIATED)) == [
        "The first step of an office's history cannot be withdrawn: correct its date."
    ]


def test_withdrawing_is_refused_for_an_earlier_step_or_a_reopening_with_an_appointment(office):
    assert english_refusal(office_status_change_withdraw, change=step(office, OfficeEvent.INITIATED)) == [
        "Only the latest change of an office's history can be withdrawn."
    ]
    office_change_status(office=office, status=OfficeStatus.INACTIVE, on=date(2021, 6, 30))
    office_change_status(office=office, status=OfficeStatus.OPEN, on=date(2022, 2, 1))
    milan = Coordinator.objects.create(first_name="Milan", last_name="Đokić")
    Appointment.objects.create(coordinator=milan, office=office, started_on=date(2022, 3, 1))
    assert english_refusal(office_status_change_withdraw, change=step(office, OfficeEvent.REOPENED)) == [
        "The appointment of Milan Đokić (1 Mar 2022 – today) began after this change: change that appointment first."
    ]
    office.refresh_from_db()
    assert (office.status, len(history(office))) == (OfficeStatus.OPEN, 4)


def test_withdrawing_a_closing_beside_a_newer_open_office_gets_the_constraint_message(office):
    office_change_status(office=office, status=OfficeStatus.CLOSED, on=date(2022, 1, 31))
    Office.objects.create(area=office.area, name="Nova KZM Ada", status=OfficeStatus.OPEN, opened_on=date(2023, 1, 1))
    assert english_refusal(office_status_change_withdraw, change=step(office, OfficeEvent.CLOSED)) == {
        "__all__": ["This local self-government already has an open youth office."]
    }
    assert history(office)[-1] == ("closed", date(2022, 1, 31), "")


def test_anonymising_renames_the_account_and_the_admin_log(office, django_user_model, staff_user):
    from axes.models import AccessLog
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    jelena = Coordinator.objects.get(email="jelena.ristic@example.org")
    jelena.user = django_user_model.objects.create_user("jelena.ristic", password="tajna-lozinka")
    jelena.save()
    account = jelena.user
    appointment = jelena.appointments.get()
    for thing in (jelena, appointment, account):
        LogEntry.objects.log_actions(staff_user.pk, [thing], CHANGE, change_message="[]", single_object=True)
    AccessLog.objects.create(username="jelena.ristic", user_agent="Firefox", ip_address="192.0.2.7", path_info="/")

    coordinator_anonymise(coordinator=jelena, user=staff_user)

    account.refresh_from_db()
    assert (account.username, account.has_usable_password(), account.is_active) == (
        f"anonymised-{jelena.pk}", False, False,
    )  # fmt: skip
    names = {
        ContentType.objects.get_for_id(entry.content_type_id).model: entry.object_repr
        for entry in LogEntry.objects.filter(user=staff_user)
    }
    assert names == {
        "coordinator": f"Anonimizovani koordinator #{jelena.pk}",
        "appointment": f"Anonimizovani koordinator #{jelena.pk} – Kancelarija za mlade Ada",
        "user": f"anonymised-{jelena.pk}",
    }
    assert "ristic" not in Coordinator.objects.get(pk=jelena.pk).search_text
    assert list(AccessLog.objects.values_list("username", flat=True)) == [f"anonymised-{jelena.pk}"]


def test_a_status_step_and_its_withdrawal_read_no_area(office_a):
    """A step writes the office's state only: its search text (its area's and the parent's names) stays as it is."""
    office = Office.objects.get(pk=office_a.pk)  # its area not loaded, as a caller may pass it
    with CaptureQueriesContext(connection) as queries:
        change = office_change_status(office=office, status=OfficeStatus.INACTIVE, on=date(2026, 6, 1))
        office_status_change_withdraw(change=change)

    assert [query["sql"] for query in queries if 'FROM "areas_area"' in query["sql"]] == []
    assert list(Office.objects.search("mačvanski šabac")) == [office_a]
