"""Reading and writing tables: .xlsx (openpyxl) and .csv, for imports and exports."""

import csv
import io
import zipfile
from datetime import date, datetime

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils.exceptions import InvalidFileException

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class SpreadsheetError(Exception):
    """The file cannot be read as a table; the message is for the user."""


def read_table(uploaded):
    """Return (headers, rows) from an uploaded .xlsx or .csv file; rows are lists of cell values."""
    name = (uploaded.name or "").lower()
    content = uploaded.read()
    if name.endswith(".xlsx"):
        return _read_xlsx(content)
    if name.endswith(".csv"):
        return _read_csv(content)
    raise SpreadsheetError(_("Upload an Excel (.xlsx) or CSV (.csv) file."))


def _read_xlsx(content):
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as error:
        raise SpreadsheetError(_("This file cannot be read as an Excel workbook (.xlsx).")) from error
    try:
        sheet = workbook.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _split_header(rows)


def _decode(content):
    """UTF-8, else the Windows code page of the script the text is in (Excel's "CSV" on Windows)."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    as_cyrillic = content.decode("cp1251", errors="replace")
    cyrillic_letters = sum(1 for char in as_cyrillic if "\u0400" <= char <= "\u04ff")
    latin_letters = sum(1 for char in as_cyrillic if char.isascii() and char.isalpha())
    if cyrillic_letters > latin_letters:
        return as_cyrillic
    try:
        return content.decode("cp1250")
    except UnicodeDecodeError:
        raise SpreadsheetError(_("The CSV file must be saved as UTF-8.")) from None


def _read_csv(content):
    text = _decode(content)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as error:
        raise SpreadsheetError(_("This file cannot be read as CSV: %(error)s") % {"error": error}) from error
    return _split_header(rows)


def _split_header(rows):
    rows = [row for row in rows if any(cell not in (None, "") for cell in row)]
    if not rows:
        raise SpreadsheetError(_("The file is empty."))
    headers = [str(cell).strip() if cell is not None else "" for cell in rows[0]]
    return headers, rows[1:]


def safe_cell(value):
    """Neutralise a text cell that a spreadsheet program would run as a formula.

    The importers take the apostrophe back off, so an export can be corrected and imported again.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _export_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (date, datetime, int, float)):
        return value
    return safe_cell(str(value))


def _xlsx_cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=_export_value(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # text stays text: openpyxl would write "=…" as a formula
    return cell


def write_xlsx(headers, rows, title):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(headers)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(headers, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_export_value(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")
