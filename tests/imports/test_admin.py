"""The admin's import pages: the preview staff read, confirming once, the batches and their undo."""

import html
import re

import pytest
from django.urls import reverse
from django.utils.translation import override

from imports.models import ImportBatch
from offices.importers import CoordinatorImport, MembershipImport, OfficeImport
from offices.models import Coordinator, Office
from portal.text import to_cyrillic
from tests.conftest import free_areas
from tests.factories import staff_with_permissions
from tests.imports.files import csv_file, latin_leftovers, xlsx_file

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
    link = reverse("admin:offices_office_change", args=[office_a.pk])
    assert f'kancelarija za mlade <a href="{link}">Kancelarija za mlade Šabac</a>' in response.text
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
    staff_client.get(reverse("admin:imports_importbatch_change", args=[batch.pk]))  # the content types cached
    with CaptureQueriesContext(connection) as listing:
        assert staff_client.get(reverse("admin:imports_importbatch_changelist")).status_code == 200
    with CaptureQueriesContext(connection) as page:
        response = staff_client.get(reverse("admin:imports_importbatch_change", args=[batch.pk]))
    link = reverse("admin:offices_office_change", args=[office_a.pk])
    assert f'<li>red 2: kancelarija za mlade <a href="{link}">{office_a.name}</a> (izmenjeno)</li>' in response.text
    assert (len(listing), len(page)) == (5, 7)


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
    link = reverse("admin:imports_importbatch_change", args=[batch.pk])
    assert f'<th class="field-import_name"><a href="{link}">Kancelarije za mlade</a></th>' in listing.text
    # The rows that added, changed and changed nothing, in one column whose header says which is which.
    assert "<span>Dodali / izmenili / bez izmena</span>" in listing.text
    assert '<td class="field-row_counts">0 / 1 / 0</td>' in listing.text
    assert '<div class="readonly">Kancelarije za mlade</div>' in page.text
    assert list(filtered.context["cl"].result_list) == [batch]


@pytest.mark.parametrize("people", [2, 6])
def test_the_batch_page_names_its_records_for_the_same_queries_whatever_their_number(staff_client, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from offices.importers import CoordinatorImport
    from tests.imports.files import run_import

    rows = [["Milica", f"Đurić {n}", f"milica.djuric.{n}@example.org", "Šabac", "01.02.2024", "zamenik"]
            for n in range(people)]  # fmt: skip
    batch = run_import(CoordinatorImport(), xlsx_file([["ime", "prezime", "e-pošta", "opština", "koordinator od",
                                                        "uloga"], *rows]))  # fmt: skip
    staff_client.get(reverse("admin:imports_importbatch_change", args=[batch.pk]))  # the content types cached
    with CaptureQueriesContext(connection) as page:
        response = staff_client.get(reverse("admin:imports_importbatch_change", args=[batch.pk]))
    items = re.findall(r"<li>(red \d+: .*?)</li>", response.text)
    first = Coordinator.objects.get(email="milica.djuric.0@example.org")
    appointment = first.appointments.get()
    assert [items[0], items[people]] == [
        f'red 2: koordinator <a href="{reverse("admin:offices_coordinator_change", args=[first.pk])}">'
        "Milica Đurić 0</a> (kreirano)",
        f'red 2: imenovanje <a href="{reverse("admin:offices_appointment_change", args=[appointment.pk])}">'
        f"Milica Đurić 0 – {appointment.office.name}</a> (kreirano)",
    ]
    assert len(items) == 2 * people
    assert len(page) == 10


def test_the_batch_page_names_a_record_deleted_since_as_the_import_wrote_it(staff_client):
    from tests.imports.files import run_import

    area = free_areas()[0]
    upload = xlsx_file([["opština", "naziv", "status", "otvorena"], [area.name, "Kancelarija za mlade Čoka",
                                                                      "otvorena", "01.03.2024"]])  # fmt: skip
    from offices.importers import OfficeImport

    batch = run_import(OfficeImport(), upload)
    office = Office.objects.get(area=area)
    office.status_changes.all().delete()
    office.delete()
    response = staff_client.get(reverse("admin:imports_importbatch_change", args=[batch.pk]))
    assert "<li>red 2: kancelarija za mlade Kancelarija za mlade Čoka (obrisan) (kreirano)</li>" in response.text
    assert (
        "promena statusa kancelarije Kancelarija za mlade Čoka – kancelarija je otvorena (01.03.2024.) (obrisan)"
        in response.text
    )


@pytest.mark.parametrize(
    ("language", "imported", "undone"),
    [
        ("sr-latn", "Uvoz br. {id}", "Poništavanje uvoza br. {id}"),
        ("sr", "Увоз бр. {id}", "Поништавање увоза бр. {id}"),
        ("en", "Import #{id}", "Undo of import #{id}"),
    ],
)
def test_the_history_page_names_an_import_and_its_undo_linked_to_the_batch(
    staff_client, office_a, language, imported, undone
):
    from django.utils import translation

    from imports.services import batch_undo
    from offices.importers import OfficeImport
    from tests.imports.files import importer_user, run_import

    upload = xlsx_file([["opština", "naziv", "status", "otvorena", "opis"],
                        ["Šabac", office_a.name, "otvorena", "24.01.2018", "Opis iz tabele"]])  # fmt: skip
    batch = run_import(OfficeImport(), upload)
    batch_undo(batch=batch, user=importer_user())
    with translation.override(language):
        link = reverse("admin:imports_importbatch_change", args=[batch.pk])
        page = staff_client.get(reverse("admin:offices_office_history", args=[office_a.pk]))
    assert f'<a href="{link}">{imported.format(id=batch.pk)}</a>' in page.text
    assert f'<a href="{link}">{undone.format(id=batch.pk)}</a>' in page.text
    assert f"import:{batch.pk}" not in page.text


def test_a_version_of_an_imported_record_still_opens(staff_client, office_a):
    from offices.importers import OfficeImport
    from tests.imports.files import run_import

    upload = xlsx_file([["opština", "naziv", "status", "otvorena", "opis"],
                        ["Šabac", office_a.name, "otvorena", "24.01.2018", "Opis iz tabele"]])  # fmt: skip
    run_import(OfficeImport(), upload)
    version = office_a.history.latest("history_id")
    url = reverse("admin:offices_office_simple_history", args=[office_a.pk, version.history_id])
    response = staff_client.get(url)
    assert response.status_code == 200
    assert "Opis iz tabele" in response.text


@pytest.mark.parametrize("imports", [1, 3])
def test_the_history_page_costs_the_same_queries_whatever_the_imports(staff_client, office_a, imports):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from offices.importers import OfficeImport
    from tests.imports.files import run_import

    for number in range(imports):
        upload = xlsx_file([["opština", "naziv", "status", "otvorena", "opis"],
                            ["Šabac", office_a.name, "otvorena", "24.01.2018", f"Opis {number}"]])  # fmt: skip
        run_import(OfficeImport(), upload)
    url = reverse("admin:offices_office_history", args=[office_a.pk])
    staff_client.get(url)  # the content types cached
    with CaptureQueriesContext(connection) as page:
        assert staff_client.get(url).status_code == 200
    assert len(page) == 5


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


def test_the_undo_page_counts_the_records_of_every_kind_the_import_created(staff_client, office_a):
    from offices.importers import OfficeImport
    from offices.models import OfficeStatusChange
    from tests.imports.files import run_import

    areas = free_areas()[:2]
    upload = xlsx_file([["opština", "naziv", "status", "otvorena", "opis"],
                        [areas[0].name, "Kancelarija za mlade Čoka", "otvorena", "01.03.2024", ""],
                        [areas[1].name, "Канцеларија за младе Ђала", "otvorena", "01.04.2024", ""],
                        ["Šabac", office_a.name, "otvorena", "24.01.2018", "Treći opis"]])  # fmt: skip
    batch = run_import(OfficeImport(), upload)
    steps = OfficeStatusChange.objects.filter(office__area__in=areas)  # the new offices' (a demo office is "Čoka" too)
    created = 2 + steps.count()  # the offices, and the steps their history starts with

    undo = staff_client.get("/en" + reverse("admin:imports_importbatch_undo", args=[batch.pk]))

    assert steps.count() >= 2
    text = f"deletes the records this import created ({created}) and restores the records it updated (1)"
    assert text in undo.text


@pytest.mark.parametrize(
    ("prefix", "words"),
    [
        ("", "Podaci su promenjeni posle pregleda: ništa nije upisano. Proverite novi pregled ispod."),
        ("/en", "The data changed since the preview: nothing was written. Check the new preview below."),
    ],
)
def test_a_record_changed_after_the_preview_is_not_overwritten_unseen(staff_client, office_a, prefix, words):
    url = prefix + reverse(URL)
    upload = xlsx_file([["opština", "naziv", "status", "otvorena", "opis"],
                        ["Šabac", office_a.name, "otvorena", "24.01.2018", "Opis iz tabele"]])  # fmt: skip
    token = staff_client.post(url, {"file": upload}).context["token"]
    Office.objects.filter(pk=office_a.pk).update(description="Opis koji je kolega upravo uneo")  # after the preview

    response = staff_client.post(url, {"token": token})

    assert response.status_code == 200
    assert words in response.context["preview"].file_errors
    assert ImportBatch.objects.count() == 0
    assert Office.objects.get(pk=office_a.pk).description == "Opis koji je kolega upravo uneo"


def _office_rows(office):
    return [
        ["opština", "naziv", "status", "otvorena", "opis"],
        ["Šabac", office.name, "otvorena", "24.01.2018", "Novi opis"],
    ]


def _office_state(office):
    office = Office.objects.get(pk=office.pk)
    return office.description, office.history.count(), ImportBatch.objects.count()


@pytest.mark.parametrize(
    "permissions",
    [(), ("offices.view_office",), ("offices.view_office", "offices.change_office")],
    ids=["none", "view", "change but not add"],
)
def test_staff_without_the_import_permissions_get_403_and_nothing_is_written(
    client, staff_client, office_a, permissions
):
    token = staff_client.post(reverse(URL), {"file": xlsx_file(_office_rows(office_a))}).context["token"]
    client.force_login(staff_with_permissions("marko.unos", *permissions))
    before = _office_state(office_a)

    page = client.get(reverse(URL))
    preview = client.post(reverse(URL), {"file": xlsx_file(_office_rows(office_a))})
    confirm = client.post(reverse(URL), {"token": token})

    assert (page.status_code, preview.status_code, confirm.status_code) == (403, 403, 403)
    assert _office_state(office_a) == before


def test_staff_with_the_import_permissions_preview_and_confirm(client, office_a):
    client.force_login(
        staff_with_permissions("marko.unos", "offices.view_office", "offices.add_office", "offices.change_office")
    )
    before = _office_state(office_a)

    preview = client.post(reverse(URL), {"file": xlsx_file(_office_rows(office_a))})
    confirm = client.post(reverse(URL), {"token": preview.context["token"]})

    assert confirm.status_code == 302
    assert _office_state(office_a) == ("Novi opis", before[1] + 1, before[2] + 1)


@pytest.mark.parametrize(
    "permissions",
    [("imports.view_importbatch",), ("imports.view_importbatch", "offices.change_office")],
    ids=["batches only", "change but not delete offices"],
)
def test_staff_without_the_undo_permissions_get_403_and_nothing_is_undone(client, staff_client, office_a, permissions):
    staff_client.post(
        reverse(URL),
        {"token": staff_client.post(reverse(URL), {"file": xlsx_file(_office_rows(office_a))}).context["token"]},
    )
    batch = ImportBatch.objects.get()
    client.force_login(staff_with_permissions("marko.unos", *permissions))
    undo = reverse("admin:imports_importbatch_undo", args=[batch.pk])
    before = _office_state(office_a)

    page, posted = client.get(undo), client.post(undo)

    assert (page.status_code, posted.status_code) == (403, 403)
    assert _office_state(office_a) == before == ("Novi opis", before[1], 1)
    batch.refresh_from_db()
    assert batch.undone_at is None


def test_staff_with_the_undo_permissions_undo_a_batch(client, staff_client, office_a):
    description = office_a.description
    staff_client.post(
        reverse(URL),
        {"token": staff_client.post(reverse(URL), {"file": xlsx_file(_office_rows(office_a))}).context["token"]},
    )
    batch = ImportBatch.objects.get()
    user = staff_with_permissions(
        "marko.unos", "imports.view_importbatch", "offices.change_office", "offices.delete_office"
    )
    client.force_login(user)

    response = client.post(reverse("admin:imports_importbatch_undo", args=[batch.pk]))

    assert response.status_code == 302
    batch.refresh_from_db()
    assert (Office.objects.get(pk=office_a.pk).description, batch.undone_by) == (description, user)


CYRILLIC_CASES = {
    "offices": (OfficeImport, [["opština", "naziv", "status"], ["Nigdegrad", "KZM Nigde", "otvorena"]]),
    "coordinators": (
        CoordinatorImport,
        [["ime", "prezime", "e-pošta", "godina rođenja"], ["Milan", "Nikolić", "milan@example.org", "nekad"]],
    ),
    "memberships": (MembershipImport, [["opština", "član od"], ["Nigdegrad", "nekad"]]),
}


@pytest.mark.parametrize("case", list(CYRILLIC_CASES))
def test_the_import_page_and_a_preview_with_an_error_row_are_in_cyrillic(staff_client, case):
    import_class, rows = CYRILLIC_CASES[case]
    model = import_class.write_order[0]._meta
    url = f"/sr/admin/{model.app_label}/{model.model_name}/import/"
    cells = [cell for row in rows for cell in row] + ["uvoz-proba.xlsx", "Tabela"]

    page = staff_client.get(url)
    preview = staff_client.post(url, {"file": xlsx_file(rows, name="uvoz-proba.xlsx")})

    assert (page.status_code, preview.status_code) == (200, 200)
    assert latin_leftovers(page.text, import_class) == []
    errors = [error for row in preview.context["preview"].rows for error in row.errors]
    assert errors and "token" not in preview.context
    assert all(re.search("[а-шА-Ш]", error) for error in errors)
    assert latin_leftovers(preview.text, import_class, cells) == []
    assert latin_leftovers(staff_client.get(url.removeprefix("/sr")).text, import_class) != []  # the check sees Latin


@pytest.mark.parametrize(
    ("prefix", "summary"),
    [
        ("", "Dodato: kancelarije za mlade (3), promene statusa kancelarije (3). Izmenjeno: 0."),
        ("/sr", "Додато: канцеларије за младе (3), промене статуса канцеларије (3). Измењено: 0."),
        ("/en", "Added: youth offices (3), office status changes (3). Changed: 0."),
    ],
)
def test_the_batch_page_counts_what_it_added_by_kind_as_it_lists_them(staff_client, prefix, summary):
    from tests.imports.files import run_import

    areas = free_areas()[:3]
    rows = [[area.name, f"Kancelarija za mlade {area.name}", "otvorena", "01.02.2024"] for area in areas]
    batch = run_import(OfficeImport(), xlsx_file([["opština", "naziv", "status", "otvorena"], *rows]))

    page = staff_client.get(prefix + reverse("admin:imports_importbatch_change", args=[batch.pk])).text

    assert re.findall(r'<div class="readonly"><p>(.*?)</p>', page) == [summary]
    assert len(re.findall(r"<li>[^<]*\d+: ", page)) == 6


@pytest.mark.parametrize(
    ("reason", "shown"),
    [
        ("import:12", '<a href="/admin/imports/importbatch/12/change/">Uvoz br. 12</a>'),
        ("undo:12", '<a href="/admin/imports/importbatch/12/change/">Poništavanje uvoza br. 12</a>'),
        ("proposal:7", '<a href="/admin/offices/officechangeproposal/7/change/">Predlog izmena br. 7</a>'),
        ("ispravka: pogrešan datum 3:4", "ispravka: pogrešan datum 3:4"),
        ("nepoznato:5", "nepoznato:5"),
        ("import:12 ", "import:12 "),
        (None, ""),
    ],
)
def test_a_change_reason_is_read_in_one_place_for_imports_and_other_apps(db, reason, shown):
    from imports.admin import change_reason_display

    assert str(change_reason_display(reason)) == shown


IMPORT_PAGES = [
    "admin:offices_office_import",
    "admin:offices_coordinator_import",
    "admin:offices_membership_import",
    "admin:trainings_enrolment_import",
    "admin:trainings_attendance_import",
]
COLUMNS_SENTENCE = {
    "": "Zaglavlja kolona u datoteci, u jednom redu (iznad njega mogu biti naslov ili prazni redovi; * označava obaveznu kolonu):",
    "/sr": "Заглавља колона у датотеци, у једном реду (изнад њега могу бити наслов или празни редови; * означава обавезну колону):",
    "/en": "The file's column headers, in one row (a title or blank rows may stand above it; * marks a required column):",
}


def listed_headers(page):
    paragraph = page.split('<p class="help import-columns">', 1)[1].split("</p>", 1)[0]
    return html.unescape(paragraph.split(":", 1)[0]).strip(), re.findall(r"<code>([^<]+)</code>(\*?)", paragraph)


@pytest.mark.parametrize("prefix", list(COLUMNS_SENTENCE))
@pytest.mark.parametrize("name", IMPORT_PAGES)
def test_every_import_page_names_the_files_column_headers_in_the_pages_script(staff_client, name, prefix):
    with override("sr-latn"):
        response = staff_client.get(prefix + reverse(name))

    sentence, headers = listed_headers(response.text)
    columns = response.context["columns"]
    expected = [(to_cyrillic(c.header) if prefix == "/sr" else c.header, "*" if c.required else "") for c in columns]
    assert response.templates[0].name == "imports/import.html"
    assert sentence + ":" == COLUMNS_SENTENCE[prefix]
    assert headers == expected


def test_the_cyrillic_headers_the_page_lists_are_read_as_the_files_header(staff_client):
    with override("sr-latn"):
        url = "/sr" + reverse(URL)
    _sentence, headers = listed_headers(staff_client.get(url).text)
    upload = xlsx_file([[header for header, _required in headers], ["Нигдеград", "КЗМ Нигде", "отворена"]])

    response = staff_client.post(url, {"file": upload})

    preview = response.context["preview"]
    assert [header for header, _required in headers][:3] == ["општина", "назив", "статус"]
    assert (preview.header_row, [column.header for column in preview.present][:3]) == (
        1,
        ["opština", "naziv", "status"],
    )


def test_a_cyrillic_preview_names_our_columns_in_cyrillic_and_the_files_own_headers_as_typed(staff_client):
    url = "/sr/admin/offices/office/import/"
    rows = [
        ["opština", "naziv", "status", "otvorena", "telefonn"],
        ["Nigdegrad", "KZM Nigde", "otvorenaa", "nekad", ""],
    ]

    preview = staff_client.post(url, {"file": xlsx_file(rows)})
    missing = staff_client.post(url, {"file": xlsx_file([["opština", "status"], ["Šabac", "otvorena"]])})

    row = preview.context["preview"].rows[0]
    assert [error.split(":")[0] for error in row.errors] == ["општина", "статус", "отворена"]
    assert "<p>Колоне са грешкама: „општина“ (1), „статус“ (1), „отворена“ (1)</p>" in preview.text
    assert [str(note) for note in preview.context["preview"].notes] == [
        "Колона „telefonn“ се не увози (да ли сте мислили на „телефон“?)."
    ]  # the file's own header as it has it, ours in Cyrillic
    assert '<th scope="col">општина</th><th scope="col">назив</th><th scope="col">статус</th>' in preview.text
    assert missing.context["preview"].file_errors == ["Недостаје колона „назив“."]
    assert missing.context["preview"].notes == ["Колоне пронађене у датотеци: „opština“, „status“."]
