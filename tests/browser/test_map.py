"""The map without its tile server: the country outlines and the markers still show where offices are."""

import pytest

from tests.browser.conftest import open_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("url", "markers"), [("/offices/map/", 100), ("/offices/sabac/", 1)])
def test_map_without_tiles_draws_the_country_outlines_under_the_markers(browser, portal, url, markers):
    page = open_page(browser, portal)
    tiles = []
    page.route("**/blank-tile.png", lambda route: (tiles.append(route.request.url), route.abort()))
    page.goto(url)
    map_element = page.locator(".js-office-map, .js-pin-map").first
    page.wait_for_selector("[data-markers]")
    outlines = map_element.locator(".leaflet-outlines-pane path.country-outline").count()
    drawn = int(map_element.get_attribute("data-markers"))
    problems = [
        problem for problem in page.watcher.problems if "blank-tile" not in problem and "ERR_FAILED" not in problem
    ]
    page.context.close()
    assert tiles != []  # the map asked for tiles and got none
    assert outlines == 2  # Serbia, Bosnia and Herzegovina
    assert drawn >= markers
    assert problems == []
