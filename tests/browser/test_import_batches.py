"""The list of import batches at a laptop's width (1280 px) with the admin's navigation sidebar open (its
default on a wide screen), in every language: no sideways scrolling, of the page or of the table's own box,
and the last column (whether the import was undone) is on the screen."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_page
from tests.browser.test_staff_trainings import signed_in_staff

pytestmark = pytest.mark.browser

WIDTH = 1280


@pytest.fixture
def staff(browser, portal):
    yield from signed_in_staff(open_page(browser, portal, width=WIDTH, height=800))


@pytest.fixture
def undone_import(staff, tmp_path):
    """A membership import, confirmed and undone, with a long file name, as staff make them."""
    path = tmp_path / "clanstva-opstina-u-udruzenju-stanje-na-dan-31-12-2025-konacna-verzija.csv"
    path.write_text("opština,učlanjena,istupila,napomena\nAda,01.03.1991,31.12.1991,osnivač\n", encoding="utf-8")
    staff.goto("/admin/offices/membership/import/")
    staff.locator("input[type=file]").set_input_files(path)
    staff.locator("input[type=submit]").click()
    expect(staff.locator("#import-preview")).to_be_visible()
    assert staff.locator(".row-error").count() == 0, staff.locator(".import-messages").all_inner_texts()
    staff.get_by_role("button", name="Potvrdi i upiši").click()
    staff.get_by_role("link", name="Poništi ovaj uvoz").click()
    staff.locator("input[type=submit]").click()
    expect(staff.locator(".messagelist")).to_contain_text("Uvoz je poništen.")


@pytest.mark.parametrize("language", ["", "/sr", "/en"])
def test_the_batch_list_fits_1280_pixels_with_its_undone_column(staff, undone_import, language):
    staff.goto(f"{language}/admin/imports/importbatch/")

    expect(staff.locator("#result_list")).to_be_visible()
    expect(staff.locator("#nav-sidebar")).to_be_visible()
    assert staff.evaluate("document.documentElement.scrollWidth") <= WIDTH
    # The table scrolls inside its box (Django's .results) rather than the page: every column must fit the box.
    box = staff.locator("#changelist .results")
    width, content = box.evaluate("box => [box.clientWidth, box.scrollWidth]")
    assert content <= width, f"the table is {content} px wide in a box of {width} px"
    last = staff.locator("#result_list thead th").last.bounding_box()
    visible = box.bounding_box()
    assert last["x"] + last["width"] <= min(visible["x"] + visible["width"], WIDTH)
