"""Files as staff save them: Excel's "Unicode text" (UTF-16, tab-separated) and an empty upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import override

from offices.models import Membership
from tests.conftest import free_areas

pytestmark = pytest.mark.django_db

URL = "admin:offices_membership_import"


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def unicode_text(rows, name="clanstva.txt", encoding="utf-16"):
    """A file as Excel's "Save as Unicode text" writes it: UTF-16 with its byte order mark, tabs, CRLF."""
    text = "\r\n".join("\t".join(row) for row in rows) + "\r\n"
    return SimpleUploadedFile(name, text.encode(encoding))


@pytest.mark.parametrize(("name", "encoding"), [("clanstva.txt", "utf-16"), ("clanstva.csv", "utf-16"),
                                                ("clanstva.txt", "utf-16-be-bom")])  # fmt: skip
def test_excels_unicode_text_is_read_like_a_csv(staff_client, name, encoding):
    area = free_areas()[0]
    Membership.objects.filter(area=area).delete()
    rows = [["opština", "učlanjena", "napomena"], [area.name, "01.03.2014", "osnivač, „Đurđevdan“"]]
    if encoding == "utf-16-be-bom":
        upload = SimpleUploadedFile(name, b"\xfe\xff" + "\r\n".join("\t".join(r) for r in rows).encode("utf-16-be"))
    else:
        upload = unicode_text(rows, name, encoding)
    response = staff_client.post(reverse(URL), {"file": upload})
    assert response.context["form"].errors == {}
    preview = response.context["preview"]
    assert [(row.errors, row.action) for row in preview.rows] == [([], "create")]
    staff_client.post(reverse(URL), {"token": response.context["token"]})
    assert Membership.objects.get(area=area).note == "osnivač, „Đurđevdan“"


@pytest.mark.parametrize(("language", "message"), [("sr-latn", "Datoteka je prazna."),
                                                   ("sr", "Датотека је празна."), ("en", "The submitted file is empty.")])  # fmt: skip
def test_an_empty_upload_says_datoteka(staff_client, language, message):
    with override(language):
        response = staff_client.post(reverse(URL), {"file": SimpleUploadedFile("prazna.xlsx", b"")})
        assert response.context["form"].errors == {"file": [message]}
    assert message in response.text


def test_the_columns_a_file_has_are_information_in_serbian_quotes(staff_client):
    with override("sr"):
        url = reverse(URL)
    upload = SimpleUploadedFile("clanstva.csv", "mesto;od\nŠabac;2014".encode())
    response = staff_client.post(url, {"file": upload})
    found = "Колоне пронађене у датотеци: „mesto“, „od“."
    assert response.context["preview"].notes == [found, "Колона „mesto“ се не увози.", "Колона „od“ се не увози."]
    assert f'<p class="import-note">{found}</p>' in response.text
    assert '<p class="errornote">Недостаје колона „општина“.</p>' in response.text
    assert "”" not in response.text.split('id="content-main"')[1].split("<h2>")[1]


@pytest.mark.parametrize("ticked", [True, False])
def test_the_preview_summary_says_when_empty_cells_clear_values(staff_client, ticked):
    area = free_areas()[0]
    Membership.objects.filter(area=area).delete()
    Membership.objects.create(area=area, joined_on="2014-03-01", note="osnivač")
    upload = SimpleUploadedFile("clanstva.csv", f"opština,učlanjena,napomena\n{area.name},01.03.2014,\n".encode())
    data = {"file": upload, **({"clear_empty": "on"} if ticked else {})}
    response = staff_client.post(reverse(URL), data)
    summary = response.text.split('<p class="import-source">')[1].split("</p>")[0]
    said = "Prazne ćelije brišu upisane vrednosti (polje je označeno)."
    assert (said in summary) is ticked
    assert response.context["preview"].counts["update"] == (1 if ticked else 0)


@pytest.mark.parametrize(
    ("url", "dates", "areas"),
    [
        ("admin:trainings_enrolment_import", False, True),
        ("admin:offices_membership_import", True, True),
        ("admin:trainings_attendance_import", True, True),
    ],
)
def test_the_upload_page_explains_dates_only_for_an_import_with_date_columns(staff_client, url, dates, areas):
    text = staff_client.get(reverse(url)).text
    assert ("Datumi u obliku dd.mm.gggg ili gggg-mm-dd." in text) is dates
    assert ("Opštine po nazivu (latinicom ili ćirilicom) ili po šifri." in text) is areas
