"""Model rules: what the database refuses, and the messages forms show for it."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from areas.models import Area
from offices.models import Coordinator, Membership, Office, OfficeStatus
from tests.factories import AppointmentFactory, CoordinatorFactory, MembershipFactory, OfficeFactory, area, free_areas

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


def test_closing_before_opening_is_refused_with_a_message_on_the_field():
    office = new_office("RS-ADA", status=OfficeStatus.CLOSED, opened_on=date(2020, 1, 1), closed_on=date(2019, 1, 1))
    with pytest.raises(ValidationError) as error:
        office.full_clean()
    assert "closed_on" in error.value.message_dict


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
    assert_refused_by_form_and_database(office, "opened_on")


def test_coordinator_e_mail_is_unique_whatever_the_case():
    Coordinator.objects.create(first_name="Ana", last_name="Ilić", email="ana.ilic@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        Coordinator.objects.create(first_name="Ana", last_name="Ilić", email="ANA.ILIC@example.org")


def test_an_office_belongs_to_a_municipality_not_a_district():
    office = new_office("RS-07")
    with pytest.raises(ValidationError) as error:
        office.full_clean()
    assert "area" in error.value.message_dict


def test_slug_of_a_cyrillic_only_name_is_not_empty():
    area = Area.objects.create(
        code="RS-TEST-CYR", name="Ђурђево", kind="municipality", parent=Area.objects.get(code="RS-07")
    )
    office = new_office("RS-TEST-CYR", name="Канцеларија")
    office.save()
    assert office.slug == "djurdjevo"
    assert area.search_text == "djurdjevo rs-test-cyr"


def test_database_refuses_an_appointment_that_ends_before_it_starts(office_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentFactory(office=office_a, started_on=date(2022, 3, 1), ended_on=date(2021, 3, 1))


def test_appointment_ending_before_it_starts_gets_a_message_on_the_end(office_a):
    appointment = AppointmentFactory.build(
        coordinator=CoordinatorFactory(), office=office_a, started_on=date(2022, 3, 1), ended_on=date(2021, 3, 1)
    )
    with pytest.raises(ValidationError) as error:
        appointment.full_clean()
    assert list(error.value.message_dict) == ["ended_on"]


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
    assert_refused_by_form_and_database(coordinator, "publish_phone")


def test_coordinator_search_ignores_script_and_diacritics():
    coordinator = Coordinator.objects.create(first_name="Đorđe", last_name="Šarčević")
    assert list(Coordinator.objects.search("ђорђе шарчевић")) == [coordinator]
    assert list(Coordinator.objects.search("DJORDJE SARCEVIC")) == [coordinator]
