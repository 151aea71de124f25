"""The attendance sheet on a phone (390 × 844): staff type hours and save the whole sheet; the table
scrolls sideways in its own box, the page itself never wider than the screen."""

import sqlite3
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, PHONE, run_axe

pytestmark = pytest.mark.browser

FITS = "document.documentElement.scrollWidth <= window.innerWidth"


def cohort_with_most_cells(database):
    """(id, sessions, enrolments) of the demo's cohort with the widest sheet (open ones first)."""
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT c.id, (SELECT COUNT(*) FROM trainings_session s WHERE s.cohort_id = c.id) AS sessions,"
            " (SELECT COUNT(*) FROM trainings_enrolment e WHERE e.cohort_id = c.id) AS people"
            " FROM trainings_cohort c ORDER BY c.closed_on IS NULL DESC, sessions DESC, people DESC, c.id LIMIT 1"
        ).fetchone()


def stored_hours(database, cohort_id):
    """{(session id, enrolment id): hours} of the cohort, as the database holds them."""
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT a.session_id, a.enrolment_id, CAST(a.hours AS TEXT) FROM trainings_attendance a"
            " JOIN trainings_session s ON s.id = a.session_id WHERE s.cohort_id = ?",
            [cohort_id],
        ).fetchall()
    return {(session, enrolment): Decimal(hours) for session, enrolment, hours in rows}


def test_staff_type_hours_on_a_phone_and_the_sheet_saves_without_widening_the_page(phone, portal):
    cohort_id, sessions, people = cohort_with_most_cells(portal["database"])
    assert sessions >= 3 and people >= 3  # wider than a phone: the case worth testing
    phone.goto("/admin/")
    phone.get_by_label("Korisničko ime").fill("osoblje")
    phone.get_by_label("Lozinka").fill(DEMO_PASSWORD)
    phone.get_by_role("button", name="Prijava").click()

    phone.goto(f"/admin/trainings/cohort/{cohort_id}/attendance/")

    assert phone.evaluate("window.innerWidth") == PHONE["width"]
    assert phone.evaluate(FITS), phone.evaluate("document.documentElement.scrollWidth")
    assert run_axe(phone) == []
    box = phone.locator(".sheet-scroll")
    # The table is wider than the phone and scrolls in its own box, which stays within the screen.
    assert box.evaluate("element => element.scrollWidth > element.clientWidth")
    assert box.bounding_box()["x"] + box.bounding_box()["width"] <= PHONE["width"]
    cells = phone.locator(".sheet tbody tr").first.locator("input[type=text]:not([disabled])")  # sessions held
    first, last = cells.first, cells.last
    names = first.get_attribute("name"), last.get_attribute("name")
    first.fill("2,5")
    last.scroll_into_view_if_needed()
    last.fill("1")
    # Scrolled to the last session and down the sheet, the names and the sessions' header stay in view.
    box.evaluate("element => element.scrollTo(element.scrollWidth, element.scrollHeight)")
    edge = box.bounding_box()
    assert box.evaluate("element => element.scrollLeft") > 0
    assert round(phone.locator(".sheet tbody th").last.bounding_box()["x"]) == round(edge["x"])
    assert round(phone.locator(".sheet thead th").last.bounding_box()["y"]) == round(edge["y"])
    save = phone.get_by_role("button", name="Sačuvaj celu listu")
    save.scroll_into_view_if_needed()
    assert save.bounding_box()["x"] + save.bounding_box()["width"] <= PHONE["width"]
    save.click()

    expect(phone.locator(".messagelist")).to_contain_text("Prisustvo je sačuvano")
    phone.wait_for_load_state("load")  # the page's width is measured with its stylesheets applied
    assert phone.evaluate(FITS), phone.evaluate("document.documentElement.scrollWidth")
    expect(phone.locator(f'input[name="{names[0]}"]')).to_have_value("2,5")
    expect(phone.locator(f'input[name="{names[1]}"]')).to_have_value("1,0")
    stored = stored_hours(portal["database"], cohort_id)
    for name, hours in zip(names, (Decimal("2.5"), Decimal("1")), strict=True):
        _h, session_id, enrolment_id = name.split("-")
        assert stored[int(session_id), int(enrolment_id)] == hours
