"""Reading tables as people keep them: titles above the header, several sheets, Excel's CSV dialects."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from imports.reading import SpreadsheetError, read_table
from offices.importers import OfficeImport
from tests.imports.files import csv_file, xlsx_file

pytestmark = pytest.mark.django_db

HEADER = ["opština", "naziv", "status", "otvorena"]


def read(upload):
    return read_table(upload, OfficeImport().is_header)


def test_header_under_a_title_and_blank_rows_is_found_and_row_numbers_are_the_sheets():
    upload = xlsx_file(
        [
            ["Kancelarije za mlade – stanje 2024"],
            [],
            HEADER,
            ["Šabac", "KZM Šabac", "otvorena", "24.01.2018"],
            [],
            [],
            ["Ćuprija", "KZM Ćuprija", "otvorena", "20.03.2018"],
        ]
    )
    table = read(upload)
    assert (table.sheet, table.header_row, table.headers) == ("Tabela", 3, HEADER)
    assert [row.number for row in table.rows] == [4, 7]


def test_the_first_sheet_with_the_required_columns_is_read():
    upload = xlsx_file(
        [HEADER, ["Šabac", "KZM Šabac", "otvorena", "24.01.2018"]],
        title="Kancelarije",
        sheets=[("Uputstvo", [["Popunite drugi list."], ["opština", "napomena"]])],
    )
    table = read(upload)
    assert (table.sheet, table.header_row, len(table.rows)) == ("Kancelarije", 1, 1)


def test_semicolon_csv_with_a_quoted_semicolon_is_read():
    content = 'opština;naziv;status;otvorena;opis\nŠabac;KZM Šabac;otvorena;24.01.2018;"rad; igra; učenje"\n'
    table = read(SimpleUploadedFile("excel.csv", content.encode("utf-8-sig")))
    assert table.headers == [*HEADER, "opis"]
    assert table.rows[0].cells == ["Šabac", "KZM Šabac", "otvorena", "24.01.2018", "rad; igra; učenje"]


def test_csv_without_the_required_columns_lists_the_columns_it_has():
    upload = csv_file([["mesto", "ime kancelarije", "stanje"], ["Šabac", "KZM", "otvorena"]], delimiter=";")
    with translation.override("en"):
        preview = OfficeImport().preview(read(upload))
    assert preview.file_errors == ["The column “opština” is missing.", "The column “naziv” is missing."]
    assert preview.notes[0] == "Columns found in the file: “mesto”, “ime kancelarije”, “stanje”."


def test_utf8_csv_with_one_bad_byte_is_read_as_utf8_with_the_byte_marked():
    content = "opština,naziv,status,otvorena\nŠabac,KZM Šab\xffac,otvorena,24.01.2018\n".encode()
    content = content.replace("\xff".encode(), b"\xff")
    with translation.override("en"):
        table = read(SimpleUploadedFile("los-bajt.csv", content))
        preview = OfficeImport().preview(table)
    assert table.rows[0].cells[1] == "KZM Šab\ufffdac"
    assert table.notes == [
        "The file is UTF-8 but 1 byte is not (on line 2): it is shown as � and the cell holding it must be corrected."
    ]
    assert preview.rows[0].errors == ["naziv: A character of this cell could not be read (shown as �): correct it."]


def test_more_rows_than_the_setting_allows_is_a_clear_message(settings):
    settings.IMPORT_MAX_ROWS = 3
    upload = csv_file([HEADER] + [["Šabac", f"KZM {n}", "otvorena", "24.01.2018"] for n in range(4)])
    with translation.override("en"), pytest.raises(SpreadsheetError) as error:
        read(upload)
    assert str(error.value) == "The file has more than 3 rows: split it into files of at most 3 rows."


def test_unknown_column_is_named_as_ignored_with_the_closest_known_one():
    upload = csv_file(
        [[*HEADER, "Telefon KZM", "Broj zaposlenih"], ["Šabac", "KZM", "otvorena", "24.01.2018", "1", "2"]]
    )
    with translation.override("en"):
        preview = OfficeImport().preview(read(upload))
    assert preview.notes == [
        "The column “Telefon KZM” is not imported (did you mean “telefon”?).",
        "The column “Broj zaposlenih” is not imported.",
    ]


@pytest.mark.parametrize(
    ("header", "note"),
    [
        ("Napomena", "The column “Napomena” is not imported."),
        ("Zatvorna", "The column “Zatvorna” is not imported (did you mean “zatvorena”?)."),
        ("Telefona", "The column “Telefona” is not imported (did you mean “telefon”?)."),
        ("Email adresa", "The column “Email adresa” is not imported (did you mean “e-pošta”?)."),
        ("Adresa kancelarije", "The column “Adresa kancelarije” is not imported (did you mean “adresa”?)."),
        ("E-mail kancelarije", "The column “E-mail kancelarije” is not imported (did you mean “e-pošta”?)."),
        # A column the file has is never offered: "otvorena" and "naziv" are read already.
        ("Otvorna", "The column “Otvorna” is not imported."),
        ("Naziv kancelarije", "The column “Naziv kancelarije” is not imported."),
    ],
)
def test_an_unknown_column_is_offered_only_a_close_known_one_the_file_lacks(header, note):
    upload = csv_file([[*HEADER, header], ["Šabac", "KZM", "otvorena", "24.01.2018", "Radionice petkom"]])
    with translation.override("en"):
        preview = OfficeImport().preview(read(upload))
    assert preview.notes == [note]


def test_email_adresa_is_offered_e_posta_not_the_address_in_cyrillic_too(client, staff_user):
    from django.urls import reverse

    from portal.text import fold

    client.force_login(staff_user)
    with translation.override("sr"):
        url = reverse("admin:offices_office_import")
    upload = csv_file([[*HEADER, "Email adresa"], ["Šabac", "KZM", "otvorena", "24.01.2018", "kzm@sabac.rs"]])
    response = client.post(url, {"file": upload})
    (note,) = response.context["preview"].notes
    # The header in either script (the page may write the columns' names in Cyrillic): e-pošta, not adresa.
    assert fold(note) == "kolona „email adresa“ se ne uvozi (da li ste mislili na „e-posta“?)."
    assert note.startswith("Колона „Email adresa“")
