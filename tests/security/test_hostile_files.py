"""Hostile and broken files: each is refused with a message or read within bounds, never a 500."""

import io
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from imports.reading import EMPTY_RUN, SpreadsheetError, read_table
from offices.importers import OfficeImport
from tests.imports.files import with_sheet_xml, xlsx_file

pytestmark = pytest.mark.django_db

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>opština</t></is></c><c r="B1" t="inlineStr"><is><t>naziv</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>status</t></is></c></row>'
)
DATA_ROW = (
    '<row r="2"><c r="A2" t="inlineStr"><is><t>Šabac</t></is></c><c r="B2" t="inlineStr"><is><t>KZM</t></is></c>'
    '<c r="C2" t="inlineStr"><is><t>otvorena</t></is></c></row>'
)
UNREADABLE = "This file cannot be read as an Excel workbook (.xlsx)."


def sheet(body, dimension="A1:C2", prolog=""):
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}<worksheet {NS}>'
            f'<dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>')  # fmt: skip


def read(upload):
    return read_table(upload, OfficeImport().is_header)


def bounded_read(upload, megabytes):
    tracemalloc.start()
    try:
        table = read(upload)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < megabytes * 1024 * 1024, f"peak {peak / 1024 / 1024:.0f} MB"
    return table


def test_a_sheet_declaring_a_million_rows_and_every_column_is_read_within_bounds():
    # 1.6 KB: the whole sheet claimed, with an empty last row (A1:XFD1048576).
    upload = with_sheet_xml(sheet(HEADER_ROW + DATA_ROW + '<row r="1048576"/>', dimension="A1:XFD1048576"))
    assert upload.size < 8000
    table = bounded_read(upload, megabytes=40)
    assert [row.cells for row in table.rows] == [["Šabac", "KZM", "otvorena"]]
    assert table.scanned <= 2 + EMPTY_RUN


def test_a_sheet_of_endless_empty_formatted_rows_stops_after_the_data():
    # As LibreOffice writes a formatted column: a styled empty cell on every row, here 200,000 of them.
    empty_rows = "".join(f'<row r="{n}"><c r="A{n}" s="0"/><c r="B{n}" s="0"/></row>' for n in range(3, 200_003))
    upload = with_sheet_xml(sheet(HEADER_ROW + DATA_ROW + empty_rows, dimension="A1:B200002"))
    with translation.override("en"):
        table = bounded_read(upload, megabytes=40)
    assert len(table.rows) == 1
    assert table.scanned == 2 + EMPTY_RUN
    assert table.notes == [
        f"Reading stopped at row {2 + EMPTY_RUN} after {EMPTY_RUN} empty rows; rows further down, if any, were not read."
    ]


@pytest.mark.parametrize(
    ("what", "xml"),
    [
        ("undefined entity", sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>&nepoznat;</t></is></c></row>')),
        (
            "billion laughs",
            sheet(
                '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>',
                prolog='<!DOCTYPE lolz [<!ENTITY lol "lol">'
                + "".join(
                    f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">'
                    for n in range(1, 10)
                )
                + "]>",
            ),
        ),
        ("malformed XML", sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>opština</t></is></c>')),
        ("not XML at all", b"\x00\x01PK garbage"),
    ],
)
def test_a_sheet_that_is_not_sound_xml_is_refused_with_a_message(what, xml):
    with translation.override("en"), pytest.raises(SpreadsheetError) as error:
        read(with_sheet_xml(xml))
    assert str(error.value) == UNREADABLE, what


def test_the_admin_answers_a_hostile_file_with_a_form_message(client, staff_user):
    client.force_login(staff_user)
    upload = with_sheet_xml(sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>&nepoznat;</t></is></c></row>'))
    response = client.post(reverse("admin:offices_office_import"), {"file": upload})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "Ova datoteka ne može da se pročita kao Excel radna sveska (.xlsx)."
    ]


def test_a_workbook_that_unpacks_to_too_much_is_refused(settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 10_000
    upload = xlsx_file([["opština", "naziv", "status"], *[["Šabac", "x" * 100, "otvorena"]] * 200])
    with translation.override("en"), pytest.raises(SpreadsheetError) as error:
        read(upload)
    assert str(error.value) == "This workbook unpacks to more data than an import may hold."


def test_utf8_csv_with_a_bad_byte_is_not_read_as_cp1250(client, staff_user):
    client.force_login(staff_user)
    content = "opština;naziv;status\nŠabac;KZM Šabac;otvorena\nNiš;KZM Ni".encode() + b"\x9a" + b";otvorena\n"
    response = client.post(reverse("admin:offices_office_import"), {"file": SimpleUploadedFile("a.csv", content)})
    preview = response.context["preview"]
    assert preview.rows[0].cells["area"].shown == "Šabac"  # not "Å abac"
    assert "�" in preview.rows[1].cells["name"].typed
    assert "token" not in response.context


def test_stored_control_characters_never_break_an_export(client, staff_user, office_a):
    office_a.description = "Radimo\x0b svaki dan\x1b[31m do 18h"
    office_a.save()
    client.force_login(staff_user)
    url = reverse("admin:offices_office_changelist")
    csv_response = client.post(url, {"action": "export_csv", "_selected_action": [office_a.pk]})
    xlsx_response = client.post(url, {"action": "export_xlsx", "_selected_action": [office_a.pk]})
    assert (csv_response.status_code, xlsx_response.status_code) == (200, 200)
    header, row = [
        [cell.value for cell in r] for r in load_workbook(io.BytesIO(xlsx_response.content)).active.iter_rows()
    ]
    assert row[header.index("opis")] == "Radimo svaki dan[31m do 18h"
