"""Random input to the public pages, the admin form and the importers: no 500, no half-saved data."""

import string

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from imports.importers import ImportFailed
from imports.reading import SpreadsheetError, read_table
from offices.importers import CoordinatorImport, OfficeImport
from offices.models import Appointment, Coordinator, Office
from portal.text import FOREIGN_WORDS, fold, to_cyrillic, to_latin
from tests.imports.files import run_rows

pytestmark = pytest.mark.django_db

# Derandomised: every run (CI's too) tries the same examples, so a failure is reproducible, never a flake.
FUZZ = settings(
    max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
SERBIAN = "abcčćdđefghijklmnoprsštuvzžABCČĆDĐEFGHIJKLMNOPRSŠTUVZŽабвгдђежзијклљмнњопрстћуфхцчџш"
odd_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=SERBIAN + " -.,", max_size=60),
    st.text(alphabet="😀🇷🇸\u0000\u200b\u202e'\"<>&%;=+@", max_size=20),
    st.text(alphabet=string.digits + ".-/", max_size=12),
    st.just("x" * 5000),
)
odd_date = st.one_of(
    st.dates().map(lambda day: day.strftime("%d.%m.%Y")),
    st.dates().map(lambda day: day.isoformat()),
    st.sampled_from(["31.02.2020", "2020-13-01", "00.00.0000", "15.3.17", "2020/03/15", "", "danas"]),
)


def counts():
    return Office.objects.count(), Coordinator.objects.count(), Appointment.objects.count()


@FUZZ
@given(
    params=st.dictionaries(st.sampled_from(["q", "country", "region", "district", "status", "year", "page"]), odd_text)
)
def test_public_lists_never_fail_on_odd_parameters(client, params):
    params = {key: value.replace("\x00", "") for key, value in params.items()}
    for name in ("offices:list", "offices:map", "offices:geojson", "offices:openings"):
        response = client.get(reverse(name), params)
        assert response.status_code in (200, 400, 404), (name, params)


@FUZZ
@given(
    cells=st.lists(
        st.lists(
            st.one_of(odd_text, odd_date, st.none(), st.integers(), st.floats(allow_nan=True)), min_size=4, max_size=8
        ),
        min_size=1,
        max_size=4,
    )
)
def test_office_import_of_odd_rows_writes_all_or_nothing(cells):
    headers = ["opština", "naziv", "status", "otvorena", "zatvorena", "geografska širina", "geografska dužina", "opis"]
    before = counts()
    try:
        batch = run_rows(OfficeImport(), headers, cells)
    except ImportFailed:
        assert counts() == before
    else:
        assert counts()[0] - before[0] == batch.created_count


@FUZZ
@given(first=odd_text, last=odd_text, area=odd_text, started=odd_date, ended=odd_date, email=odd_text)
def test_coordinator_import_of_odd_rows_writes_all_or_nothing(first, last, area, started, ended, email):
    headers = ["ime", "prezime", "e-pošta", "opština", "koordinator od", "koordinator do"]
    before = counts()
    try:
        run_rows(CoordinatorImport(), headers, [[first, last, email, area, started, ended]])
    except ImportFailed:
        assert counts() == before


@FUZZ
@given(content=st.binary(max_size=300), name=st.sampled_from(["a.csv", "a.xlsx", "a.txt"]))
def test_reading_random_bytes_fails_only_with_a_message(content, name):
    try:
        read_table(SimpleUploadedFile(name, content))
    except SpreadsheetError as error:
        assert str(error)


@FUZZ
@given(
    name=odd_text,
    status=odd_text,
    opened=odd_date,
    closed=odd_date,
    latitude=odd_text,
    email=odd_text,
    website=odd_text,
)
def test_admin_office_form_never_fails_or_half_saves(
    client, staff_user, name, status, opened, closed, latitude, email, website
):
    client.force_login(staff_user)
    data = {
        "area": Office.objects.get(area__code="RS-SABAC").area_id,
        "name": name.replace("\x00", ""),
        "status": status.replace("\x00", ""),
        "opened_on": opened,
        "closed_on": closed,
        "latitude": latitude.replace("\x00", ""),
        "email": email.replace("\x00", ""),
        "website": website.replace("\x00", ""),
        "appointments-TOTAL_FORMS": "1",
        "appointments-INITIAL_FORMS": "0",
        "appointments-0-coordinator": "999999",
        "appointments-0-started_on": opened,
    }
    before = counts()
    response = client.post(reverse("admin:offices_office_add"), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert counts() == before


@given(text=st.text(alphabet=SERBIAN + " ", max_size=40))
def test_fold_is_stable_and_script_blind(text):
    assert fold(fold(text)) == fold(text)
    assert fold(to_cyrillic(text)) == fold(to_latin(to_cyrillic(text)))


@given(text=st.text(alphabet="абвгдђежзијклљмнњопрстћуфхцчџш ", max_size=40))
def test_cyrillic_to_latin_and_back_is_exact(text):
    # л+ј, н+ј and д+ж side by side are spelt љ, њ, џ in Serbian; only those pairs are ambiguous.
    assume(not any(pair in text for pair in ("лј", "нј", "дж")))
    # A few foreign words stay Latin on purpose ("опен" is "open").
    assume(not any(to_latin(word) in FOREIGN_WORDS for word in text.split()))
    assert to_cyrillic(to_latin(text)) == text
