"""factory_boy factories for the tests of every app: realistic Serbian data, no surprises.

Areas are never made up: the real geography is loaded once per test database (tests/conftest.py),
so factories look areas up. An office or a membership takes, by default, the first Serbian
municipality that has neither (in code order), so each saved one takes the next.
Dates are fixed, well before the suite's "today" (tests/conftest.py, TODAY).
"""

from datetime import date

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory, Password

from areas.models import Area
from offices.demo import FIRST_NAMES, LAST_NAMES
from offices.models import Appointment, Coordinator, Membership, Office, OfficeStatus
from portal.text import slugify


def area(code):
    """An area of the real geography, by its code ("RS-SABAC")."""
    return Area.objects.get(code=code)


def free_areas(count=4):
    """Serbian municipalities with no office in the demo data, in a fixed order."""
    return list(Area.objects.filter(path__startswith="RS/", kind="municipality", offices=None).order_by("code")[:count])


def free_municipality():
    """The first Serbian municipality with neither an office nor a membership."""
    return Area.objects.filter(path__startswith="RS/", kind="municipality", offices=None, memberships=None).earliest(
        "code"
    )


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"korisnik.{n}")
    password = Password("x")

    class Params:
        staff = factory.Trait(is_staff=True, is_superuser=True)


class CoordinatorFactory(DjangoModelFactory):
    class Meta:
        model = Coordinator

    first_name = factory.Iterator(FIRST_NAMES)
    last_name = factory.Iterator(LAST_NAMES)
    email = factory.LazyAttributeSequence(
        lambda coordinator, n: f"{slugify(coordinator.first_name)}.{slugify(coordinator.last_name)}.{n}@example.org"
    )

    class Params:
        with_account = factory.Trait(user=factory.SubFactory(UserFactory))


class OfficeFactory(DjangoModelFactory):
    class Meta:
        model = Office

    area = factory.LazyFunction(free_municipality)
    name = factory.LazyAttribute(lambda office: f"Kancelarija za mlade {office.area.name}")
    status = OfficeStatus.OPEN
    opened_on = date(2020, 5, 4)


class AppointmentFactory(DjangoModelFactory):
    class Meta:
        model = Appointment

    coordinator = factory.SubFactory(CoordinatorFactory)
    office = factory.SubFactory(OfficeFactory)
    started_on = date(2021, 3, 1)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    area = factory.LazyFunction(free_municipality)
    joined_on = date(2015, 2, 1)


def staff_with_permissions(username, *permissions):
    """A staff account (not a superuser) holding only `permissions` ("offices.change_office", …)."""
    from django.contrib.auth.models import Permission

    user = UserFactory(username=username, is_staff=True)
    wanted = {tuple(permission.split(".")) for permission in permissions}
    granted = [
        p for p in Permission.objects.select_related("content_type") if (p.content_type.app_label, p.codename) in wanted
    ]
    assert len(granted) == len(wanted), "a permission named here does not exist"
    user.user_permissions.set(granted)
    return user
