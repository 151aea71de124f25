"""axe-core in the browser: no serious or critical violation on any public page, in each language,
at phone and desktop width."""

import pytest

from tests.browser.conftest import open_page, run_axe

pytestmark = pytest.mark.browser

PUBLIC_PAGES = [
    "/",
    "/offices/",
    "/offices/?q=sabac&country=RS",
    "/offices/sabac/",
    "/offices/map/",
    "/offices/openings/",
    "/accounts/login/",
    "/accounts/password_reset/",
    "/accounts/password_reset/done/",
    "/accounts/reset/MTIz/set-password/",
    "/accounts/reset/done/",
]
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["sr-latn", "sr", "en"])
def test_public_pages_have_no_serious_accessibility_violation(browser, portal, language, width):
    page = open_page(browser, portal, width=WIDTHS[width][0], height=WIDTHS[width][1], language=language)
    violations = {}
    for url in PUBLIC_PAGES:
        page.goto(page.prefix + url)
        page.wait_for_load_state("networkidle")
        found = run_axe(page)
        if found:
            violations[url] = found
    problems = page.watcher.problems
    page.context.close()
    assert violations == {}, "\n".join(f"{url}: {line}" for url, lines in violations.items() for line in lines)
    assert problems == []


def test_pages_fit_a_phone_screen(browser, portal):
    page = open_page(browser, portal, width=360, height=740)
    overflowing = {}
    for url in PUBLIC_PAGES:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            overflowing[url] = width
    page.context.close()
    assert overflowing == {}
