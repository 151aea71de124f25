"""Model rules: what the database refuses, and the messages forms show for it."""

import importlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from areas.models import Area
from areas.services import DATA_FILES, areas_load, read_area_rows
from offices.models import Appointment, AppointmentRole, Coordinator, Membership, Office, OfficeStatus
from tests.factories import AppointmentFactory, CoordinatorFactory, MembershipFactory, OfficeFactory, area, free_areas
from trainings.models import Participant

pytestmark = pytest.mark.django_db


def new_office(code="RS-SABAC", **fields):
    """An open office in the area of this code, not saved."""
    return OfficeFactory.build(area=area(code), **fields)


def assert_refused_by_form_and_database(instance, field):
    """The rule is checked twice: full_clean() names the field, and the database refuses the row."""
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    assert field in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        instance.save()


def test_database_refuses_a_second_open_office_in_one_municipality():
    with pytest.raises(IntegrityError), transaction.atomic():
        new_office().save()


def test_second_open_office_gets_a_clear_message():
    with translation.override("en"), pytest.raises(ValidationError) as error:
        new_office().full_clean()
    with translation.override("en"):
        assert error.value.messages == ["This local self-government already has an open youth office."]


def test_a_closed_office_does_not_block_a_new_one(office_a):
    office_a.status, office_a.closed_on = OfficeStatus.CLOSED, date(2024, 1, 31)
    office_a.save()
    office = new_office(opened_on=date(2024, 6, 1))
    office.full_clean()
    office.save()
    assert Office.objects.filter(area__code="RS-SABAC", status=OfficeStatus.OPEN).get() == office


def test_database_refuses_closing_before_opening():
    with pytest.raises(IntegrityError), transaction.atomic():
        new_office(
            "RS-OPOVO", status=OfficeStatus.CLOSED, opened_on=date(2020, 1, 1), closed_on=date(2019, 1, 1)
        ).save()


def test_opening_in_the_future_is_refused():
    office = new_office("RS-ADA", opened_on=timezone.localdate() + timedelta(days=3))
    with pytest.raises(ValidationError) as error:
        office.full_clean()
    assert "opened_on" in error.value.message_dict


def test_closing_before_opening_is_refused_once_with_the_constraint_message():
    office = new_office("RS-ADA", status=OfficeStatus.CLOSED, opened_on=date(2020, 1, 1), closed_on=date(2019, 1, 1))
    with translation.override("en"), pytest.raises(ValidationError) as error:
        office.full_clean()
    with translation.override("en"):
        assert error.value.message_dict == {"__all__": ["The closing date cannot be before the opening date."]}


def test_coordinates_outside_the_country_are_refused_in_each_language():
    office = new_office("RS-ADA", latitude=Decimal("45.815"), longitude=Decimal("15.982"))  # Zagreb
    for language, country in (("sr-latn", "Srbija"), ("sr", "Србија"), ("en", "Serbia")):
        with translation.override(language), pytest.raises(ValidationError) as error:
            office.full_clean()
        assert country in error.value.message_dict["latitude"][0]


def test_coordinates_inside_the_country_are_accepted():
    area = free_areas()[0]
    new_office(area.code, latitude=area.latitude, longitude=area.longitude).full_clean()


def test_an_initiated_office_has_no_opening_date():
    office = new_office(free_areas()[0].code, status=OfficeStatus.INITIATED, opened_on=date(2020, 1, 1))
    assert_refused_by_form_and_database(office, "__all__")


def test_coordinator_e_mail_is_unique_whatever_the_case():
    Coordinator.objects.create(first_name="Ana", last_name="Ilić", email="ana.ilic@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        Coordinator.objects.create(first_name="Ana", last_name="Ilić", email="ANA.ILIC@example.org")


def test_an_office_belongs_to_a_municipality_not_a_district():
    office = new_office("RS-07")
    with pytest.raises(ValidationError) as error:
        office.full_clean()
    assert "area" in error.value.message_dict


def test_slug_is_numbered_past_the_slugs_in_use_or_those_the_caller_names(django_assert_num_queries):
    office = new_office("RS-SABAC")  # the demo data's Šabac office holds "sabac"

    with django_assert_num_queries(1):
        assert office.unique_slug() == "sabac-2"
    with django_assert_num_queries(0):
        assert office.unique_slug(taken={"sabac", "sabac-2", "sabac-3"}) == "sabac-4"
        assert office.unique_slug(taken=set()) == "sabac"


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("мачвански шабац", ["Kancelarija za mlade Šabac"]),  # the area's parent and the area, in Cyrillic
        ("kancelarija SABAC", ["Kancelarija za mlade Šabac"]),  # the office's name and its area
        ("šabac zrenjanin", []),  # every word must be found
        ("KZM Šabac", ["Kancelarija za mlade Šabac"]),  # "KZM" (youth office) is every office
        ("кзм шабац", ["Kancelarija za mlade Šabac"]),
    ],
)
def test_office_search_finds_every_word_in_the_name_the_area_or_its_parent(query, names):
    assert [office.name for office in Office.objects.search(query)] == names


def test_a_renamed_district_finds_its_offices_by_the_new_name_only():
    rows = read_area_rows(DATA_FILES)
    district = next(row for row in rows if row["code"] == "RS-08")  # Mačvanski okrug, above Šabac
    district.update(name="Podrinjski okrug", name_cyrillic="Подрињски округ", name_en="Podrinje District")

    areas_load(rows=rows)

    assert "Kancelarija za mlade Šabac" in [office.name for office in Office.objects.search("подрињски шабац")]
    assert not Office.objects.search("mačvanski šabac").exists()


def load_changing(codes, **values):
    """The queries of a load of the reference geography in which the areas of `codes` get `values`."""
    rows = read_area_rows(DATA_FILES)
    for row in rows:
        if row["code"] in codes:
            row.update(values)
    with CaptureQueriesContext(connection) as queries:
        report = areas_load(rows=rows)
    assert sorted(area.code for area, _changes in report.changed) == sorted(codes)
    return queries


def test_a_load_changing_no_names_rewrites_no_office():
    """Coordinates and validity are not in an office's search text: a load changing them costs each changed
    area its own checks and writes (its parent's and code's checks, its constraint's in a savepoint, the update,
    its history row) and no office's."""
    one = load_changing(["RS-SABAC"], valid_to="2030-12-31")
    three = load_changing(["RS-SABAC", "RS-08", "RS-CUPRIJA"], valid_to="2031-12-31", latitude="44.75")

    assert len(three) == len(one) + 2 * 7
    assert [query["sql"] for query in three if "offices_office" in query["sql"]] == []
    assert "Kancelarija za mlade Šabac" in [office.name for office in Office.objects.search("mačvanski šabac")]


def test_a_load_renaming_an_area_rewrites_its_offices_once():
    queries = load_changing(["RS-SABAC"], name_en="Shabats")

    assert len([query for query in queries if "offices_office" in query["sql"]]) == 2  # read, bulk update
    assert [office.name for office in Office.objects.search("shabats")] == ["Kancelarija za mlade Šabac"]


def test_a_municipality_moved_to_another_district_is_found_under_it(staff_client):
    sabac = Area.objects.get(code="RS-SABAC")
    kolubarski = Area.objects.get(code="RS-09")
    page = staff_client.get(reverse("admin:areas_area_change", args=[sabac.pk]))
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data.update(parent=kolubarski.pk, name="Šabac grad")

    response = staff_client.post(
        reverse("admin:areas_area_change", args=[sabac.pk]), {k: v for k, v in data.items() if v is not None}
    )

    assert response.status_code == 302
    assert [office.name for office in Office.objects.search("kolubarski šabac grad")] == ["Kancelarija za mlade Šabac"]
    assert not Office.objects.search("mačvanski šabac").exists()


def test_a_save_of_some_fields_writes_what_is_derived_from_them(office_a):
    office_a.name = "Omladinski centar"
    office_a.save(update_fields=["name"])
    assert [office.name for office in Office.objects.search("omladinski šabac")] == ["Omladinski centar"]

    sabac = Area.objects.get(code="RS-SABAC")
    sabac.name_en = "Shabats"
    sabac.save(update_fields=["name_en"])
    macvanski = Area.objects.get(code="RS-08")
    macvanski.code = "RS-08-NOVI"
    macvanski.save(update_fields=["code"])

    assert Area.objects.values_list("path", "search_text").get(pk=macvanski.pk) == (
        "RS/RS-REG-SZ/RS-08-NOVI",
        "macvanski okrug macva district rs-08-novi",
    )
    assert [office.name for office in Office.objects.search("omladinski shabats rs-08-novi")] == ["Omladinski centar"]


def test_slug_of_a_cyrillic_only_name_is_not_empty():
    area = Area.objects.create(
        code="RS-TEST-CYR", name="Ђурђево", kind="municipality", parent=Area.objects.get(code="RS-07")
    )
    office = new_office("RS-TEST-CYR", name="Канцеларија")
    office.save()
    assert office.slug == "djurdjevo"
    assert area.search_text == "durdevo rs-test-cyr"


def test_database_refuses_an_appointment_that_ends_before_it_starts(office_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentFactory(office=office_a, started_on=date(2022, 3, 1), ended_on=date(2021, 3, 1))


def test_appointment_ending_before_it_starts_gets_one_message(office_a):
    appointment = AppointmentFactory.build(
        coordinator=CoordinatorFactory(), office=office_a, started_on=date(2022, 3, 1), ended_on=date(2021, 3, 1)
    )
    with pytest.raises(ValidationError) as error:
        appointment.full_clean()
    assert error.value.messages == ["Imenovanje ne može da se završi pre nego što počne."]


def test_membership_is_recorded_apart_from_the_office():
    membership = MembershipFactory()
    assert Membership.objects.current().filter(area=membership.area).count() == 1
    assert Office.objects.filter(area=membership.area).count() == 0


def test_database_refuses_two_running_memberships():
    membership = MembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(area=membership.area, joined_on=date(2016, 2, 1))


def test_a_coordinator_cannot_publish_a_phone_they_do_not_have():
    coordinator = Coordinator(first_name="Ana", last_name="Ilić", publish_phone=True)
    assert_refused_by_form_and_database(coordinator, "__all__")
    with pytest.raises(ValidationError) as error:
        coordinator.full_clean()
    assert error.value.messages == ["Nije unet broj telefona koji bi se objavio."]


def test_coordinator_search_ignores_script_and_diacritics():
    coordinator = Coordinator.objects.create(first_name="Đorđe", last_name="Šarčević")
    assert list(Coordinator.objects.search("ђорђе шарчевић")) == [coordinator]
    assert list(Coordinator.objects.search("DJORDJE SARCEVIC")) == [coordinator]
    assert list(Coordinator.objects.search("dorde sarcevic")) == [coordinator]


def test_database_refuses_an_initiation_after_the_opening():
    office = new_office(free_areas()[0].code, initiated_on=date(2020, 6, 1), opened_on=date(2020, 5, 4))
    with translation.override("en"), pytest.raises(ValidationError) as error:
        office.full_clean()
    with translation.override("en"):
        assert error.value.message_dict == {"__all__": ["The initiation date cannot be after the opening date."]}
    with pytest.raises(IntegrityError), transaction.atomic():
        office.save()


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("description", "Radno vreme:\x0b8–16", "U+000B"),
        ("name", "KZM \x1b[31mAda", "U+001B"),
        ("address", "Glavna\x005", "U+0000"),
    ],
)
def test_control_characters_in_office_text_are_refused(field, value, code):
    office = new_office(free_areas()[0].code, **{field: value})
    with translation.override("en"), pytest.raises(ValidationError) as error:
        office.full_clean()
    position = next(i for i, char in enumerate(value, start=1) if not char.isprintable())
    with translation.override("en"):
        assert error.value.message_dict[field] == [
            f"Remove the invisible control character (code {code}) at position {position}: "
            "text may hold letters, digits, punctuation, tabs and line breaks only."
        ]


def test_line_breaks_and_tabs_stay_allowed_in_a_description():
    new_office(free_areas()[0].code, description="Programi:\n\t– volonterizam\r\n\t– zapošljavanje").full_clean()


def test_control_characters_in_a_coordinators_name_are_refused_in_serbian():
    coordinator = Coordinator(first_name="Ana\x07", last_name="Ilić")
    with pytest.raises(ValidationError) as error:
        coordinator.full_clean()
    assert error.value.message_dict["first_name"] == [
        "Uklonite nevidljivi kontrolni znak (kod U+0007) na mestu 4: tekst sme da sadrži samo slova, cifre, "
        "interpunkciju, tabulatore i prelome redova."
    ]


@pytest.fixture
def vacant_office(office_a):
    """Šabac (opened 24.01.2018) without its demo appointments."""
    office_a.appointments.all().delete()
    return office_a


def appoint(office, first_name, started_on, ended_on=None, **fields):
    person = Coordinator.objects.create(first_name=first_name, last_name="Petrović")
    return Appointment(coordinator=person, office=office, started_on=started_on, ended_on=ended_on, **fields)


def english_errors(instance):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        instance.full_clean()
    with translation.override("en"):
        return error.value.message_dict


def test_an_appointment_before_the_office_opened_is_refused(vacant_office):
    appointment = appoint(vacant_office, "Marko", date(2017, 12, 1), date(2018, 6, 1))
    assert english_errors(appointment) == {
        "started_on": ["The appointment cannot start before the office opened (24 Jan 2018)."]
    }


def test_an_appointment_after_the_office_closed_is_refused(vacant_office):
    vacant_office.status, vacant_office.closed_on = OfficeStatus.CLOSED, date(2023, 3, 31)
    vacant_office.save()
    appointment = appoint(vacant_office, "Marko", date(2022, 1, 1))
    assert english_errors(appointment) == {
        "started_on": ["The office stopped working on 31 Mar 2023: the appointment ends on that day at the latest."]
    }


def test_a_second_coordinator_at_the_same_time_is_refused_but_a_deputy_is_not(vacant_office):
    appoint(vacant_office, "Marko", date(2019, 1, 1), date(2021, 12, 31)).save()
    second = appoint(vacant_office, "Milica", date(2021, 6, 1), date(2022, 6, 1))
    assert english_errors(second) == {
        "started_on": [
            "Marko Petrović coordinates this office from 1 Jan 2019 to 31 Dec 2021: an office has one coordinator "
            "at a time. Change the dates, or appoint this person as deputy."
        ]
    }
    second.role = AppointmentRole.DEPUTY
    second.full_clean()


def test_one_persons_appointments_at_one_office_do_not_overlap(vacant_office):
    first = appoint(vacant_office, "Marko", date(2019, 1, 1), date(2020, 12, 31))
    first.save()
    again = Appointment(coordinator=first.coordinator, office=vacant_office, started_on=date(2020, 6, 1), role="deputy")
    assert english_errors(again) == {
        "started_on": ["Marko Petrović already has an appointment at this office (1 Jan 2019 – 31 Dec 2020)."]
    }


def test_two_open_ended_coordinators_get_the_constraint_message_once_and_the_database_refuses_them(vacant_office):
    appoint(vacant_office, "Marko", date(2019, 1, 1)).save()
    second = appoint(vacant_office, "Milica", date(2022, 1, 1))
    assert english_errors(second) == {
        "__all__": [
            "This office already has a coordinator with no end date: end that appointment first, "
            "or appoint this person as deputy."
        ]
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
    second.role = AppointmentRole.DEPUTY
    second.full_clean()
    second.save()


def test_an_appointment_ending_next_month_is_current_and_one_ended_yesterday_is_not(vacant_office):
    today = timezone.localdate()
    running = appoint(vacant_office, "Marko", date(2020, 1, 1), today + timedelta(days=31))
    running.save()
    ended = appoint(vacant_office, "Milica", date(2019, 1, 1), today - timedelta(days=1), role="deputy")
    ended.save()
    assert list(Appointment.objects.filter(office=vacant_office).current()) == [running]
    assert (running.is_current(), ended.is_current()) == (True, False)


@pytest.fixture
def reopened_office():
    """An office of Ada: opened 01.03.2019, inactive from 30.06.2021, reopened 01.02.2022, with its history."""
    from offices.services import office_change_status, office_history_start

    office = Office.objects.create(
        area=free_areas()[0], name="Kancelarija za mlade Ada", status=OfficeStatus.OPEN, opened_on=date(2019, 3, 1)
    )
    office_history_start(office=office)
    office_change_status(office=office, status=OfficeStatus.INACTIVE, on=date(2021, 6, 30))
    office_change_status(office=office, status=OfficeStatus.OPEN, on=date(2022, 2, 1))
    return office


def test_an_appointment_in_the_inactive_gap_of_a_reopened_office_is_refused(reopened_office):
    appointment = appoint(reopened_office, "Marko", date(2021, 9, 1), date(2021, 12, 31))
    assert english_errors(appointment) == {
        "started_on": [
            "The office did not work from 30 Jun 2021 until it reopened on 1 Feb 2022: "
            "an appointment cannot start in that period."
        ]
    }


@pytest.mark.parametrize(("started_on", "ended_on"), [(date(2021, 1, 1), date(2022, 3, 1)), (date(2021, 1, 1), None)])
def test_an_appointment_across_the_inactive_gap_is_refused(reopened_office, started_on, ended_on):
    appointment = appoint(reopened_office, "Marko", started_on, ended_on, role=AppointmentRole.DEPUTY)
    assert english_errors(appointment) == {
        "started_on": ["The office stopped working on 30 Jun 2021: the appointment ends on that day at the latest."]
    }


@pytest.mark.parametrize(
    ("started_on", "ended_on"),
    [(date(2019, 3, 1), date(2021, 6, 30)), (date(2022, 2, 1), None), (date(2023, 5, 1), date(2024, 1, 31))],
)
def test_appointments_within_one_working_period_of_a_reopened_office_are_accepted(
    reopened_office, started_on, ended_on
):
    appoint(reopened_office, "Marko", started_on, ended_on).full_clean()


def test_the_working_life_is_read_from_the_history_in_one_query(reopened_office, django_assert_num_queries):
    office = Office.objects.get(pk=reopened_office.pk)
    with django_assert_num_queries(1):
        periods = office.working_periods()
    assert periods == [(date(2019, 3, 1), date(2021, 6, 30)), (date(2022, 2, 1), None)]
    prefetched = Office.objects.prefetch_related("status_changes").get(pk=reopened_office.pk)
    with django_assert_num_queries(0):
        assert prefetched.working_periods() == periods


def test_membership_rules_of_the_database_are_reported_once_with_the_constraint_message():
    area = Area.objects.get(code="RS-LAJKOVAC")
    membership = Membership(area=area, joined_on=date(2020, 2, 1), left_on=date(2019, 2, 1))
    assert english_errors(membership) == {"__all__": ["A membership cannot end before it starts."]}
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()
    future = Membership(area=area, joined_on=timezone.localdate() + timedelta(days=1), left_on=date(2099, 1, 1))
    assert english_errors(future) == {"joined_on": ["The joining date cannot be in the future."]}


def test_a_second_running_membership_gets_the_constraint_message():
    area = Area.objects.get(code="RS-LAJKOVAC")
    Membership.objects.filter(area=area).delete()
    Membership.objects.create(area=area, joined_on=date(2015, 2, 1))
    assert english_errors(Membership(area=area, joined_on=date(2016, 2, 1))) == {
        "__all__": ["This local self-government is already a member."]
    }


def test_migrations_refresh_stored_search_text_so_d_finds_dj():
    """Rows saved before search_fold hold fold()'s "dj"; the data migrations rewrite them in search's form."""
    from django.apps import apps

    from portal.text import fold
    from trainings.models import Participant

    office = Office.objects.filter(area__code="RS-INDJIJA").first() or OfficeFactory(area=area("RS-INDJIJA"))
    coordinator = Coordinator.objects.create(first_name="Đorđe", last_name="Đurđević", email="djordje@example.org")
    participant = Participant.objects.create(first_name="Anđela", last_name="Miljković", organisation="Mladi Inđije")
    indjija = Area.objects.get(code="RS-INDJIJA")
    Office.objects.filter(pk=office.pk).update(search_text=fold(office.name))
    Coordinator.objects.filter(pk=coordinator.pk).update(search_text=fold("Đorđe Đurđević djordje@example.org"))
    Participant.objects.filter(pk=participant.pk).update(search_text=fold("Anđela Miljković Mladi Inđije "))
    Area.objects.filter(pk=indjija.pk).update(search_text="indjija инђија rs-indjija")
    assert list(Coordinator.objects.search("durdevic")) == []

    for module in ("areas.migrations.0002_search_text_d_for_dj", "offices.migrations.0007_search_text_d_for_dj",
                   "trainings.migrations.0005_search_text_d_for_dj"):  # fmt: skip
        importlib.import_module(module).Migration.operations[0].code(apps, None)

    assert Area.objects.get(pk=indjija.pk).search_text == "indija rs-indija"
    assert list(Office.objects.search("indija")) == [office]
    assert list(Coordinator.objects.search("durdevic")) == [coordinator]
    assert list(Coordinator.objects.search("đurđević djordje")) == [coordinator]
    assert list(Participant.objects.search("andela indije")) == [participant]
    assert Participant.objects.get(pk=participant.pk).search_text == "andela miljkovic mladi indije"


def test_a_save_of_a_coordinators_or_participants_name_alone_writes_their_search_text(office_a):
    coordinator = Coordinator.objects.filter(appointments__office=office_a).first()
    coordinator.first_name = "Đurđina"
    coordinator.save(update_fields=["first_name"])
    participant = Participant.objects.create(first_name="Ana", last_name="Ilić", organisation="Udruženje Mladi")
    participant.last_name = "Šćekić"
    participant.save(update_fields=["last_name"])

    assert "durdina" in Coordinator.objects.values_list("search_text", flat=True).get(pk=coordinator.pk)
    assert "scekic" in Participant.objects.values_list("search_text", flat=True).get(pk=participant.pk)
