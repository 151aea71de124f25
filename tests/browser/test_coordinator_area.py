"""The coordinator's journey on a phone: sign in, open my page from the menu, read my trainings, answer the survey."""

import os

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, PHONE, run_axe

pytestmark = pytest.mark.browser


def test_coordinator_reads_the_history_and_answers_the_survey_on_a_phone(phone, tmp_path):
    phone.goto("/me/")
    assert "/accounts/login/" in phone.url
    phone.get_by_label("Korisničko ime").fill("koordinator")
    phone.get_by_label("Lozinka").fill(DEMO_PASSWORD)
    phone.get_by_role("button", name="Prijava").click()
    expect(phone.get_by_role("heading", level=2, name="Moja kancelarija")).to_be_visible()

    phone.get_by_role("link", name="Moje obuke", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Moje obuke kroz godine")
    expect(phone.locator("section.training").first).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing wider than the phone
    phone.screenshot(path=os.environ.get("SCREENSHOT_DIR", str(tmp_path)) + "/me-history-390.png", full_page=True)
    assert run_axe(phone) == []

    phone.get_by_role("link", name="Upitnik o potrebama", exact=True).click()
    for question in phone.locator("form fieldset fieldset").all():
        question.locator("input[type=radio]").last.check()
    phone.get_by_role("button", name="Sačuvaj odgovore").click()
    expect(phone.get_by_role("alert")).to_have_text("Hvala: vaši odgovori su sačuvani.")
    expect(phone.get_by_text("Predloženi nivo: napredni").first).to_be_visible()
