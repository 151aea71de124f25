"""Journeys through the portal in a real browser, as its three kinds of users take them."""

import re
import sqlite3

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def markers(page, selector=".js-office-map"):
    """Wait until the map has drawn its markers; return how many it drew."""
    page.wait_for_selector(f"{selector}[data-markers]")
    return int(page.get_attribute(selector, "data-markers"))


def test_visitor_finds_an_office_reads_it_in_cyrillic_and_searches(page):
    page.goto("/")
    assert markers(page) > 100
    page.get_by_role("link", name="Mapa", exact=True).click()
    assert markers(page) > 100
    expect(page.locator(".marker-cluster").first).to_be_visible()

    page.get_by_label("Pretraga").fill("Šabac")
    page.get_by_role("button", name="Prikaži", exact=True).click()
    assert markers(page) == 1
    page.locator(".office-pin").first.click()
    page.get_by_role("link", name="Otvori stranicu kancelarije").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kancelarija za mlade Šabac")
    assert markers(page, ".js-pin-map") == 1

    page.get_by_role("link", name=re.compile("Ћир")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Канцеларија за младе Шабац")
    expect(page.locator("html")).to_have_attribute("lang", "sr-Cyrl")

    page.get_by_role("link", name="Канцеларије за младе", exact=True).first.click()
    page.get_by_label("Претрага").fill("sabac")
    page.get_by_role("button", name="Прикажи", exact=True).click()
    expect(page.locator("article h2")).to_have_text(["Канцеларија за младе Шабац"])


def test_coordinator_signs_in_finds_the_admin_closed_and_signs_out(page):
    page.goto("/accounts/login/")
    page.get_by_label("Korisničko ime").fill("koordinator")
    page.get_by_label("Lozinka").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Prijava").click()
    expect(page.get_by_role("button", name="Odjava")).to_be_visible()

    page.goto("/admin/offices/coordinator/")
    assert page.url.split("?")[0].endswith("/admin/login/")
    expect(page.get_by_text("Coordinator")).to_have_count(0)

    page.goto("/")
    page.get_by_role("button", name="Odjava").click()
    expect(page.get_by_role("link", name="Prijava")).to_be_visible()


def free_municipality(database):
    with sqlite3.connect(database) as connection:
        (name,) = connection.execute(
            "SELECT name FROM areas_area WHERE kind = 'municipality' AND path LIKE 'RS/%' "
            "AND id NOT IN (SELECT area_id FROM offices_office) ORDER BY code LIMIT 1"
        ).fetchone()
    return name


def test_staff_imports_a_spreadsheet_and_the_office_appears_on_the_map(page, portal, tmp_path):
    name = free_municipality(portal["database"])
    workbook = Workbook()
    workbook.active.append(["opština", "naziv", "status", "otvorena", "adresa"])
    workbook.active.append([name.upper(), f"Kancelarija za mlade {name}", "otvorena", "12.08.2025", "Trg mladih 1"])
    spreadsheet = tmp_path / "nove-kancelarije.xlsx"
    workbook.save(spreadsheet)

    page.goto("/admin/")
    page.get_by_label("Korisničko ime").fill("osoblje")
    page.get_by_label("Lozinka").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Prijava").click()
    page.goto("/admin/offices/office/")
    page.get_by_role("link", name="Uvoz iz tabele").click()
    page.get_by_label("Tabela").set_input_files(spreadsheet)
    page.get_by_role("button", name="Pregled").click()
    expect(page.locator("#import-preview tbody tr")).to_have_count(1)
    page.get_by_role("button", name="Potvrdi i upiši").click()
    expect(page.locator(".messagelist")).to_contain_text("1")

    page.goto(f"/offices/map/?q={name}")
    assert markers(page) == 1
    page.locator(".office-pin").first.click()
    expect(page.locator(".leaflet-popup-content")).to_contain_text(f"Kancelarija za mlade {name}")


def test_staff_import_a_messy_file_read_the_diff_confirm_and_undo_the_batch(page, portal, tmp_path):
    name = free_municipality(portal["database"])
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Kancelarije"
    sheet.append(["Spisak kancelarija za mlade, stanje novembar 2026."])
    sheet.append([])
    sheet.append(["Opština", "Naziv", "Status", "Otvorena", "Radno vreme", "Telefon KZM"])
    sheet.append(["Sabac", "Kancelarija za mlade Šabac", "open", 43124, "pon–sub 9–17", "015 000 000"])
    sheet.append([name.upper(), f"Kancelarija za mlade {name}", "otvorena", "12.8.2025.", "", ""])
    spreadsheet = tmp_path / "kancelarije-neuredno.xlsx"
    workbook.save(spreadsheet)

    page.goto("/admin/")
    page.get_by_label("Korisničko ime").fill("osoblje")
    page.get_by_label("Lozinka").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Prijava").click()
    page.goto("/admin/offices/office/")
    page.get_by_role("link", name="Uvoz iz tabele").click()
    page.get_by_label("Tabela").set_input_files(spreadsheet)
    page.get_by_role("button", name="Pregled").click()

    expect(page.locator(".import-source")).to_contain_text("List „Kancelarije“, zaglavlje u redu 3.")
    expect(page.locator(".import-note").first).to_contain_text(
        "„Telefon KZM“ se ne uvozi (da li ste mislili na „telefon“?)"
    )
    sabac = page.locator("#row-4")
    expect(sabac).to_contain_text("izmena")
    expect(sabac.locator("del")).to_be_visible()
    expect(sabac.locator("ins")).to_have_text("pon–sub 9–17")
    expect(sabac).to_contain_text("upisano: 43124")
    expect(page.locator("#row-5")).to_contain_text("dodavanje")
    page.get_by_role("button", name="Potvrdi i upiši").click()

    expect(page.locator(".messagelist")).to_contain_text("dodato: 1, izmenjeno: 1")
    page.get_by_role("link", name="Poništi ovaj uvoz").click()
    page.get_by_role("button", name="Poništi ovaj uvoz").click()
    expect(page.locator(".messagelist")).to_contain_text("Uvoz je poništen.")
    with sqlite3.connect(portal["database"]) as connection:
        (hours,) = connection.execute(
            "SELECT working_hours FROM offices_office WHERE name = 'Kancelarija za mlade Šabac'"
        ).fetchone()
        created = connection.execute(
            "SELECT COUNT(*) FROM offices_office WHERE name = ?", [f"Kancelarija za mlade {name}"]
        ).fetchone()[0]
    assert (hours != "pon–sub 9–17", created) == (True, 0)


def test_staff_find_the_one_error_among_a_thousand_rows_in_one_click(browser, portal, tmp_path):
    from tests.browser.conftest import open_page

    workbook = Workbook()
    workbook.active.append(["ime", "prezime", "e-pošta", "godina rođenja", "telefon", "opština", "koordinator od"])
    for number in range(1000):
        year = "nekad" if number == 700 else 1990
        workbook.active.append(["Milica", f"Petrović {number}", f"milica.{number}@example.org", year, "", "", ""])
    spreadsheet = tmp_path / "koordinatori.xlsx"
    workbook.save(spreadsheet)

    page = open_page(browser, portal, width=1366, height=768)
    page.goto("/admin/")
    page.get_by_label("Korisničko ime").fill("osoblje")
    page.get_by_label("Lozinka").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Prijava").click()
    page.goto("/admin/offices/coordinator/import/")
    page.get_by_label("Tabela").set_input_files(spreadsheet)
    page.get_by_role("button", name="Pregled").click()

    page.locator("#import-errors").get_by_role("link", name="702").click()
    row = page.locator("#row-702")
    expect(row).to_be_in_viewport()
    box = row.locator(".import-messages").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1366  # the error is read without scrolling sideways
    expect(row.locator(".import-messages")).to_contain_text("godina rođenja")
    page.get_by_label("Prikaži samo redove sa greškama").check()
    expect(page.locator("#import-preview tbody tr:visible")).to_have_count(1)
    problems = page.watcher.problems
    page.context.close()
    assert problems == []
