"""The membership import through the admin's pages: what the preview can see is a row's error there, never the
database's refusal on confirming; memberships of one municipality do not overlap (Membership.clean()'s rule)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import override

from imports.importers import ImportFailed
from imports.models import ImportBatch
from offices.importers import MembershipImport
from offices.models import Membership
from portal.text import to_cyrillic
from tests.conftest import free_areas
from tests.imports.files import csv_file, read, run_rows, xlsx_file

pytestmark = pytest.mark.django_db

URL = "admin:offices_membership_import"
HEADER = ["opština", "učlanjena", "istupila", "napomena"]


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def areas():
    found = free_areas()[:3]
    Membership.objects.filter(area__in=found).delete()
    return found


def preview_of(client, upload, language=""):
    url = reverse(URL)
    if language:
        with override(language):
            url = reverse(URL)
    return client.post(url, {"file": upload})


def test_a_membership_left_before_it_was_joined_is_a_row_error_in_the_preview(staff_client, areas):
    upload = xlsx_file([HEADER, [areas[0].name, "1.1.2020", "31.12.2019", ""]])
    response = preview_of(staff_client, upload)
    preview = response.context["preview"]
    assert preview.rows[0].errors == ["istupila: Članstvo ne može da se završi pre nego što počne."]
    assert preview.rows[0].cells["left_on"].error == "Članstvo ne može da se završi pre nego što počne."
    assert "token" not in response.context

    cyrillic = preview_of(staff_client, csv_file([HEADER, [areas[0].name, "1.1.2020", "31.12.2019", ""]]), "sr")
    assert cyrillic.context["preview"].rows[0].errors == [
        to_cyrillic("istupila: Članstvo ne može da se završi pre nego što počne.")
    ]


def test_a_membership_overlapping_a_stored_one_is_refused(staff_client, areas):
    Membership.objects.create(area=areas[0], joined_on=date(2016, 1, 1))
    upload = xlsx_file([HEADER, [areas[0].name, "01.01.2010", "31.12.2017", ""]])
    preview = preview_of(staff_client, upload).context["preview"]
    assert preview.rows[0].errors == [
        f"učlanjena: {areas[0].name} već ima članstvo od 01.01.2016. do danas: članstva jedne lokalne samouprave "
        "ne mogu da se preklapaju."
    ]


def test_two_rows_of_one_file_that_overlap_are_both_refused(staff_client, areas):
    upload = csv_file(
        [HEADER, [areas[1].name, "01.01.2020", "31.12.2020", ""], [areas[1].name, "01.06.2020", "", ""],
         [areas[2].name, "01.01.2020", "31.12.2020", ""], [areas[2].name, "01.01.2021", "", ""]]
    )  # fmt: skip
    preview = preview_of(staff_client, upload).context["preview"]
    name = areas[1].name
    assert [row.errors for row in preview.rows] == [
        [f"učlanjena: {name} već ima članstvo od 01.06.2020. do danas: članstva jedne lokalne samouprave ne mogu da "
         "se preklapaju.", "To članstvo je red 3 ove datoteke."],
        [f"učlanjena: {name} već ima članstvo od 01.01.2020. do 31.12.2020.: članstva jedne lokalne samouprave ne "
         "mogu da se preklapaju.", "To članstvo je red 2 ove datoteke."],
        [],
        [],
    ]  # fmt: skip
    assert not Membership.objects.filter(area=areas[1]).exists()


def test_a_row_that_ends_a_stored_membership_makes_room_for_the_next(staff_client, areas):
    Membership.objects.create(area=areas[0], joined_on=date(2016, 1, 1))
    upload = csv_file([HEADER, [areas[0].name, "01.01.2019", "", ""], [areas[0].name, "01.01.2016", "31.12.2018", ""]])
    response = preview_of(staff_client, upload)
    assert [row.errors for row in response.context["preview"].rows] == [[], []]
    staff_client.post(reverse(URL), {"token": response.context["token"]})
    assert list(Membership.objects.filter(area=areas[0]).order_by("joined_on").values_list("joined_on", "left_on")) == [
        (date(2016, 1, 1), date(2018, 12, 31)),
        (date(2019, 1, 1), None),
    ]


def test_the_admin_form_refuses_an_overlapping_membership(staff_client, areas):
    Membership.objects.create(area=areas[0], joined_on=date(2016, 1, 1), left_on=date(2018, 12, 31))
    response = staff_client.post(
        reverse("admin:offices_membership_add"),
        {"area": areas[0].pk, "joined_on": "01.01.2018", "left_on": "", "note": ""},
    )
    assert response.context["adminform"].form.errors == {
        "joined_on": [f"{areas[0].name} već ima članstvo od 01.01.2016. do 31.12.2018.: članstva jedne lokalne "
                      "samouprave ne mogu da se preklapaju."]
    }  # fmt: skip
    assert Membership.objects.filter(area=areas[0]).count() == 1


@pytest.mark.parametrize("size", [2, 40])
def test_the_membership_preview_costs_the_same_queries_whatever_the_rows(areas, size):
    rows = [[areas[n % 3].name, f"01.01.{1980 + n}", f"31.12.{1980 + n}", ""] for n in range(size)]
    importer = MembershipImport()
    table = read(importer, csv_file([HEADER, *rows]))
    with CaptureQueriesContext(connection) as queries:
        preview = importer.preview(table)
    assert preview.ok
    assert len(queries) == 2  # the areas, the memberships


class Unchecked(MembershipImport):
    """A declaration that forgot its rules: what reaches the database is refused there."""

    def check_row(self, row):
        from imports.importers import Save

        row.saves.append(Save(Membership(area=self.given(row, "area"), joined_on=self.given(row, "joined_on"),
                                         left_on=self.given(row, "left_on")), True))  # fmt: skip

    def check_saves(self, row):
        pass


def test_a_refusal_by_the_database_names_the_rule_and_the_row_and_writes_nothing(areas):
    rows = [[areas[0].name, date(2020, 1, 1), None, ""], [areas[1].name, date(2020, 1, 1), date(2019, 12, 31), ""]]
    with pytest.raises(ImportFailed) as failed:
        run_rows(Unchecked(), HEADER, rows)
    assert failed.value.preview.file_errors == [
        "Ništa nije upisano: baza podataka je odbila red 3: Članstvo ne može da se završi pre nego što počne."
    ]
    assert not Membership.objects.filter(area__in=areas).exists()
    assert not ImportBatch.objects.exists()


def test_a_uniqueness_refused_by_the_database_is_said_in_the_users_language(areas):
    rows = [[areas[0].name, date(2020, 1, 1), None, ""], [areas[0].name, date(2021, 1, 1), None, ""]]
    with override("sr"), pytest.raises(ImportFailed) as failed:
        run_rows(Unchecked(), HEADER, rows)
    assert failed.value.preview.file_errors == [
        to_cyrillic(
            "Ništa nije upisano: baza podataka je odbila zapis: Ova jedinica lokalne samouprave je već članica."
        )
    ]
    assert not Membership.objects.filter(area__in=areas).exists()
