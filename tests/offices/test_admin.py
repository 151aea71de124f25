"""The staff admin: search, filters, history, spreadsheet import through the pages, export."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from axes.models import AccessAttempt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from areas.models import Area
from offices.models import Coordinator, Membership, Office
from tests.conftest import set_language, translated
from tests.factories import OfficeFactory, area, free_municipality
from tests.offices.test_admin_lifecycle import change_form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("term", ["sabac", "SABAC", "Шабац", "šabac"])
def test_admin_search_ignores_script_and_diacritics(staff_client, term):
    response = staff_client.get(reverse("admin:offices_office_changelist"), {"q": term})
    assert [office.name for office in response.context["cl"].result_list] == ["Kancelarija za mlade Šabac"]


@pytest.mark.parametrize("term", ["arandelovac", "Aranđelovac", "Аранђеловац", "arandjelovac"])
def test_admin_search_finds_dj_typed_as_d_dj_or_dj_letter(staff_client, term):
    office = Office.objects.filter(area__code="RS-ARANDJELOVAC").first() or OfficeFactory(area=area("RS-ARANDJELOVAC"))

    response = staff_client.get(reverse("admin:offices_office_changelist"), {"q": term})

    assert list(response.context["cl"].result_list) == [office]


def test_admin_filters_by_district_status_and_year(staff_client):
    url = reverse("admin:offices_office_changelist")
    response = staff_client.get(url, {"district": "RS-08", "status__exact": "open", "year": "2018"})
    assert [office.area.code for office in response.context["cl"].result_list] == ["RS-SABAC"]


def test_area_autocomplete_offers_only_municipalities_in_any_spelling(staff_client):
    response = staff_client.get(
        "/admin/autocomplete/",
        {"term": "ћуприја", "app_label": "offices", "model_name": "office", "field_name": "area"},
    )
    assert [item["text"] for item in response.json()["results"]] == ["Ćuprija"]


def test_every_admin_page_opens_for_staff(staff_client, office_a, coordinator_a):
    for url in (
        reverse("admin:index"),
        reverse("admin:areas_area_changelist"),
        reverse("admin:areas_programmeregion_changelist"),
        reverse("admin:offices_office_changelist"),
        reverse("admin:offices_coordinator_changelist"),
        reverse("admin:offices_membership_changelist"),
        reverse("admin:offices_appointment_changelist"),
        reverse("admin:offices_office_change", args=[office_a.pk]),
        reverse("admin:offices_coordinator_change", args=[coordinator_a.pk]),
        reverse("admin:offices_office_history", args=[office_a.pk]),
        reverse("admin:offices_office_import"),
        reverse("admin:offices_coordinator_import"),
    ):
        assert staff_client.get(url).status_code == 200, url


def test_a_change_in_the_admin_is_recorded_with_its_author(staff_client, staff_user, office_a):
    url = reverse("admin:offices_office_change", args=[office_a.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "area": office_a.area_id,
            "working_hours": "ponedeljak–petak 10–18",
            "appointments-TOTAL_FORMS": "0",
            "appointments-INITIAL_FORMS": "0",
            "status_changes-TOTAL_FORMS": "0",
            "status_changes-INITIAL_FORMS": "0",
        }
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    latest = office_a.history.latest("history_id")
    assert (latest.working_hours, latest.history_user) == ("ponedeljak–petak 10–18", staff_user)


@pytest.mark.parametrize("language", ["sr-latn", "sr", "en"])
@pytest.mark.parametrize("typed", ["24.01.2018", "24.1.2018.", "2018-01-24"])
def test_admin_accepts_dates_as_the_import_does_in_every_language(staff_client, language, typed):
    set_language(staff_client, language)
    area = free_municipality()
    response = staff_client.post(reverse("admin:offices_membership_add"), {"area": area.pk, "joined_on": typed})
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert Membership.objects.get(area=area).joined_on == date(2018, 1, 24)


def import_file(rows, name="kancelarije.csv"):
    text = "\n".join(",".join(row) for row in rows)
    return SimpleUploadedFile(name, text.encode("utf-8"))


def test_import_previews_then_writes_on_confirm(staff_client, staff_user):
    url = reverse("admin:offices_office_import")
    area = Area.objects.filter(path__startswith="RS/", kind="municipality", offices=None).order_by("code").first()
    rows = [
        ["opština", "naziv", "status", "otvorena"],
        [area.name, f"Kancelarija za mlade {area.name}", "otvorena", "12.08.2025"],
    ]
    before = Office.objects.count()
    preview = staff_client.post(url, {"file": import_file(rows)})
    assert preview.status_code == 200
    assert preview.context["preview"].ok
    assert Office.objects.count() == before
    confirmed = staff_client.post(url, {"token": preview.context["token"]})
    assert confirmed.status_code == 302
    assert Office.objects.count() == before + 1
    office = Office.objects.get(area=area, opened_on__year=2025)
    assert office.history.get().history_user == staff_user


def test_import_with_a_bad_row_offers_no_confirmation(staff_client):
    url = reverse("admin:offices_office_import")
    rows = [["opština", "naziv", "status", "otvorena"], ["Nigdegrad", "KZM", "otvorena", "12.08.2025"]]
    before = Office.objects.count()
    response = staff_client.post(url, {"file": import_file(rows)})
    assert "token" not in response.context
    assert "Nepoznata opština ili grad: „Nigdegrad“." in response.text
    assert Office.objects.count() == before


def test_import_refuses_a_forged_token(staff_client):
    response = staff_client.post(reverse("admin:offices_office_import"), {"token": "../../etc/passwd"})
    assert response.status_code == 302


def test_import_refuses_other_file_types(staff_client):
    response = staff_client.post(
        reverse("admin:offices_office_import"), {"file": SimpleUploadedFile("tabela.ods", b"x")}
    )
    assert response.context["form"].errors["file"]


def test_export_csv_neutralises_formulas(staff_client, office_a):
    office_a.description = '=HYPERLINK("http://zlo.example")'
    office_a.phone = "+381 15 123 456"
    office_a.save()
    response = staff_client.post(
        reverse("admin:offices_office_changelist"), {"action": "export_csv", "_selected_action": [office_a.pk]}
    )
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel opens the letters right
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, row = rows
    assert row[header.index("opis")] == '\'=HYPERLINK("http://zlo.example")'
    assert row[header.index("telefon")] == "'+381 15 123 456"
    assert row[header.index("opština")] == "Šabac"
    assert row[header.index("status")] == "otvorena"


def test_export_xlsx_round_trips_through_the_import(staff_client, office_a):
    response = staff_client.post(
        reverse("admin:offices_office_changelist"), {"action": "export_xlsx", "_selected_action": [office_a.pk]}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, row = [[cell.value for cell in r] for r in sheet.iter_rows()]
    assert row[header.index("naziv")] == "Kancelarija za mlade Šabac"
    assert row[header.index("otvorena")].date().isoformat() == "2018-01-24"
    upload = SimpleUploadedFile("izvoz.xlsx", response.content)
    preview = staff_client.post(reverse("admin:offices_office_import"), {"file": upload}).context["preview"]
    assert [(r.action, r.errors) for r in preview.rows] == [("unchanged", [])]


def test_coordinator_export_lists_appointments(staff_client, coordinator_a):
    response = staff_client.post(
        reverse("admin:offices_coordinator_changelist"),
        {"action": "export_csv", "_selected_action": [coordinator_a.pk]},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + coordinator_a.appointments.count()
    assert rows[1][:2] == [coordinator_a.first_name, coordinator_a.last_name]
    assert Coordinator.objects.filter(pk=coordinator_a.pk).exists()


def test_history_shows_what_changed_and_reverts_it(staff_client, office_a):
    office_a.working_hours = "subotom 10–14"
    office_a.save()
    history = staff_client.get(reverse("admin:offices_office_history", args=[office_a.pk]))
    assert "subotom 10–14" in history.text
    earlier = office_a.history.order_by("history_date")[0]
    url = reverse("admin:offices_office_simple_history", args=[office_a.pk, earlier.history_id])
    form = staff_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({"area": office_a.area_id, "appointments-TOTAL_FORMS": "0", "appointments-INITIAL_FORMS": "0"})
    data.update({"status_changes-TOTAL_FORMS": "0", "status_changes-INITIAL_FORMS": "0"})
    response = staff_client.post(url, data)
    assert response.status_code == 302
    office_a.refresh_from_db()
    assert office_a.working_hours == earlier.working_hours


@pytest.mark.parametrize("language", ["sr-latn", "sr"])
def test_history_and_revert_pages_speak_serbian(staff_client, office_a, language):
    office_a.working_hours = "subotom 10–14"
    office_a.save()
    set_language(staff_client, language)
    history = staff_client.get(reverse("admin:offices_office_history", args=[office_a.pk])).text
    for msgid in ("Date/time", "Changed by", "Change reason", "Changed"):
        assert f"{translated(msgid, language)}<" in history, msgid
    choose = "Choose a date from the list below to revert to a previous version of this object."
    assert translated(choose, language) in history
    earlier = office_a.history.order_by("history_date")[0]
    revert = staff_client.get(reverse("admin:offices_office_simple_history", args=[office_a.pk, earlier.history_id]))
    assert (
        translated("Press the 'Revert' button below to revert to this version of the object.", language) in revert.text
    )
    assert translated("Revert", language) in revert.text


def test_history_page_on_cyrillic_names_the_record_and_its_changes_in_cyrillic(staff_client, office_a):
    office_a.working_hours, office_a.opened_on = "subotom 10–14", date(2018, 2, 4)
    office_a.save()  # as a command would: no user recorded
    set_language(staff_client, "sr")
    url, data = change_form_data(staff_client, office_a, new_status="inactive", status_changed_on="2026-06-10")
    assert staff_client.post(url, data).status_code == 302

    page = staff_client.get(reverse("admin:offices_office_history", args=[office_a.pk])).text

    assert page.count(">Канцеларија за младе Шабац</a></td>") == office_a.history.count()
    assert (
        "<li><strong>Датум отварања:</strong> 24. јануара 2018.&nbsp;&rarr;&nbsp;&nbsp;4. фебруара 2018.</li>" in page
    )
    assert "<li><strong>Радно време:</strong> понедељак–петак 8–16&nbsp;&rarr;&nbsp;&nbsp;суботом 10–14</li>" in page
    assert "<li><strong>Статус:</strong> отворена&nbsp;&rarr;&nbsp;&nbsp;неактивна</li>" in page
    with translation.override("sr"):
        user_link = reverse("admin:auth_user_change", args=[office_a.history.latest("history_date").history_user_id])
    assert f'<a href="{user_link}">sanja.staff</a>' in page
    why = translated("No user recorded: changed by a command or a data migration, not through the site.", "sr")
    assert page.count(f'<span title="{why}">-</span>') == office_a.history.filter(history_user=None).count() >= 2
    assert "Ништа" not in page  # simple-history's "None"


def test_history_page_writes_a_decimal_as_the_language_does(staff_client, office_a):
    office_a.latitude = Decimal("44.75")
    office_a.save()
    office_a.latitude = Decimal("44.5")
    office_a.save()

    page = staff_client.get(reverse("admin:offices_office_history", args=[office_a.pk])).text

    label = translated("latitude", "sr-latn").capitalize()
    assert f"<li><strong>{label}:</strong> 44,75&nbsp;&rarr;&nbsp;&nbsp;44,5</li>" in page


def test_history_page_has_no_inline_style_the_csp_would_refuse(staff_client, office_a):
    office_a.working_hours = "subotom 10–14"
    office_a.save()

    page = staff_client.get(reverse("admin:offices_office_history", args=[office_a.pk])).text

    assert '<p class="paginator">' in page
    assert " style=" not in page


@pytest.mark.parametrize("language", ["sr-latn", "sr"])
def test_sign_in_throttling_records_speak_serbian(staff_client, language):
    AccessAttempt.objects.create(
        username="marko", ip_address="192.0.2.7", user_agent="Firefox", http_accept="*/*", path_info="/accounts/login/",
        get_data="", post_data="username=marko", failures_since_start=3,
    )  # fmt: skip
    set_language(staff_client, language)
    text = staff_client.get(reverse("admin:axes_accessattempt_changelist")).text
    for msgid in ("access attempts", "IP Address", "User Agent", "Attempt Time", "Failed Logins"):
        assert translated(msgid, language) in text, msgid


def test_admin_form_refuses_a_second_open_office(staff_client, office_a):
    response = staff_client.post(
        reverse("admin:offices_office_add"),
        {
            "area": office_a.area_id,
            "name": "Još jedna kancelarija",
            "status": "open",
            "opened_on": "2024-05-05",
            "appointments-TOTAL_FORMS": "0",
            "appointments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Ova jedinica lokalne samouprave već ima otvorenu kancelariju za mlade." in response.text


def test_uploads_are_private_and_unconfirmed_ones_expire(staff_client, settings):
    import os
    import stat
    import time

    url = reverse("admin:offices_office_import")
    rows = [
        ["opština", "naziv", "status", "otvorena"],
        ["Šabac", "Kancelarija za mlade Šabac", "otvorena", "24.01.2018"],
    ]
    staff_client.post(url, {"file": import_file(rows)})
    (first,) = settings.IMPORT_UPLOAD_DIR.iterdir()
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    an_hour_ago = time.time() - 3700
    os.utime(first, (an_hour_ago, an_hour_ago))
    staff_client.post(url, {"file": import_file(rows)})
    remaining = list(settings.IMPORT_UPLOAD_DIR.iterdir())
    assert first not in remaining
    assert len(remaining) == 1


def test_coordinator_without_appointments_is_exported(staff_client):
    person = Coordinator.objects.create(first_name="Vesna", last_name="Ćurčić", email="vesna@example.org")
    response = staff_client.post(
        reverse("admin:offices_coordinator_changelist"), {"action": "export_csv", "_selected_action": [person.pk]}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:3] == ["Vesna", "Ćurčić", "vesna@example.org"]
    assert rows[1][-4:] == ["", "", "", ""]


def test_export_xlsx_has_text_cells_without_apostrophes_and_words_in_the_admins_language(staff_client, office_a):
    office_a.description = '=HYPERLINK("http://zlo.example")'
    office_a.phone = "+381 15 123 456"
    office_a.save()
    response = staff_client.post(
        reverse("admin:offices_office_changelist"), {"action": "export_xlsx", "_selected_action": [office_a.pk]}
    )
    header, row = load_workbook(io.BytesIO(response.content)).active.iter_rows()
    cells = {h.value: cell for h, cell in zip(header, row, strict=True)}
    assert (cells["opis"].value, cells["opis"].data_type) == ('=HYPERLINK("http://zlo.example")', "s")
    assert cells["telefon"].value == "+381 15 123 456"
    assert (cells["opština"].value, cells["status"].value) == ("Šabac", "otvorena")
    with translation.override("sr"):
        url = reverse("admin:offices_office_changelist")
    response = staff_client.post(url, {"action": "export_xlsx", "_selected_action": [office_a.pk]})
    header, row = load_workbook(io.BytesIO(response.content)).active.iter_rows()
    cells = {h.value: cell.value for h, cell in zip(header, row, strict=True)}
    assert (cells["opština"], cells["status"]) == ("Шабац", "отворена")


@pytest.mark.parametrize(
    ("prefix", "regions", "districts"),
    [
        (
            "",
            ["Beogradski region", "Brčko distrikt", "Federacija Bosne i Hercegovine", "Region Južne i Istočne Srbije",
             "Region Šumadije i Zapadne Srbije", "Region Vojvodine", "Republika Srpska"],
            ["Južnobački okrug", "Južnobanatski okrug"],  # č before n in Latin
        ),
        (
            "/sr",
            ["Београдски регион", "Брчко дистрикт", "Регион Војводине", "Регион Јужне и Источне Србије",
             "Регион Шумадије и Западне Србије", "Република Српска", "Федерација Босне и Херцеговине"],
            ["Јужнобанатски округ", "Јужнобачки округ"],  # н before ч in Cyrillic
        ),
    ],
)  # fmt: skip
def test_admin_area_filters_name_areas_in_the_script_in_its_alphabet_order(staff_client, prefix, regions, districts):
    response = staff_client.get(prefix + reverse("admin:offices_office_changelist"))

    specs = {getattr(spec, "parameter_name", None): spec for spec in response.context["cl"].filter_specs}
    assert [name for _code, name in specs["region"].lookup_choices] == regions
    shown = [name for _code, name in specs["district"].lookup_choices]
    assert [name for name in shown if name in districts] == districts
    assert len(shown) == 34


@pytest.mark.parametrize(("language", "characters"), [("en", "characters"), ("sr-latn", "znakova"), ("sr", "знакова")])
def test_history_shows_no_reason_as_nothing_and_shortens_values_in_the_pages_language(
    staff_client, office_a, language, characters
):
    # A management command's save: no user, no reason.
    office_a.description = "Kancelarija za mlade okuplja mlade iz cele opštine. " * 3 + "Radionice petkom."
    office_a.save()
    office_a.description = "Kancelarija za mlade okuplja mlade iz cele opštine. " * 3 + "Radionice subotom."
    office_a.save()
    assert office_a.history.latest("history_id").history_change_reason is None
    set_language(staff_client, language)
    text = staff_client.get(reverse("admin:offices_office_history", args=[office_a.pk])).text
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", text.split("<tbody>", 1)[1], flags=re.S)
    reasons = [re.findall(r"<td[^>]*>\s*(.*?)\s*</td>", row, flags=re.S)[-2] for row in rows]
    assert len(reasons) == office_a.history.count()
    assert reasons[:2] == ["", ""]  # the two newest rows: no reason, shown as nothing (not "None")
    assert f"{characters} …]" in text
    assert "chars]" not in text


def test_history_page_shows_an_empty_date_as_nothing_not_none(staff_client, office_a):
    membership = Membership.objects.filter(area=office_a.area).first() or Membership.objects.create(
        area=office_a.area, joined_on=date(2016, 7, 23)
    )
    membership.left_on = date(2025, 12, 31)
    membership.save()

    page = staff_client.get(reverse("admin:offices_membership_history", args=[membership.pk])).text

    label = translated("left on", "sr-latn").capitalize()
    assert f"<li><strong>{label}:</strong> &nbsp;&rarr;&nbsp;&nbsp;31. decembra 2025.</li>" in page
    assert "None" not in page
