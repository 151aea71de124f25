"""The admin's import pages: the preview staff read, confirming once, the batches and their undo."""

import re

import pytest
from django.urls import reverse

from imports.models import ImportBatch
from offices.models import Coordinator, Office
from tests.conftest import free_areas
from tests.imports.files import csv_file, xlsx_file

pytestmark = pytest.mark.django_db

URL = "admin:offices_office_import"


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_a_thousand_rows_with_one_error_lead_to_it_in_one_click(staff_client):
    rows = [["Milica", f"Petrović {n}", f"milica.{n}@example.org", 1990] for n in range(999)]
    rows.insert(700, ["Milan", "Nikolić", "milan@example.org", "nekad"])
    upload = xlsx_file([["Spisak koordinatora"], [], ["ime", "prezime", "e-pošta", "godina rođenja"], *rows])
    response = staff_client.post(reverse("admin:offices_coordinator_import"), {"file": upload})
    preview = response.context["preview"]
    assert len(preview.rows) == 1000
    assert [row.number for row in preview.error_rows] == [704]
    summary = response.text.split('id="import-errors"')[1].split("</div>")[0]
    assert re.findall(r'href="#(row-\d+)"', summary) == ["row-704"]
    assert 'id="row-704" class="row-error' in response.text
    assert "„godina rođenja“ (1)" in summary
    assert 'id="only-errors"' in response.text
    assert "List „Tabela“, zaglavlje u redu 3." in response.text
    assert "token" not in response.context


def test_the_error_column_comes_right_after_the_row_number(staff_client):
    upload = xlsx_file([["opština", "naziv", "status"], ["Nigdegrad", "KZM", "otvorena"]])
    response = staff_client.post(reverse(URL), {"file": upload})
    head = response.text.split('<table id="import-preview">')[1].split("</tr>")[0]
    assert re.findall(r"<th scope=\"col\">([^<]+)</th>", head)[:3] == ["Red", "Greške i upozorenja", "Radnja"]


def test_confirm_writes_once_and_the_second_confirm_is_told_it_was_imported(staff_client, staff_user):
    area = free_areas()[0]
    upload = xlsx_file([["opština", "naziv", "status", "otvorena"], [area.name, "KZM", "otvorena", "01.03.2024"]])
    token = staff_client.post(reverse(URL), {"file": upload}).context["token"]
    first = staff_client.post(reverse(URL), {"token": token})
    batch = ImportBatch.objects.get()
    assert first.url == reverse("admin:imports_importbatch_change", args=[batch.pk])
    second = staff_client.post(reverse(URL), {"token": token}, follow=True)
    assert f"Ova datoteka je već uvezena (paket {batch.pk}): ništa nije upisano dvaput." in second.text
    assert Office.objects.filter(area=area).count() == 1
    assert (batch.user, batch.file_name, batch.created_count, len(batch.file_sha256)) == (
        staff_user, "tabela.xlsx", 1, 64,
    )  # fmt: skip


def test_a_rename_needs_the_acknowledgement_box(staff_client, coordinator_a):
    url = reverse("admin:offices_coordinator_import")
    upload = xlsx_file([["ime", "prezime", "e-pošta"], ["Marija", "Drugačija", coordinator_a.email]])
    response = staff_client.post(url, {"file": upload})
    assert 'name="acknowledged"' in response.text
    token = response.context["token"]
    again = staff_client.post(url, {"token": token})
    assert again.status_code == 200 and again.context["token"] == token
    assert Coordinator.objects.get(pk=coordinator_a.pk).last_name == coordinator_a.last_name
    staff_client.post(url, {"token": token, "acknowledged": "1"})
    assert Coordinator.objects.get(pk=coordinator_a.pk).last_name == "Drugačija"


def test_staff_see_the_batches_and_undo_one(staff_client, office_a):
    upload = xlsx_file([["opština", "naziv", "status", "otvorena", "opis"],
                        ["Šabac", office_a.name, "otvorena", "24.01.2018", "Novi opis"]])  # fmt: skip
    staff_client.post(reverse(URL), {"token": staff_client.post(reverse(URL), {"file": upload}).context["token"]})
    batch = ImportBatch.objects.get()
    listing = staff_client.get(reverse("admin:imports_importbatch_changelist"))
    assert list(listing.context["cl"].result_list) == [batch]
    page = staff_client.get(reverse("admin:imports_importbatch_change", args=[batch.pk]))
    assert reverse("admin:imports_importbatch_undo", args=[batch.pk]) in page.text
    staff_client.post(reverse("admin:imports_importbatch_undo", args=[batch.pk]))
    office_a.refresh_from_db()
    assert office_a.description != "Novi opis"


def test_an_undo_that_is_refused_lists_the_changed_records(staff_client, office_a):
    upload = xlsx_file([["opština", "naziv", "status", "otvorena", "opis"],
                        ["Šabac", office_a.name, "otvorena", "24.01.2018", "Novi opis"]])  # fmt: skip
    staff_client.post(reverse(URL), {"token": staff_client.post(reverse(URL), {"file": upload}).context["token"]})
    office_a.refresh_from_db()
    office_a.working_hours = "nedeljom"
    office_a.save()
    batch = ImportBatch.objects.get()
    response = staff_client.post(reverse("admin:imports_importbatch_undo", args=[batch.pk]))
    assert "kancelarija za mlade Kancelarija za mlade Šabac" in response.text
    office_a.refresh_from_db()
    assert office_a.description == "Novi opis"


def test_staff_undo_an_import_that_closed_an_office(staff_client, office_a):
    upload = xlsx_file([["opština", "naziv", "status", "otvorena", "zatvorena"],
                        ["Šabac", office_a.name, "zatvorena", "24.01.2018", "30.09.2025"]])  # fmt: skip
    staff_client.post(reverse(URL), {"token": staff_client.post(reverse(URL), {"file": upload}).context["token"]})
    batch = ImportBatch.objects.get()
    url = reverse("admin:imports_importbatch_undo", args=[batch.pk])
    assert "Promene statusa kancelarija koje je uvoz zabeležio povlače se" in staff_client.get(url).text
    staff_client.post(url)
    office_a.refresh_from_db()
    assert (office_a.status, office_a.closed_on) == ("open", None)


def test_the_batches_are_for_staff_only(client, coordinator_a):
    client.force_login(coordinator_a.user)
    response = client.get(reverse("admin:imports_importbatch_changelist"))
    assert response.status_code == 302


@pytest.mark.parametrize("batches", [1, 3])
def test_the_batch_pages_cost_the_same_queries_whatever_the_batches(staff_client, office_a, batches):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from offices.importers import OfficeImport
    from tests.imports.files import run_import

    for number in range(batches):
        rows = [
            ["opština", "naziv", "status", "otvorena", "opis"],
            ["Šabac", office_a.name, "otvorena", "24.01.2018", f"Opis {number}"],
        ]
        batch = run_import(OfficeImport(), xlsx_file(rows))
    with CaptureQueriesContext(connection) as listing:
        assert staff_client.get(reverse("admin:imports_importbatch_changelist")).status_code == 200
    with CaptureQueriesContext(connection) as page:
        response = staff_client.get(reverse("admin:imports_importbatch_change", args=[batch.pk]))
    assert f"<li>red 2: kancelarija za mlade {office_a.pk} (izmenjeno)</li>" in response.text
    assert (len(listing), len(page)) == (5, 6)


def test_the_counts_leave_out_rows_with_errors(staff_client, office_a):
    upload = xlsx_file([
        ["Spisak kancelarija za mlade"], [],
        ["opština", "naziv", "status", "otvorena", "adresa"],
        ["Sabac", office_a.name, "otvorena", 43124, "Karađorđeva 5"],
        ["Arandelovac", "Kancelarija za mlade Aranđelovac", "otvorena", "31.02.2020", "Knjaza Miloša 12"],
    ])  # fmt: skip
    text = " ".join(staff_client.post(reverse(URL), {"file": upload}).text.split())
    assert "Pročitana su 2 reda: za dodavanje: 0, za izmenu: 1, bez izmena: 0." in text
    assert "1 red ima greške: ništa neće biti upisano dok se datoteka ne ispravi." in text


def test_an_error_of_the_row_rule_is_shown_under_its_column(staff_client, coordinator_a):
    upload = csv_file([
        ["Spisak koordinatora;;;;"], [";;;;"],
        ["Ime", "Prezime", "E-pošta", "Opština", "Koordinator od"],
        [coordinator_a.first_name, coordinator_a.last_name, coordinator_a.email, "Sabac", ""],
    ], delimiter=";")  # fmt: skip
    response = staff_client.post(reverse("admin:offices_coordinator_import"), {"file": upload})
    summary = response.text.split('id="import-errors"')[1].split("</div>")[0]
    assert "Kolone sa greškama: „koordinator od“ (1)" in summary
    assert 'id="row-4" class="row-error' in response.text
    assert response.context["preview"].error_rows[0].errors == ["koordinator od: Unesite datum početka imenovanja."]


def test_a_row_error_of_no_column_leaves_out_the_columns_line(staff_client):
    area = free_areas()[0]
    row = [area.name, "KZM", "zatvorena", "24.1.2010.", "1.3.2014."]
    upload = xlsx_file([["opština", "naziv", "status", "otvorena", "zatvorena"], row, row])
    response = staff_client.post(reverse(URL), {"file": upload})
    summary = response.text.split('id="import-errors"')[1].split("</div>")[0]
    assert "Kolone sa greškama" not in summary
    assert re.findall(r'href="#(row-\d+)"', summary) == ["row-3"]


def test_the_batches_name_the_import_as_staff_know_it(staff_client, office_a):
    upload = xlsx_file([["opština", "naziv", "status", "otvorena", "opis"],
                        ["Šabac", office_a.name, "otvorena", "24.01.2018", "Novi opis"]])  # fmt: skip
    staff_client.post(reverse(URL), {"token": staff_client.post(reverse(URL), {"file": upload}).context["token"]})
    batch = ImportBatch.objects.get()
    listing = staff_client.get(reverse("admin:imports_importbatch_changelist"))
    page = staff_client.get(reverse("admin:imports_importbatch_change", args=[batch.pk]))
    filtered = staff_client.get(reverse("admin:imports_importbatch_changelist"), {"importer": batch.importer})
    assert batch.importer == "offices.importers.OfficeImport"
    assert re.findall(r">[^<]*offices\.importers", listing.text + page.text) == []  # in no text, only in links
    assert '<td class="field-import_name">Kancelarije za mlade</td>' in listing.text
    assert '<div class="readonly">Kancelarije za mlade</div>' in page.text
    assert list(filtered.context["cl"].result_list) == [batch]


def test_import_and_undo_pages_count_one_record_in_words_that_fit(staff_client, office_a):
    upload = xlsx_file([["opština", "naziv", "status", "otvorena", "opis"],
                        ["Šabac", office_a.name, "otvorena", "24.01.2018", "Drugi opis"]])  # fmt: skip
    token = staff_client.post(reverse(URL), {"file": upload}).context["token"]

    done = staff_client.post(reverse(URL), {"token": token}, follow=True)

    assert [str(message) for message in done.context["messages"]] == [
        "Uvezen je 1 red (dodato: 0, izmenjeno: 1, bez izmena: 0)."
    ]
    batch = ImportBatch.objects.get()
    undo = staff_client.get("/en" + reverse("admin:imports_importbatch_undo", args=[batch.pk]))
    assert "deletes the records this import created (0) and restores the records it updated (1)" in undo.text
