"""Reading a table from an uploaded .xlsx or .csv, bounded in memory and time whatever the file declares.

A sheet is streamed row by row (openpyxl read-only, its declared dimensions ignored); reading stops
after a run of empty rows, at a row cap (IMPORT_MAX_ROWS) and a column cap. The header row is the
first row, within the first few of a sheet, that the caller recognises; the first sheet that has one
is read. Row numbers are the spreadsheet's own, blank rows included.
"""

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

HEADER_SEARCH_ROWS = 20  # a title, notes and blank rows may stand above the header
MAX_COLUMNS = 100  # cells right of this are not read
EMPTY_RUN = 1000  # this many empty rows in a row end the data (formatted empty rows go on for ever)
DELIMITERS = (";", ",", "\t")
TEXT_EXTENSIONS = (".csv", ".txt", ".tsv")  # Excel's "Unicode text" is a tab-separated .txt


class SpreadsheetError(Exception):
    """The file cannot be read as a table; the message is for the user."""


@dataclass
class Row:
    number: int  # the spreadsheet's row number
    cells: list


@dataclass
class Table:
    headers: list
    rows: list
    sheet: str = ""  # the sheet read (empty for CSV)
    header_row: int = 1
    notes: list = field(default_factory=list)  # what the reader had to tell about the file
    scanned: int = 0  # rows the reader looked at: a bound that tests hold it to
    header_found: bool = True


def read_table(uploaded, is_header=None):
    """The table of an uploaded file. `is_header(cells)` tells the header row; by default the first row.

    Without a row that has the required columns, the table's header is the first row with text and
    it has no rows (header_found is False): the preview says which columns are missing.
    """
    is_header = is_header or (lambda cells: True)
    name = (uploaded.name or "").lower()
    content = uploaded.read()
    try:
        if name.endswith(".xlsx"):
            return _read_xlsx(content, is_header)
        if name.endswith(TEXT_EXTENSIONS):
            return _read_csv(content, is_header)
    except MissingColumns as missing:
        return missing.table
    raise SpreadsheetError(_("Upload an Excel (.xlsx) or CSV (.csv) file."))


def _is_empty(cells):
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _collect(numbered_rows, is_header):
    """(header row number, headers, data rows, rows scanned) of one sheet, or None without a header."""
    header_number, headers, rows, scanned, empty_run, stopped_at = None, None, [], 0, 0, None
    limit = settings.IMPORT_MAX_ROWS
    for number, cells in numbered_rows:
        scanned += 1
        cells = list(cells[:MAX_COLUMNS])
        if headers is None:
            if _is_empty(cells):
                if number >= HEADER_SEARCH_ROWS:
                    return None, scanned
                continue
            if is_header(cells):
                header_number = number
                headers = [str(cell).strip() if cell is not None else "" for cell in cells]
                while headers and not headers[-1]:
                    headers.pop()
            elif number >= HEADER_SEARCH_ROWS:
                return None, scanned
            continue
        if _is_empty(cells):
            empty_run += 1
            if empty_run >= EMPTY_RUN:
                stopped_at = number
                break
            continue
        empty_run = 0
        if len(rows) >= limit:
            raise SpreadsheetError(
                _("The file has more than %(limit)s rows: split it into files of at most %(limit)s rows.")
                % {"limit": limit}
            )
        rows.append(Row(number, cells[: len(headers)]))
    if headers is None:
        return None, scanned
    return (header_number, headers, rows, stopped_at), scanned


def _stop_note(stopped_at):
    if stopped_at is None:
        return []
    return [
        ngettext(
            "Reading stopped at row %(row)s after %(count)s empty row; rows further down, if any, were not read.",
            "Reading stopped at row %(row)s after %(count)s empty rows; rows further down, if any, were not read.",
            EMPTY_RUN,
        )
        % {"row": stopped_at, "count": EMPTY_RUN}
    ]


def _first_cells(numbered_rows):
    """The first non-empty row of a sheet, to tell the user which columns were found."""
    for number, cells in numbered_rows:
        if not _is_empty(cells[:MAX_COLUMNS]):
            return [str(cell).strip() for cell in cells[:MAX_COLUMNS] if cell is not None and str(cell).strip()]
        if number >= HEADER_SEARCH_ROWS:
            break
    return []


def _check_zip(content):
    """Refuse an archive whose parts unpack to far more than any real workbook of the allowed size."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise SpreadsheetError(_("This file cannot be read as an Excel workbook (.xlsx).")) from error
    if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise SpreadsheetError(_("This workbook unpacks to more data than an import may hold."))


def _xlsx_rows(sheet):
    sheet.reset_dimensions()  # the declared size may be a lie (A1:XFD1048576)
    yield from enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1)


UNREADABLE = (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError, AttributeError,
              ParseError, DefusedXmlException, IndexError)  # fmt: skip


def _read_xlsx(content, is_header):
    _check_zip(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except UNREADABLE as error:
        raise SpreadsheetError(_("This file cannot be read as an Excel workbook (.xlsx).")) from error
    scanned = 0
    try:
        for sheet in workbook.worksheets:
            found, count = _collect(_xlsx_rows(sheet), is_header)
            scanned += count
            if found:
                header_row, headers, rows, stopped_at = found
                return Table(headers, rows, sheet=sheet.title, header_row=header_row, scanned=scanned,
                             notes=_stop_note(stopped_at))  # fmt: skip
        first = _first_cells(_xlsx_rows(workbook.worksheets[0])) if workbook.worksheets else []
    except UNREADABLE as error:
        raise SpreadsheetError(_("This file cannot be read as an Excel workbook (.xlsx).")) from error
    finally:
        workbook.close()
    raise _no_header(first)


def _no_header(first_cells):
    """No row has the required columns: the first row with text stands as the header, so the preview
    names the columns that are missing and those the file has."""
    if not first_cells:
        return SpreadsheetError(_("The file is empty."))
    return MissingColumns(first_cells)


class MissingColumns(SpreadsheetError):
    def __init__(self, found):
        self.table = Table(found, [], header_found=False)
        super().__init__(columns_found(found))


def quoted(text):
    """A name in the language's quotation marks: “naziv” in English, „naziv“ in Serbian."""
    return pgettext("quoted name", "“%(name)s”") % {"name": text}


def columns_found(headers):
    return _("Columns found in the file: %(found)s.") % {"found": ", ".join(quoted(header) for header in headers)}


def _decode(content):
    """UTF-16 with its byte order mark (Excel's "Unicode text"), UTF-8 (a stray bad byte is marked �), else
    the Windows code page of the text's script."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16"), []
        except UnicodeDecodeError:
            raise SpreadsheetError(_("The file says it is UTF-16 text but is not: save it again.")) from None
    try:
        return content.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        first_bad = error.start
    as_utf8 = content.decode("utf-8-sig", errors="replace")
    if any(ord(char) > 127 and char != "\ufffd" for char in as_utf8):
        # Real UTF-8 text with a damaged byte or two: keep it UTF-8 and say where.
        line = content[:first_bad].count(b"\n") + 1
        count = as_utf8.count("\ufffd")
        note = ngettext(
            "The file is UTF-8 but %(count)s byte is not (on line %(line)s): "
            "it is shown as � and the cell holding it must be corrected.",
            "The file is UTF-8 but %(count)s bytes are not (the first on line %(line)s): "
            "they are shown as � and the cells holding them must be corrected.",
            count,
        ) % {"count": count, "line": line}
        return as_utf8, [note]
    as_cyrillic = content.decode("cp1251", errors="replace")
    cyrillic_letters = sum(1 for char in as_cyrillic if "\u0400" <= char <= "\u04ff")
    latin_letters = sum(1 for char in as_cyrillic if char.isascii() and char.isalpha())
    if cyrillic_letters > latin_letters:
        return as_cyrillic, []
    try:
        return content.decode("cp1250"), []
    except UnicodeDecodeError:
        raise SpreadsheetError(_("The CSV file must be saved as UTF-8.")) from None


def _csv_rows(text, delimiter):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True)
    yield from enumerate(reader, start=1)


def _read_csv(content, is_header):
    text, notes = _decode(content)
    if not text.strip():
        raise SpreadsheetError(_("The file is empty."))
    if "\x00" in text:
        raise SpreadsheetError(_("This file cannot be read as CSV: it holds binary data."))
    # The delimiter is the one under which a header is found; failing that, the one that splits
    # the first row into the most cells (quotes respected, so a quoted ";" is no delimiter).
    widest, scanned = None, 0
    try:
        for delimiter in DELIMITERS:
            found, count = _collect(_csv_rows(text, delimiter), is_header)
            scanned += count
            if found:
                header_row, headers, rows, stopped_at = found
                return Table(headers, rows, header_row=header_row, notes=notes + _stop_note(stopped_at),
                             scanned=scanned)  # fmt: skip
            first = _first_cells(_csv_rows(text, delimiter))
            if widest is None or len(first) > len(widest):
                widest = first
    except csv.Error as error:
        raise SpreadsheetError(_("This file cannot be read as CSV: %(error)s") % {"error": error}) from error
    raise _no_header(widest)
