"""Staff on a phone (390 px) in the offices' admin: the history page and the import preview keep the
screen's width, their tables scroll inside their own box and break lines only between words."""

import sqlite3

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, open_page, run_axe
from tests.browser.test_staff_trainings import signed_in_staff

pytestmark = pytest.mark.browser

LANGUAGES = ["", "/sr", "/en"]


@pytest.fixture
def staff_phone(browser, portal):
    yield from signed_in_staff(open_page(browser, portal, **PHONE))


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def words_broken_inside(page, selector):
    """The texts of the cells that the browser broke inside a word: a word's first and last letters on
    different lines."""
    return page.locator(selector).evaluate_all("""cells => cells.flatMap(cell => {
      const broken = [];
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const match of node.textContent.matchAll(/[\\p{L}]{2,}/gu)) {
          const first = document.createRange(), last = document.createRange();
          first.setStart(node, match.index); first.setEnd(node, match.index + 1);
          last.setStart(node, match.index + match[0].length - 1); last.setEnd(node, match.index + match[0].length);
          if (Math.abs(first.getBoundingClientRect().top - last.getBoundingClientRect().top) > 2) {
            broken.push(match[0]);
          }
        }
      }
      return broken;
    })""")


@pytest.mark.parametrize("language", LANGUAGES)
def test_office_history_fits_a_phone_its_table_scrolls_in_its_box(staff_phone, portal, language):
    with sqlite3.connect(portal["database"]) as connection:
        (office_id,) = connection.execute("SELECT id FROM offices_office WHERE slug = 'sabac'").fetchone()
    staff_phone.goto(f"{language}/admin/offices/office/{office_id}/history/")

    expect(staff_phone.locator("#change-history")).to_be_visible()
    assert page_width(staff_phone) <= PHONE["width"]
    assert words_broken_inside(staff_phone, "#change-history tbody td, #change-history tbody th") == []
    last = staff_phone.locator("#change-history thead th").last
    last.scroll_into_view_if_needed()
    box = last.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]  # the last column can be reached
    assert run_axe(staff_phone) == []


def office_file(path, *, with_errors):
    workbook = Workbook()
    workbook.active.append(["opština", "naziv", "status", "otvorena", "adresa", "e-pošta"])
    if with_errors:
        workbook.active.append(
            ["Nepostojeća opština", "Kancelarija za mlade Nigde", "otvorenaa", "32.13.2025", "", "x"]
        )
    workbook.active.append(
        [
            "Šabac",
            "Kancelarija za mlade Šabac",
            "otvorena",
            "",
            "Karađorđeva 12",
            "kancelarija.za.mlade@sabac.example.org",
        ]
    )
    workbook.save(path)
    return path


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("with_errors", [False, True])
def test_import_preview_fits_a_phone_its_table_scrolls_in_its_box(staff_phone, tmp_path, language, with_errors):
    spreadsheet = office_file(tmp_path / "kancelarije.xlsx", with_errors=with_errors)
    staff_phone.goto(f"{language}/admin/offices/office/import/")
    staff_phone.locator("input[type=file]").set_input_files(spreadsheet)
    staff_phone.locator("input[type=submit]").click()

    expect(staff_phone.locator("#import-preview")).to_be_visible()
    staff_phone.wait_for_load_state("load")  # the page's width is measured with its stylesheets applied
    assert page_width(staff_phone) <= PHONE["width"]
    assert words_broken_inside(staff_phone, "#import-preview tbody td") == []
    frame = staff_phone.locator(".import-preview .results").bounding_box()
    assert frame["x"] >= 0 and frame["x"] + frame["width"] <= PHONE["width"]
    assert run_axe(staff_phone) == []
