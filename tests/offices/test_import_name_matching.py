"""Imports find existing offices and coordinators by name as search does (`search_fold`: đ, dj and d
alike), and say so rather than guess when two existing records share that form."""

import pytest
from django.utils import translation

from imports.importers import ImportFailed
from offices.importers import CoordinatorImport, OfficeImport
from offices.models import Coordinator, Office, OfficeStatus
from tests.conftest import free_areas
from tests.imports.files import csv_file, read, run_import

pytestmark = pytest.mark.django_db


def preview_of(importer, rows):
    return importer.preview(read(importer, csv_file(rows)))


@pytest.mark.parametrize(
    "typed", ["Kancelarija za mlade Dakovica", "KANCELARIJA ZA MLADE DJAKOVICA", "Канцеларија за младе Ђаковица"]
)
def test_an_office_row_finds_the_office_whose_name_search_reads_alike(typed):
    area = free_areas()[0]
    office = Office.objects.create(area=area, name="Kancelarija za mlade Ðakovica", status=OfficeStatus.INITIATED)
    rows = [["opština", "naziv", "status", "adresa"], [area.name, typed, "inicirana", "Trg Đure Jakšića 2"]]

    preview = preview_of(OfficeImport(), rows)

    assert [(row.action, row.errors, row.acknowledge) for row in preview.rows] == [("update", [], [])]
    run_import(OfficeImport(), csv_file(rows))
    assert list(Office.objects.filter(area=area).values_list("pk", "address")) == [(office.pk, "Trg Đure Jakšića 2")]


def test_two_offices_whose_names_search_reads_alike_make_the_row_ambiguous():
    area = free_areas()[0]
    Office.objects.create(area=area, name="KZM Đakovica", status=OfficeStatus.INITIATED)
    Office.objects.create(area=area, name="KZM Dakovica", status=OfficeStatus.INITIATED)

    with translation.override("en"):
        preview = preview_of(
            OfficeImport(), [["opština", "naziv", "status"], [area.name, "KZM Djakovica", "inicirana"]]
        )

    assert [row.errors for row in preview.rows] == [
        [f"{area.name} has several offices named “KZM Djakovica”: add the column “oznaka” (the export writes it)."]
    ]


COORDINATOR_ROWS = [["ime", "prezime", "telefon"]]


def test_a_coordinator_row_spelled_with_dj_finds_the_person_without_a_question():
    person = Coordinator.objects.create(first_name="Đorđe", last_name="Đorđević")
    rows = [*COORDINATOR_ROWS, ["Djordje", "Djordjevic", "063/123-456"]]

    preview = preview_of(CoordinatorImport(), rows)

    assert [(row.action, row.errors, row.acknowledge) for row in preview.rows] == [("update", [], [])]
    assert preview.rows[0].saves[0].instance.pk == person.pk


def test_a_coordinator_row_spelled_with_d_finds_the_person_once_staff_confirm_it():
    person = Coordinator.objects.create(first_name="Đorđe", last_name="Đorđević")
    before = Coordinator.objects.count()
    rows = [*COORDINATOR_ROWS, ["Dorde", "Dordevic", "063/123-456"]]

    with translation.override("en"):
        preview = preview_of(CoordinatorImport(), rows)
    assert [(row.action, row.errors, row.acknowledge) for row in preview.rows] == [
        (
            "update",
            [],
            ["“Dorde Dordevic” is taken to be the coordinator Đorđe Đorđević (đ, dj and d are read alike): "
             "if the row is about someone else, give their e-mail."],
        )
    ]  # fmt: skip
    with pytest.raises(ImportFailed):
        run_import(CoordinatorImport(), csv_file(rows))  # not acknowledged: nothing written
    person.refresh_from_db()
    assert person.phone == ""

    run_import(CoordinatorImport(), csv_file(rows), acknowledged=True)

    person.refresh_from_db()
    assert (Coordinator.objects.count(), person.phone) == (before, "063/123-456")


def test_two_coordinators_whose_names_search_reads_alike_are_never_guessed_between():
    Coordinator.objects.create(first_name="Nađa", last_name="Ilić")
    Coordinator.objects.create(first_name="Nada", last_name="Ilić")
    before = Coordinator.objects.count()

    with translation.override("en"):
        preview = preview_of(CoordinatorImport(), [*COORDINATOR_ROWS, ["Nada", "Ilic", "063/123-456"]])

    assert [row.errors for row in preview.rows] == [
        ["2 coordinators are named Nada Ilic: add the e-mail address to tell them apart."]
    ]
    assert Coordinator.objects.count() == before


def test_a_row_found_by_e_mail_that_spells_the_name_with_d_for_dj_asks_before_renaming():
    person = Coordinator.objects.create(first_name="Nađa", last_name="Đukić", email="nadja.djukic@example.org")
    rows = [["ime", "prezime", "e-pošta"], ["Nada", "Dukić", "nadja.djukic@example.org"]]

    preview = preview_of(CoordinatorImport(), rows)

    assert preview.rows[0].saves[0].instance.pk == person.pk
    assert len(preview.rows[0].acknowledge) == 1  # the row renames "Nađa Đukić": staff see it first
    with pytest.raises(ImportFailed):
        run_import(CoordinatorImport(), csv_file(rows))
    person.refresh_from_db()
    assert person.full_name == "Nađa Đukić"
