"""The trainings page, the certificate code form and the certificate check at phone width, in each language: nothing wider than
the screen, no serious accessibility violation."""

import sqlite3

import pytest

from tests.browser.conftest import open_page, run_axe

pytestmark = pytest.mark.browser


def certificate_pages(portal):
    """The check pages of the demo's valid, revoked and replaced certificates (one of each)."""
    with sqlite3.connect(portal["database"]) as database:
        rows = database.execute(
            "SELECT status, MIN(code) FROM trainings_certificate WHERE status IN ('valid', 'revoked', 'replaced')"
            " GROUP BY status ORDER BY status"
        ).fetchall()
    assert [status for status, _code in rows] == ["replaced", "revoked", "valid"]
    return [f"/certificates/{code}/" for _status, code in rows]


@pytest.mark.parametrize("language", ["sr-latn", "sr", "en"])
def test_trainings_and_certificate_pages_fit_a_phone_and_pass_axe(browser, portal, language):
    page = open_page(browser, portal, width=360, height=740, language=language)
    overflowing, violations = {}, {}
    # The code form empty and shown again with its message (a text that cannot be a code).
    for url in ["/trainings/", "/certificates/", "/certificates/?code=ABC-12", *certificate_pages(portal)]:
        response = page.goto(page.prefix + url)
        assert response.status == 200, url
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            overflowing[url] = width
        found = run_axe(page)
        if found:
            violations[url] = found
    problems = page.watcher.problems
    page.context.close()
    assert overflowing == {}
    assert violations == {}
    assert problems == []


def test_trainings_table_fits_a_phone_in_cyrillic(phone):
    phone.goto("/sr/trainings/")

    sizes = phone.evaluate(
        "[...document.querySelectorAll('.programme-cohorts')].map(box => [box.scrollWidth, box.clientWidth])"
    )
    completed = phone.locator(".programme-cohorts th.completed").first

    assert len(sizes) >= 2  # the demo's programmes
    assert [scroll <= client for scroll, client in sizes] == [True] * len(sizes), sizes
    assert completed.is_visible()
    assert completed.inner_text() == "Завршили"
