"""A file that spells a stored name with less (no diacritics, other capitals, the other script) keeps the
stored spelling: the preview shows the field unchanged. A file that adds diacritics updates it, and an
e-mail address differing only by capitals is the stored one."""

import pytest
from django.urls import reverse

from offices.models import Coordinator, Office, OfficeStatus
from tests.imports.files import xlsx_file

pytestmark = pytest.mark.django_db

COORDINATORS = "/en" + reverse("admin:offices_coordinator_import").removeprefix("/sr")
OFFICES = reverse("admin:offices_office_import")
HEADER = ["ime", "prezime", "e-pošta"]


def preview_and_confirm(client, url, rows):
    """The preview's rows as (action, {field: (before, understood)} of the cells it changes, acknowledgements),
    after which the import is confirmed with the acknowledgement box ticked."""
    response = client.post(url, {"file": xlsx_file(rows)})
    preview = response.context["preview"]
    shown = [
        (row.action, {name: (cell.before, cell.shown) for name, cell in row.cells.items() if cell.before is not None},
         row.acknowledge)
        for row in preview.rows
    ]  # fmt: skip
    assert client.post(url, {"token": response.context["token"], "acknowledged": "1"}).status_code == 302
    return shown


@pytest.fixture
def dusan():
    return Coordinator.objects.create(first_name="Dušan", last_name="Đukić", email="dusan.djukic144@example.org")


def test_a_name_without_diacritics_and_an_e_mail_in_capitals_keep_the_stored_ones(staff_client, dusan):
    history = dusan.history.count()

    rows = preview_and_confirm(staff_client, COORDINATORS, [HEADER, ["Dusan", "Dukic", "Dusan.Djukic144@example.org"]])

    assert rows == [
        ("unchanged", {}, [
            "The e-mail dusan.djukic144@example.org belongs to Dušan Đukić, whom this row calls “Dusan Dukic” "
            "(đ, dj and d are read alike): the stored name is kept. If the row is about someone else, give them "
            "their own e-mail."
        ])
    ]  # fmt: skip
    dusan.refresh_from_db()
    assert (dusan.first_name, dusan.last_name, dusan.email) == ("Dušan", "Đukić", "dusan.djukic144@example.org")
    assert dusan.history.count() == history


@pytest.mark.parametrize("typed", [["DUŠAN", "ĐUKIĆ"], ["Dusan", "Djukic"], ["dušan", "đukić"], ["Душан", "Ђукић"]])
def test_capitals_dj_or_the_other_script_keep_the_stored_name_without_a_question(staff_client, dusan, typed):
    rows = preview_and_confirm(staff_client, COORDINATORS, [HEADER, [*typed, "dusan.djukic144@example.org"]])

    assert rows == [("unchanged", {}, [])]
    dusan.refresh_from_db()
    assert (dusan.first_name, dusan.last_name) == ("Dušan", "Đukić")


def test_a_name_with_diacritics_the_stored_one_lacks_updates_it(staff_client):
    person = Coordinator.objects.create(first_name="Dusan", last_name="Djukic", email="dusan.djukic144@example.org")

    rows = preview_and_confirm(staff_client, COORDINATORS, [HEADER, ["Dušan", "Đukić", "dusan.djukic144@example.org"]])

    assert rows == [("update", {"first_name": ("Dusan", "Dušan"), "last_name": ("Djukic", "Đukić")}, [])]
    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("Dušan", "Đukić")


def test_a_row_found_by_e_mail_under_another_name_still_asks_and_renames(staff_client):
    person = Coordinator.objects.create(first_name="Nađa", last_name="Đukić", email="nadja.djukic@example.org")

    rows = preview_and_confirm(staff_client, COORDINATORS, [HEADER, ["Nada", "Ilić", "nadja.djukic@example.org"]])

    assert rows == [
        ("update", {"last_name": ("Đukić", "Ilić")}, [
            "The e-mail nadja.djukic@example.org belongs to Nađa Đukić: this row renames that person. If the row "
            "is about someone else, give them their own e-mail."
        ])
    ]  # fmt: skip
    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("Nađa", "Ilić")  # the first name says less: kept


def test_an_office_row_without_diacritics_keeps_the_stored_name_and_address(staff_client, office_a):
    Office.objects.filter(pk=office_a.pk).update(name="Kancelarija za mlade Šabac", address="Cara Dušana 65")
    assert office_a.status == OfficeStatus.OPEN

    rows = preview_and_confirm(
        staff_client,
        OFFICES,
        [["opština", "naziv", "status", "adresa", "e-pošta"],
         ["Sabac", "KANCELARIJA ZA MLADE SABAC", "otvorena", "Cara Dusana 65", office_a.email.upper()]],
    )  # fmt: skip

    assert rows == [("unchanged", {}, [])]
    office_a.refresh_from_db()
    assert (office_a.name, office_a.address) == ("Kancelarija za mlade Šabac", "Cara Dušana 65")
