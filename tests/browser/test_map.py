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


# The points of the outlines' lines (every 2 px along them) that lie inside the map's box, inset by the
# line's width: more than none means a border is in view, not only the white fill of the country.
OUTLINE_POINTS_IN_VIEW = """map => {
  const box = map.getBoundingClientRect();
  let inside = 0;
  for (const path of map.querySelectorAll(".leaflet-outlines-pane path.country-outline")) {
    const matrix = path.getScreenCTM();
    for (let at = 0; at < path.getTotalLength(); at += 2) {
      const point = path.getPointAtLength(at).matrixTransform(matrix);
      if (point.x > box.left + 2 && point.x < box.right - 2 && point.y > box.top + 2 && point.y < box.bottom - 2) {
        inside += 1;
      }
    }
  }
  return inside;
}"""


@pytest.mark.parametrize("slug", ["sabac", "cuprija", "krupanj"])  # near the Drina, inland, on the Drina
def test_office_map_without_tiles_shows_a_border_around_the_pin(browser, portal, slug):
    page = open_page(browser, portal, width=390, height=844)
    page.route("**/blank-tile.png", lambda route: route.abort())
    page.goto(f"/offices/{slug}/")
    pin_map = page.locator(".js-pin-map")
    page.wait_for_selector(".js-pin-map[data-markers]")

    points = pin_map.evaluate(OUTLINE_POINTS_IN_VIEW)
    box, pin = pin_map.bounding_box(), pin_map.locator(".office-pin").bounding_box()
    page.context.close()
    assert points > 0
    # The pin stays in the middle of the map.
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert abs(pin["x"] + pin["width"] / 2 - centre[0]) <= 2 and abs(pin["y"] + pin["height"] / 2 - centre[1]) <= 2


@pytest.mark.parametrize(
    ("prefix", "zoom_in", "zoom_out", "library"),
    [
        ("", "Uvećaj", "Umanji", "JavaScript biblioteka za interaktivne mape"),
        ("/sr", "Увећај", "Умањи", "JavaScript библиотека за интерактивне мапе"),
        ("/en", "Zoom in", "Zoom out", "A JavaScript library for interactive maps"),
    ],
)
def test_leaflets_buttons_and_link_speak_the_pages_language(page, prefix, zoom_in, zoom_out, library):
    for url in ("/", "/offices/map/", "/offices/sabac/"):
        page.goto(prefix + url)
        page.wait_for_selector("[data-markers]")
        zoom = page.locator(".leaflet-control-zoom-in").first
        titles = (zoom.get_attribute("title"), zoom.get_attribute("aria-label"))
        out = page.locator(".leaflet-control-zoom-out").first.get_attribute("title")
        credit = page.locator(".leaflet-control-attribution a[href='https://leafletjs.com']").first
        assert (titles, out, credit.get_attribute("title")) == ((zoom_in, zoom_in), zoom_out, library), url
        assert "Leaflet" in credit.inner_text()
