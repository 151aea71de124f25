"""Real files built in the tests: .xlsx (openpyxl, or a hand-written sheet) and .csv, and running imports."""

import io
import uuid
import zipfile

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from imports.reading import read_table
from imports.services import import_confirm


def xlsx_bytes(rows, title="Tabela", sheets=()):
    """A workbook whose first sheet holds `rows`; `sheets` adds (title, rows) sheets before it."""
    workbook = Workbook()
    first = workbook.active
    for name, sheet_rows in sheets:
        sheet = workbook.create_sheet(name, 0)
        for row in sheet_rows:
            sheet.append(row)
    first.title = title
    for row in rows:
        first.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_file(rows, name="tabela.xlsx", **kwargs):
    return SimpleUploadedFile(name, xlsx_bytes(rows, **kwargs))


def csv_file(rows, name="tabela.csv", delimiter=",", encoding="utf-8"):
    text = "\n".join(delimiter.join("" if cell is None else str(cell) for cell in row) for row in rows)
    return SimpleUploadedFile(name, text.encode(encoding))


def with_sheet_xml(sheet_xml, name="tabela.xlsx"):
    """A real workbook whose first sheet's XML is replaced by `sheet_xml` (hostile files)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["x"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml.encode() if isinstance(sheet_xml, str) else sheet_xml
            target.writestr(item, data)
    return SimpleUploadedFile(name, buffer.getvalue())


def importer_user():
    user, _created = get_user_model().objects.get_or_create(
        username="uvoz.osoblje", defaults={"is_staff": True, "is_superuser": True}
    )
    return user


def read(importer, upload):
    return read_table(upload, importer.is_header)


def run_import(importer, upload, *, user=None, acknowledged=False):
    """Confirm an import as the admin does: returns the batch (ImportFailed if refused)."""
    table = read(importer, upload)
    upload.seek(0)
    return import_confirm(
        importer=importer,
        table=table,
        token=uuid.uuid4().hex,
        user=user or importer_user(),
        file_name=upload.name,
        file_size=upload.size,
        file_sha256="0" * 64,
        acknowledged=acknowledged,
    )


def run_rows(importer, headers, rows, **kwargs):
    """Confirm an import of rows given as lists (the header on row 1), as if read from a file."""
    from imports.reading import Row, Table

    table = Table(headers, [Row(number, cells) for number, cells in enumerate(rows, start=2)])
    return import_confirm(
        importer=importer, table=table, token=uuid.uuid4().hex, user=importer_user(), file_name="rows.csv",
        file_size=0, file_sha256="0" * 64, **kwargs,
    )  # fmt: skip


def latin_leftovers(page, import_class, allowed=()):
    """The Latin words of an import page's main content (a page in Cyrillic should have none), leaving
    out what stays Latin on purpose: the columns' headers (what the export writes, any script is read),
    the file's own cells and names (`allowed`), and the file types."""
    import html
    import re

    from portal.text import fold

    main = page.split('<div id="content"', 1)[1].split('<footer id="footer"', 1)[0].split(">", 1)[1]
    kept = {fold(word) for column in import_class.columns for text in (column.header, *column.aliases)
            for word in re.findall(r"\w+", text)}  # fmt: skip
    kept |= {fold(word) for text in allowed for word in re.findall(r"\w+", str(text))}
    kept |= {"xlsx", "csv", "excel", "txt", "utf"}
    text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", " ", main, flags=re.S)))
    words = re.findall(r"[^\W\d_]+", text)
    return sorted({word for word in words if re.search(r"[A-Za-zČĆŽŠĐčćžšđ]", word) and fold(word) not in kept})
