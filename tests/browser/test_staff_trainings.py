"""Staff at a laptop's width (1366 px) on the trainings admin: the attendance sheet's ticks, the admin's
bar on the sheet and report pages, the sheet link in view, an import preview that fits."""

import sqlite3

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, open_page, run_axe

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def staff(browser, portal):
    yield from signed_in_staff(open_page(browser, portal, **LAPTOP))


@pytest.fixture
def staff_phone(browser, portal):
    yield from signed_in_staff(open_page(browser, portal, width=390, height=844))


def signed_in_staff(page):
    page.goto("/admin/")
    page.get_by_label("Korisničko ime").fill("osoblje")
    page.get_by_label("Lozinka").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Prijava").click()
    expect(page.locator("#site-name")).to_be_visible()
    yield page
    problems = page.watcher.problems
    page.context.close()
    assert problems == []


def running_cohort(database):
    with sqlite3.connect(database) as connection:
        (cohort_id,) = connection.execute("SELECT id FROM trainings_cohort WHERE closed_on IS NULL").fetchone()
        person = connection.execute(
            "SELECT c.first_name, c.last_name, c.email FROM trainings_enrolment e"
            " JOIN trainings_participant p ON p.id = e.participant_id"
            " JOIN offices_coordinator c ON c.id = p.coordinator_id"
            " WHERE e.cohort_id = ? AND c.email != '' ORDER BY c.email LIMIT 1",
            [cohort_id],
        ).fetchone()
    return cohort_id, person


def test_ticking_a_cell_fills_the_sessions_hours_and_unticking_clears_it(staff, portal):
    cohort_id, _person = running_cohort(portal["database"])
    staff.goto(f"/admin/trainings/cohort/{cohort_id}/attendance/")
    # A cell of a session already held (those still to come are locked), emptied first; nothing is saved.
    cell = staff.locator(".sheet tbody td:has(input[type=text]:not([disabled]))").last
    tick, hours = cell.locator("input[type=checkbox]"), cell.locator("input[type=text]")
    hours.fill("")
    expect(tick).not_to_be_checked()
    session_hours = tick.get_attribute("data-hours")

    tick.check()
    expect(hours).to_have_value(session_hours)

    tick.uncheck()
    expect(hours).to_have_value("")

    hours.fill(session_hours)
    expect(tick).to_be_checked()
    hours.fill("1,5")
    expect(tick).not_to_be_checked()


def test_sheet_and_reports_have_the_admins_bar_and_fit_a_laptop(staff, portal):
    cohort_id, _person = running_cohort(portal["database"])
    bars = {}
    for url in [
        f"/admin/trainings/cohort/{cohort_id}/attendance/",
        "/admin/trainings/surveyresponse/summary/",
        "/admin/trainings/programme/results/",
        "/admin/trainings/cohort/",  # an ordinary admin page, to compare with
    ]:
        staff.goto(url)
        box = staff.locator(".breadcrumbs").bounding_box()
        colour = staff.locator(".breadcrumbs").evaluate("element => getComputedStyle(element).backgroundColor")
        bars[url] = (colour, box["x"], box["width"])
    assert len(set(bars.values())) == 1, bars
    colour, x, width = next(iter(bars.values()))
    assert (colour != "rgba(0, 0, 0, 0)", x, width) == (True, 0, 1366)


def test_cohort_list_shows_the_sheet_link_on_screen(staff):
    staff.goto("/admin/trainings/cohort/")

    link = staff.locator("#result_list").get_by_role("link", name="Prisustvo").first
    box = link.bounding_box()

    assert box["x"] + box["width"] <= 1366
    link.click()
    expect(staff.locator(".sheet")).to_be_visible()


def test_enrolment_import_preview_fits_a_laptop_and_names_whom_it_found(staff, portal, tmp_path):
    cohort_id, (first, last, email) = running_cohort(portal["database"])
    workbook = Workbook()
    workbook.active.append(["grupa", "ime", "prezime", "e-pošta", "opština", "organizacija", "status"])
    long_email = "nepoznata.osoba.sa.veoma.dugackom.adresom.elektronske.poste@kancelarija-za-mlade.example.org"
    workbook.active.append([str(cohort_id), first, last, email.upper(), "", "", "upisan"])
    workbook.active.append([str(cohort_id), "Nepoznata", "Osoba", long_email, "", "", "upisan"])
    spreadsheet = tmp_path / "upisi.xlsx"
    workbook.save(spreadsheet)

    staff.goto("/admin/trainings/enrolment/import/")
    staff.get_by_label("Tabela").set_input_files(spreadsheet)
    staff.get_by_role("button", name="Pregled").click()

    expect(staff.locator("#import-preview")).to_be_visible()
    expect(staff.locator("#import-preview thead")).to_contain_text("Pronađena osoba")
    expect(staff.locator("#row-2 .import-found")).to_have_text(f"{first} {last} ({email})")
    assert staff.evaluate("document.documentElement.scrollWidth") <= 1366


def test_sheet_with_ticks_scrolls_inside_its_frame_on_a_phone(staff_phone, portal):
    cohort_id, _person = running_cohort(portal["database"])
    staff_phone.goto(f"/admin/trainings/cohort/{cohort_id}/attendance/")

    cell = staff_phone.locator(".sheet tbody tr").first.locator("td").first
    expect(cell.locator("input[type=checkbox]")).to_be_visible()
    assert staff_phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert run_axe(staff_phone) == []


def test_cohort_change_page_session_rows_fit_a_laptop(staff, portal):
    cohort_id, _person = running_cohort(portal["database"])
    staff.goto(f"/admin/trainings/cohort/{cohort_id}/change/")

    group = staff.locator("#sessions-group")
    expect(group.locator("tbody tr.form-row").first).to_be_visible()
    # Every column of a session row is on screen, none cut by the page's edge or the inline's own box.
    right_edges = (
        group.locator("tbody tr.form-row")
        .first.locator("td")
        .evaluate_all("cells => cells.map(cell => cell.getBoundingClientRect().right)")
    )
    group_right = group.evaluate("element => element.getBoundingClientRect().right")
    assert max(right_edges) <= group_right + 1, (right_edges, group_right)
    assert staff.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    trainers = group.locator("tbody tr.form-row").first.locator("td.field-trainers input")
    box = trainers.bounding_box()
    assert box["x"] + box["width"] <= 1366


@pytest.mark.parametrize("language", ["", "/sr", "/en"])
def test_results_report_and_sheet_fit_a_phone_their_tables_scroll_in_their_box(staff_phone, portal, language):
    cohort_id, _person = running_cohort(portal["database"])
    for url, box in [
        (f"{language}/admin/trainings/programme/results/", ".results"),
        (f"{language}/admin/trainings/surveyresponse/summary/", ".results"),
        (f"{language}/admin/trainings/cohort/{cohort_id}/attendance/", ".sheet-scroll"),
    ]:
        staff_phone.goto(url)
        expect(staff_phone.locator(box)).to_be_visible()
        assert staff_phone.evaluate("document.documentElement.scrollWidth") <= 390, url
        frame = staff_phone.locator(box).bounding_box()
        assert frame["x"] >= 0 and frame["x"] + frame["width"] <= 390, (url, frame)
    assert run_axe(staff_phone) == []
