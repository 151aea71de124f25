"""The shared test data: a fixed today, factories that make valid rows, the four personas."""

import pytest
from django.utils import timezone

from tests.conftest import TODAY
from tests.factories import AppointmentFactory, MembershipFactory, OfficeFactory

pytestmark = pytest.mark.django_db


def test_today_is_the_suites_fixed_day():
    assert timezone.localdate() == TODAY


def test_each_office_takes_a_municipality_of_its_own():
    first, second = OfficeFactory(), OfficeFactory()
    first.full_clean()
    assert first.area != second.area
    assert first.name == f"Kancelarija za mlade {first.area.name}"


def test_an_appointment_brings_its_coordinator_and_office():
    appointment = AppointmentFactory()
    appointment.full_clean()
    assert list(appointment.office.appointments.all()) == [appointment]


def test_a_membership_takes_a_municipality_without_one():
    membership = MembershipFactory()
    membership.full_clean()
    assert membership.area.memberships.count() == 1
