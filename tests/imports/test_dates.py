"""Dates as files and people write them: the import reads them, and the admin's date fields take the same."""

from datetime import date, datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from imports.columns import DateColumn
from offices.models import Membership
from tests.conftest import free_areas
from tests.imports.files import csv_file, xlsx_file

TYPED = [
    "24-01-2018",
    "2018.01.24",
    "2018.01.24.",
    "24.01.2018 00:00:00",
    "24.01.2018. 00:00",
    "2018-01-24 00:00:00",
    "24/01/2018 00:00",
]
WITH_TIME = ["24.01.2018 13:00:00", "24.01.2018. 00:30", "2018-01-24 00:00:01"]


@pytest.mark.parametrize("typed", TYPED)
def test_the_import_reads_a_date_with_dashes_year_first_with_dots_or_with_a_midnight_time(typed):
    with translation.override("en"):
        assert DateColumn("d", "datum").read(typed, None) == (date(2018, 1, 24), "24 Jan 2018", [])


@pytest.mark.parametrize("typed", [*WITH_TIME, datetime(2018, 1, 24, 9, 30), 43124.5])
def test_a_date_with_another_time_of_day_is_refused_clearly(typed):
    shown = {datetime(2018, 1, 24, 9, 30): "2018-01-24 09:30:00"}.get(typed, str(typed))
    with translation.override("en"), pytest.raises(ValidationError) as error:
        DateColumn("d", "datum").read(typed, None)
    assert error.value.messages == [f"{shown} holds a time of day: give the date alone (dd.mm.yyyy)."]


def test_a_midnight_date_cell_of_a_workbook_is_read_as_its_day():
    with translation.override("en"):
        assert DateColumn("d", "datum").read(datetime(2018, 1, 24), None)[0] == date(2018, 1, 24)


@pytest.mark.parametrize("language", ["sr-latn", "sr", "en"])
@pytest.mark.parametrize("typed", ["24.1.2018.", "24.01.2018", "2018-01-24", *TYPED])
def test_the_admins_date_fields_take_what_the_import_reads(language, typed):
    with translation.override(language):
        assert forms.DateField().clean(typed) == date(2018, 1, 24)


@pytest.mark.parametrize("language", ["sr-latn", "sr", "en"])
@pytest.mark.parametrize("typed", WITH_TIME)
def test_the_admins_date_fields_refuse_another_time_of_day(language, typed):
    with translation.override(language), pytest.raises(ValidationError):
        forms.DateField().clean(typed)


@pytest.mark.django_db
def test_a_membership_file_with_such_dates_is_previewed_and_written(client, staff_user):
    area, other = free_areas()[:2]
    Membership.objects.filter(area__in=[area, other]).delete()
    client.force_login(staff_user)
    url = reverse("admin:offices_membership_import")
    upload = csv_file([["opština", "učlanjena", "istupila"], [area.name, "24-01-2018", "2018.12.31"],
                       [other.name, "24.01.2018 00:00:00", "24.01.2019. 00:00"]])  # fmt: skip
    response = client.post(url, {"file": upload})
    assert [row.errors for row in response.context["preview"].rows] == [[], []]
    client.post(url, {"token": response.context["token"]})
    assert list(Membership.objects.filter(area__in=[area, other]).order_by("area__name").values_list(
        "area__name", "joined_on", "left_on")) == sorted([
        (area.name, date(2018, 1, 24), date(2018, 12, 31)), (other.name, date(2018, 1, 24), date(2019, 1, 24))])  # fmt: skip

    timed = xlsx_file([["opština", "učlanjena"], [area.name, datetime(2020, 3, 1, 14, 5)]])
    preview = client.post(url, {"file": timed}).context["preview"]
    assert preview.rows[0].errors == [
        "učlanjena: 2020-03-01 14:05:00 sadrži doba dana: upišite samo datum (dd.mm.gggg)."
    ]
