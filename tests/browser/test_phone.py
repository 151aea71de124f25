"""Phone first: the filters fold behind one button, so the map or the first offices are on the first screen."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser


def top_and_bottom(page, selector):
    box = page.locator(selector).first.bounding_box()
    return box["y"], box["y"] + box["height"]


def test_map_page_on_a_phone_shows_the_map_on_the_first_screen(phone):
    phone.goto("/offices/map/")
    expect(phone.locator("#filter-form")).to_be_hidden()
    top, _bottom = top_and_bottom(phone, ".js-office-map")
    assert top < PHONE["height"] - 400  # at least 400 px of map before any scrolling


def test_directory_on_a_phone_shows_the_first_office_whole_on_the_first_screen(phone):
    phone.goto("/offices/")
    expect(phone.locator("#filter-form")).to_be_hidden()
    _top, bottom = top_and_bottom(phone, "article.card")
    assert bottom <= PHONE["height"]


def test_filters_fold_open_on_a_phone_when_one_is_set_and_on_a_tap(phone):
    phone.goto("/offices/?status=open")
    expect(phone.locator("#filter-form")).to_be_visible()
    expect(phone.get_by_role("button", name="Filteri (1)")).to_have_attribute("aria-expanded", "true")

    phone.goto("/offices/map/")
    phone.get_by_role("button", name="Filteri", exact=True).click()
    expect(phone.get_by_label("Pretraga")).to_be_visible()


def test_filters_show_unfolded_on_a_desktop(page):
    page.goto("/offices/map/")
    expect(page.get_by_label("Pretraga")).to_be_visible()
    expect(page.get_by_role("button", name="Filteri", exact=True)).to_be_hidden()
