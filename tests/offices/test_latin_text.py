"""Names, addresses and notes are stored in Serbian Latin, whatever script they arrive in (portal.fields):
a spreadsheet in Cyrillic, a coordinator's proposal from /sr/me/, staff typing on /sr/admin/. The same
text in the other script is no change."""

import re

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from areas.models import ProgrammeRegion
from imports.models import ImportBatch
from offices.models import Coordinator, Office, OfficeChangeProposal, OfficeStatus
from offices.services import office_change_proposal_accept
from portal.fields import LatinText, records_to_latin
from portal.text import to_cyrillic
from tests.conftest import free_areas
from tests.imports.files import xlsx_file

pytestmark = pytest.mark.django_db

OFFICE_IMPORT = "/sr" + reverse("admin:offices_office_import").removeprefix("/sr")
COORDINATOR_IMPORT = reverse("admin:offices_coordinator_import")


def preview_and_confirm(client, url, upload):
    """The preview's rows as (action, {header: (before, shown)} of the changed cells), and the confirmed batch."""
    response = client.post(url, {"file": upload})
    preview = response.context["preview"]
    rows = [
        (row.action, {name: (cell.before, cell.shown) for name, cell in row.cells.items() if cell.before is not None})
        for row in preview.rows
    ]
    client.post(url, {"token": response.context["token"], "acknowledged": "1"})
    return rows, ImportBatch.objects.get()


@pytest.fixture
def sabac(office_a):
    Office.objects.filter(pk=office_a.pk).update(name="Kancelarija za mlade Šabac", address="Cara Dušana 65")
    office_a.refresh_from_db()
    assert office_a.status == OfficeStatus.OPEN
    return office_a


def test_an_office_sheet_in_cyrillic_finds_the_office_unchanged(staff_client, sabac):
    history = sabac.history.count()
    upload = xlsx_file([["Општина", "Назив", "Статус", "Адреса"],
                        ["Шабац", "Канцеларија за младе Шабац", "отворена", "Цара Душана 65"]])  # fmt: skip

    rows, batch = preview_and_confirm(staff_client, OFFICE_IMPORT, upload)

    assert rows == [("unchanged", {})]
    assert (batch.updated_count, batch.unchanged_count) == (0, 1)
    sabac.refresh_from_db()
    assert (sabac.name, sabac.address, sabac.history.count()) == (
        "Kancelarija za mlade Šabac",
        "Cara Dušana 65",
        history,
    )
    for prefix in ("", "/en"):
        page = staff_client.get(f"{prefix}/offices/{sabac.slug}/").text
        assert "Kancelarija za mlade Šabac" in page
        assert "Канцеларија за младе Шабац" not in page
    assert "Канцеларија за младе Шабац" in staff_client.get(f"/sr/offices/{sabac.slug}/").text


def test_an_office_sheet_in_cyrillic_changes_the_address_in_latin(staff_client, sabac):
    upload = xlsx_file([["Општина", "Назив", "Статус", "Адреса"],
                        ["Шабац", "Канцеларија за младе Шабац", "отворена", "Господар Јевремова 12"]])  # fmt: skip

    rows, _batch = preview_and_confirm(staff_client, OFFICE_IMPORT, upload)

    # Before and after both in the page's script: the stored Latin address on /sr/ is read in Cyrillic.
    assert rows == [("update", {"address": ("Цара Душана 65", "Господар Јевремова 12")})]
    sabac.refresh_from_db()
    assert (sabac.name, sabac.address) == ("Kancelarija za mlade Šabac", "Gospodar Jevremova 12")


def test_an_office_preview_shows_what_is_stored_in_the_pages_script_and_what_was_typed_below(staff_client, sabac):
    upload = [["Општина", "Назив", "Статус", "Адреса"],
              ["Шабац", "Канцеларија за младе Шабац", "отворена", "Цара Душана 63"]]  # fmt: skip
    url = OFFICE_IMPORT.removeprefix("/sr")

    response = staff_client.post(url, {"file": xlsx_file(upload)})

    (row,) = response.context["preview"].rows
    # The Latin page: the unchanged name in Latin, as the municipality and status are, and the address's
    # before → after; the file's Cyrillic under "typed".
    assert [(cell.before, cell.shown) for cell in row.cell_list] == [
        (None, "Šabac"), (None, "Kancelarija za mlade Šabac"), (None, "otvorena"), ("Cara Dušana 65", "Cara Dušana 63")
    ]  # fmt: skip
    assert all(cell.understood_differently for cell in row.cell_list)
    page = response.text
    assert "<del>Cara Dušana 65</del> → <ins>Cara Dušana 63</ins>" in page
    assert "upisano: Цара Душана 63" in page
    assert "upisano: Канцеларија за младе Шабац" in page

    cyrillic = staff_client.post(OFFICE_IMPORT, {"file": xlsx_file(upload)}).text
    assert "<del>Цара Душана 65</del> → <ins>Цара Душана 63</ins>" in cyrillic
    assert "Cara Dušana" not in cyrillic


def test_a_new_office_from_a_cyrillic_sheet_is_stored_in_latin(staff_client):
    area = free_areas()[0]
    name = to_cyrillic(f"Kancelarija za mlade {area.name}")
    upload = xlsx_file([["Општина", "Назив", "Статус", "Адреса", "Радно време"],
                        [area.name, name, "иницирана", "Трг Ђуре Јакшића 2", "Радним данима 8–16"]])  # fmt: skip

    rows, _batch = preview_and_confirm(staff_client, OFFICE_IMPORT, upload)

    assert [action for action, _cells in rows] == ["create"]
    office = Office.objects.get(area=area)
    assert (office.name, office.address, office.working_hours) == (
        f"Kancelarija za mlade {area.name}", "Trg Đure Jakšića 2", "Radnim danima 8–16"
    )  # fmt: skip
    assert office.history.get().name == office.name


def test_a_coordinator_sheet_in_cyrillic_leaves_the_latin_name(staff_client):
    person = Coordinator.objects.create(first_name="Lejla", last_name="Đukić", email="lejla.djukic@example.org")
    upload = xlsx_file([["име", "презиме", "е-пошта", "телефон"],
                        ["Лејла", "Ђукић", "lejla.djukic@example.org", "063 123 456"]])  # fmt: skip

    rows, _batch = preview_and_confirm(staff_client, COORDINATOR_IMPORT, upload)

    assert rows == [("update", {"phone": ("", "063 123 456")})]
    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.phone) == ("Lejla", "Đukić", "063 123 456")


def test_a_coordinator_name_kept_as_stored_is_shown_in_the_pages_script(staff_client):
    Coordinator.objects.create(first_name="Dušan", last_name="Đukić", email="dusan.djukic@example.org")
    upload = [["ime", "prezime", "e-pošta", "telefon"], ["Dusan", "Djukic", "dusan.djukic@example.org", "063 123 456"]]

    response = staff_client.post(COORDINATOR_IMPORT, {"file": xlsx_file(upload)})

    (row,) = response.context["preview"].rows
    assert (row.cells["first_name"].shown, row.cells["last_name"].shown) == ("Dušan", "Đukić")
    response = staff_client.post("/sr" + COORDINATOR_IMPORT.removeprefix("/sr"), {"file": xlsx_file(upload)})
    (row,) = response.context["preview"].rows
    assert (row.cells["first_name"].shown, row.cells["last_name"].shown) == ("Душан", "Ђукић")
    assert (row.cells["first_name"].typed, row.cells["last_name"].typed) == ("Dusan", "Djukic")
    assert "Đukić" not in response.text


def test_a_new_coordinator_from_a_cyrillic_sheet_is_stored_in_latin(staff_client):
    upload = xlsx_file([["име", "презиме", "е-пошта"], ["Љиљана", "Џаковић", "ljiljana.dz@example.org"]])

    rows, _batch = preview_and_confirm(staff_client, COORDINATOR_IMPORT, upload)

    assert [action for action, _cells in rows] == ["create"]
    assert Coordinator.objects.filter(email="ljiljana.dz@example.org").values_list("first_name", "last_name").get() == (
        "Ljiljana", "Džaković",
    )  # fmt: skip


def proposal_post(client, office, **changes):
    url = "/sr" + reverse("accounts:office_change", args=[office.slug]).removeprefix("/sr")
    page = client.get(url).text
    shown = dict(re.findall(r'<input type="hidden" name="(initial-[a-z_]+)" value="([^"]*)"', page))
    form = client.get(url).context["form"]
    return client.post(url, {name: form.initial[name] or "" for name in form.fields} | shown | changes)


def test_a_proposal_from_sr_me_is_stored_and_published_in_latin(coordinator_a_client, sabac, staff_user, client):
    response = proposal_post(coordinator_a_client, sabac, address="Господар Јевремова 12")

    assert response.status_code == 302
    proposal = OfficeChangeProposal.objects.get(office=sabac)
    assert proposal.values == {"address": "Gospodar Jevremova 12"}
    office_change_proposal_accept(proposal=proposal, user=staff_user)
    sabac.refresh_from_db()
    assert sabac.address == "Gospodar Jevremova 12"


def test_a_proposal_of_the_same_address_in_cyrillic_proposes_nothing(coordinator_a_client, sabac):
    response = proposal_post(coordinator_a_client, sabac, address="Цара Душана 65")

    assert response.status_code == 200
    assert "Ништа није промењено" in response.text
    assert not OfficeChangeProposal.objects.filter(office=sabac).exists()


def coordinator_form(client, person, **changes):
    url = "/sr" + reverse("admin:offices_coordinator_change", args=[person.pk]).removeprefix("/sr")
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data |= {management.add_prefix(name): value for name, value in management.initial.items()}
    return client.post(url, data | changes)


def test_staff_typing_cyrillic_on_sr_admin_store_latin_and_the_same_name_is_no_change(staff_client):
    person = Coordinator.objects.create(first_name="Lejla", last_name="Đukić", email="lejla.djukic@example.org")

    unchanged = coordinator_form(staff_client, person, first_name="Лејла", last_name="Ђукић")
    changed = coordinator_form(staff_client, person, last_name="Ђурић")

    assert (unchanged.status_code, changed.status_code) == (302, 302)
    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("Lejla", "Đurić")
    assert [entry.last_name for entry in person.history.order_by("history_id")] == ["Đukić", "Đurić"]


def test_cyrillic_stored_before_is_written_in_latin_with_a_history_row(sabac):
    with connection.cursor() as cursor:  # as stored before the fields were Latin text
        cursor.execute(
            f"UPDATE {Office._meta.db_table} SET address = %s, description = %s WHERE id = %s",
            ["Цара Душана 65", "Канцеларија ради и суботом.", sabac.pk],
        )
    history = sabac.history.count()

    records_to_latin(apps, {"offices.Office": ["name", "address", "description"]}, reason="latin")

    sabac.refresh_from_db()
    assert (sabac.address, sabac.description) == ("Cara Dušana 65", "Kancelarija radi i subotom.")
    latest = sabac.history.latest()
    assert (sabac.history.count(), latest.history_change_reason, latest.address) == (
        history + 1, "latin", "Cara Dušana 65",
    )  # fmt: skip


LATIN_TEXT = [
    "areas.ProgrammeRegion.description", "areas.ProgrammeRegion.name", "offices.Coordinator.experience",
    "offices.Coordinator.first_name", "offices.Coordinator.last_name", "offices.Membership.note",
    "offices.Office.address", "offices.Office.description", "offices.Office.name", "offices.Office.working_hours",
    "offices.OfficeChangeProposal.note", "offices.OfficeStatusChange.note", "trainings.Certificate.note",
    "trainings.Cohort.name", "trainings.CompetenceArea.description", "trainings.CompetenceArea.name",
    "trainings.CurriculumModule.description", "trainings.CurriculumModule.title", "trainings.Participant.first_name",
    "trainings.Participant.last_name", "trainings.Participant.organisation", "trainings.Programme.description",
    "trainings.Programme.funder", "trainings.Programme.name", "trainings.Programme.partners",
    "trainings.Session.place", "trainings.Session.title", "trainings.Session.trainers",
    "trainings.SurveyQuestion.text", "trainings.SurveyVersion.title",
]  # fmt: skip


def test_names_addresses_and_notes_are_latin_text_and_cyrillic_names_e_mail_and_codes_are_not():
    latin = sorted(
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if not model.__name__.startswith("Historical")
        for field in model._meta.concrete_fields
        if isinstance(field, LatinText)
    )

    assert latin == LATIN_TEXT


def test_any_write_stores_latin_text_in_latin(office_a):
    region = ProgrammeRegion.objects.create(name="Западна Србија", description="Ужице и Чачак")
    Office.objects.filter(pk=office_a.pk).update(working_hours="Радним данима 8–16")

    region.refresh_from_db()
    office_a.refresh_from_db()
    assert (region.name, region.description, region.slug) == ("Zapadna Srbija", "Užice i Čačak", "zapadna-srbija")
    assert office_a.working_hours == "Radnim danima 8–16"
    assert ProgrammeRegion.objects.filter(name="Западна Србија").get() == region  # a lookup reads it so too
