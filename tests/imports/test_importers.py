"""The framework's promises, through the offices' and coordinators' declarations and real files."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from imports.importers import ImportFailed
from imports.models import ImportRecord
from offices.importers import CoordinatorImport, OfficeImport
from offices.models import Coordinator, Office
from tests.imports.files import csv_file, importer_user, read, run_import, xlsx_file

pytestmark = pytest.mark.django_db

HEADER = ["opština", "naziv", "status", "otvorena", "e-pošta", "telefon", "radno vreme", "opis"]


@pytest.fixture
def sabac(office_a):
    office_a.email, office_a.phone, office_a.working_hours = "kzm@sabac.org", "015 350 000", "pon–pet 9–17"
    office_a.description = "Kancelarija u centru grada."
    office_a.save()
    return office_a


def sabac_row(**changes):
    cells = {"opština": "Sabac", "naziv": "Kancelarija za mlade Šabac", "status": "otvorena",
             "otvorena": "24.01.2018", "e-pošta": "", "telefon": "", "radno vreme": "", "opis": ""}  # fmt: skip
    cells.update(changes)
    return [cells[name] for name in HEADER]


def preview_of(importer, upload):
    with translation.override("en"):
        return importer.preview(read(importer, upload))


def test_an_empty_cell_keeps_the_stored_value(sabac):
    run_import(OfficeImport(), xlsx_file([HEADER, sabac_row(**{"radno vreme": "pon–sub 9–17"})]))
    sabac.refresh_from_db()
    assert (sabac.email, sabac.phone, sabac.working_hours, sabac.description) == (
        "kzm@sabac.org", "015 350 000", "pon–sub 9–17", "Kancelarija u centru grada.",
    )  # fmt: skip


def test_empty_cells_clear_values_when_the_user_chooses_so(sabac):
    run_import(OfficeImport(clear_empty=True), xlsx_file([HEADER, sabac_row(**{"radno vreme": "pon–sub 9–17"})]))
    sabac.refresh_from_db()
    assert (sabac.email, sabac.phone, sabac.working_hours, sabac.description) == ("", "", "pon–sub 9–17", "")


def test_the_preview_shows_each_change_before_and_after_and_what_a_cell_was_understood_as(sabac):
    preview = preview_of(OfficeImport(), csv_file([HEADER, sabac_row(**{"radno vreme": "pon–sub 9–17"})]))
    (row,) = preview.rows
    assert (row.action, row.errors) == ("update", [])
    changed = {name: (cell.before, cell.shown) for name, cell in row.cells.items() if cell.before is not None}
    assert changed == {"working_hours": ("pon–pet 9–17", "pon–sub 9–17")}
    assert (row.cells["area"].typed, row.cells["area"].shown, row.cells["area"].understood_differently) == (
        "Sabac", "Šabac", True,
    )  # fmt: skip


def test_a_serial_date_is_shown_as_the_date_it_is(sabac):
    preview = preview_of(OfficeImport(), xlsx_file([HEADER, sabac_row(otvorena=43124)]))
    cell = preview.rows[0].cells["opened_on"]
    assert (cell.typed, cell.shown, preview.rows[0].action) == ("43124", "24 Jan 2018", "unchanged")


def test_an_unchanged_row_is_shown_as_unchanged_and_not_written(sabac):
    before = sabac.history.count()
    batch = run_import(OfficeImport(), xlsx_file([HEADER, sabac_row(telefon="015 350 000")]))
    assert (batch.rows, batch.created_count, batch.updated_count, batch.unchanged_count) == (1, 0, 0, 1)
    assert sabac.history.count() == before
    assert batch.records.count() == 0


def test_a_phone_typed_as_a_number_warns_of_a_lost_leading_zero(sabac):
    preview = preview_of(OfficeImport(), xlsx_file([HEADER, sabac_row(telefon=15350000)]))
    assert preview.rows[0].warnings == [
        "telefon: The cell holds the number 15350000: a leading zero may have been lost. Type the phone as text."
    ]


def test_a_batch_records_who_which_file_and_what_it_touched(sabac):
    from tests.conftest import free_areas

    area = free_areas()[0]
    upload = xlsx_file([HEADER, sabac_row(opis="Novi opis."), [area.name, "KZM nova", "otvorena", "01.03.2024"]])
    batch = run_import(OfficeImport(), upload)
    new = Office.objects.get(area=area)
    assert (batch.user, batch.file_name, batch.importer) == (
        importer_user(), "tabela.xlsx", "offices.importers.OfficeImport",
    )  # fmt: skip
    assert (batch.rows, batch.created_count, batch.updated_count, batch.unchanged_count) == (2, 1, 1, 0)
    assert list(batch.records.filter(content_type__model="office").values_list("row", "object_id", "action")) == [
        (2, sabac.pk, ImportRecord.Action.UPDATED),
        (3, new.pk, ImportRecord.Action.CREATED),
    ]
    assert new.history.get().history_user == importer_user()
    assert new.slug == new.area.name.lower().replace(" ", "-")
    assert new.search_text == f"kzm nova {new.area.search_text} {new.area.parent.search_text}"


def test_two_duplicated_rows_of_a_closed_office_never_make_two_offices():
    from tests.conftest import free_areas

    area = free_areas()[0]
    row = [area.name, "KZM stara", "zatvorena", "01.03.2016", "", "", "", ""]
    header = [*HEADER[:4], "zatvorena", *HEADER[5:]]
    row[4] = "31.12.2019"
    upload = csv_file([header, row, row])
    before = Office.objects.count()
    with pytest.raises(ImportFailed) as failure, translation.override("en"):
        run_import(OfficeImport(), upload)
    assert failure.value.preview.rows[1].errors == [
        "Row 2 is about this office already (the same municipality, name and opening date): "
        "an import never creates two offices for one."
    ]
    assert Office.objects.count() == before


def test_a_person_matched_by_e_mail_under_another_name_must_be_acknowledged(coordinator_a):
    phone = coordinator_a.phone
    upload = csv_file([["ime", "prezime", "e-pošta", "telefon"], ["Marija", "Drugačija", coordinator_a.email, ""]])
    with translation.override("en"):
        preview = OfficeImport and CoordinatorImport().preview(read(CoordinatorImport(), upload))
    assert preview.rows[0].acknowledge == [
        f"The e-mail {coordinator_a.email} belongs to {coordinator_a.full_name}: this row renames that person. "
        "If the row is about someone else, give them their own e-mail."
    ]
    upload.seek(0)
    with pytest.raises(ImportFailed):
        run_import(CoordinatorImport(), upload)
    upload.seek(0)
    run_import(CoordinatorImport(), upload, acknowledged=True)
    coordinator_a.refresh_from_db()
    assert (coordinator_a.full_name, coordinator_a.phone) == ("Marija Drugačija", phone)


@pytest.mark.parametrize("size", [20, 200])
def test_a_preview_costs_the_same_queries_whatever_the_rows(size):
    rows = [["Bench", f"Osoba {n}", f"osoba.{n}@example.org", "Šabac", "01.02.2024", "zamenik"] for n in range(size)]
    upload = xlsx_file([["ime", "prezime", "e-pošta", "opština", "koordinator od", "uloga"], *rows])
    importer = CoordinatorImport()
    table = read(importer, upload)
    with CaptureQueriesContext(connection) as queries:
        preview = importer.preview(table)
    assert preview.ok
    assert len(queries) == 5  # areas, coordinators, offices and their histories, appointments


def test_a_confirmed_import_costs_the_same_queries_for_20_rows_as_for_200():
    importer_user()
    counts = []
    for size in (20, 200):
        rows = [["Bench", f"Osoba {size}-{n}", f"osoba.{size}.{n}@example.org", "Šabac", "01.02.2024", "zamenik"]
                for n in range(size)]  # fmt: skip
        upload = xlsx_file([["ime", "prezime", "e-pošta", "opština", "koordinator od", "uloga"], *rows])
        with CaptureQueriesContext(connection) as queries:
            batch = run_import(CoordinatorImport(), upload)
        assert batch.created_count == size
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 25
    assert Coordinator.objects.filter(first_name="Bench").count() == 220
