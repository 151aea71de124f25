"""Writing tables for exports: .xlsx with text cells kept as text, CSV for Serbian Excel."""

import csv
import io
from datetime import date, datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from portal.text import slugify

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def clean_text(value):
    """Text without the control characters a workbook cannot hold (stored ones never break an export)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def neutralise_formula(value):
    """A CSV cell that a spreadsheet program would run as a formula gets an apostrophe in front.

    The importers take it back off, so an export can be corrected and imported again.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, date | datetime | int | float):
        return value
    return clean_text(str(value))


def write_xlsx(headers, rows, title):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=clean_text(title)[:31])
    sheet.append(headers)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=_plain(value))
            if isinstance(cell.value, str):
                # A text cell is text: "=…" is shown as typed and never run, so no apostrophe is needed.
                cell.data_type = "s"
            elif isinstance(cell.value, date):
                cell.number_format = "DD.MM.YYYY"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(headers, rows):
    """`;` as Serbian Excel expects, UTF-8 with a BOM so it opens the letters right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_value(value):
    value = _plain(value)
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return neutralise_formula(value)


def export_filename(*names, extension, identifier=None):
    """An export's file name in the user's language with today's date, ASCII so that every browser, mail
    program and file system keeps it: "kancelarije-za-mlade-2026-06-15.xlsx" (Cyrillic and Serbian
    letters written in plain Latin, as in the site's addresses).

    A document that has its own `identifier` (a certificate's code: ASCII letters and digits) ends with
    it, as written, instead of the day: "uverenje-K7M2P9X4Q3R8.pdf"."""
    slug = slugify(" ".join(str(name) for name in names))
    if len(slug) > 80:
        slug = slug[:81].rsplit("-", 1)[0]  # whole words
    slug = slug or "export"
    if identifier is not None:
        if not identifier.isascii() or not identifier.isalnum():
            raise ValueError(f"A file name's identifier is ASCII letters and digits, not {identifier!r}.")
        return f"{slug}-{identifier}.{extension}"
    return f"{slug}-{timezone.localdate().isoformat()}.{extension}"


def file_response(content, *, content_type, filename):
    """A download of `content` under `filename` (Django writes the header, RFC 6266)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
