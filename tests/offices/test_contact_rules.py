"""A phone holds phone characters and enough digits; a postal code is five digits: in the coordinator's
proposal, in the admin's forms and in the imports alike (the rule is on the model's fields)."""

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from offices.importers import CoordinatorImport, OfficeImport
from offices.models import Coordinator, Office, OfficeChangeProposal
from offices.validators import validate_phone, validate_postal_code
from tests.conftest import free_areas
from tests.imports.files import csv_file, run_import, xlsx_file

pytestmark = pytest.mark.django_db

PHONE_EN = (
    "Enter a phone number: digits, spaces and + / - ( ) . only, at least 6 digits "
    "(for example 063/123-456 or +387 33 123 456)."
)
PHONE_SR = (
    "Upišite broj telefona: samo cifre, razmaci i + / - ( ) . , najmanje 6 cifara "
    "(na primer 063/123-456 ili +387 33 123 456)."
)
POSTAL_EN = "Enter a postal code of 5 digits (for example 15000)."
POSTAL_SR = "Upišite poštanski broj od 5 cifara (na primer 15000)."


@pytest.mark.parametrize(
    "phone", ["063/123-456", "+387 33 123 456", "011 3226 178", "(015) 123.456", "+381 64 111 2233", "063123456", ""]
)
def test_a_phone_written_as_people_write_it_passes(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", ["pozovite me", "063 123 456 lokal 12", "12-34-5", "063/123-456, 064/111-222", "+"])
def test_a_phone_with_words_or_too_few_digits_is_refused(phone):
    with pytest.raises(ValidationError) as error, translation.override("en"):
        validate_phone(phone)

    with translation.override("en"):
        assert error.value.messages == [PHONE_EN]


@pytest.mark.parametrize("code", ["15000", "71000", ""])
def test_a_postal_code_of_five_digits_passes(code):
    validate_postal_code(code)


@pytest.mark.parametrize("code", ["ABCDEFG", "1500", "150000", "15 000", "SR-15000"])
def test_another_postal_code_is_refused(code):
    with pytest.raises(ValidationError) as error:
        validate_postal_code(code)

    assert error.value.messages == [POSTAL_SR]


def test_the_demo_data_holds_the_rules():
    offices = Office.objects.exclude(phone="", postal_code="")
    coordinators = Coordinator.objects.exclude(phone="")
    assert offices.exists() and coordinators.exists()

    for office in offices:
        validate_phone(office.phone)
        validate_postal_code(office.postal_code)
    for coordinator in coordinators:
        validate_phone(coordinator.phone)


@pytest.mark.parametrize(
    ("prefix", "phone_message", "postal_message"), [("", PHONE_SR, POSTAL_SR), ("/en", PHONE_EN, POSTAL_EN)]
)
def test_a_proposal_of_a_bad_phone_and_postal_code_is_refused_with_the_message(
    coordinator_a_client, office_a, prefix, phone_message, postal_message
):
    url = reverse("accounts:office_change", args=[office_a.slug])
    form = coordinator_a_client.get(url).context["form"]
    data = {name: form.initial[name] or "" for name in form.fields}
    data |= {"phone": "pozovite me", "postal_code": "ABCDEFG"}

    response = coordinator_a_client.post(prefix + url, data)

    assert response.status_code == 200
    assert response.context["form"].errors == {"phone": [phone_message], "postal_code": [postal_message]}
    assert OfficeChangeProposal.objects.count() == 0


def test_a_proposal_of_a_messy_but_real_phone_is_recorded(coordinator_a_client, office_a):
    url = reverse("accounts:office_change", args=[office_a.slug])
    form = coordinator_a_client.get(url).context["form"]
    data = {name: form.initial[name] or "" for name in form.fields}
    data |= {"phone": "015/123-456", "postal_code": "15000"}

    response = coordinator_a_client.post(url, data)

    assert response.status_code == 302
    changed = OfficeChangeProposal.objects.get().values
    assert (changed["phone"], changed.get("postal_code", office_a.postal_code)) == ("015/123-456", "15000")


def _admin_form(model, obj, staff_user, changes):
    """The admin's own change form for obj, posted with its current values and `changes`."""
    request = RequestFactory().get("/")
    request.user = staff_user
    form_class = site._registry[model].get_form(request, obj, change=True)
    current = {name: value for name, value in form_class(instance=obj).initial.items() if value is not None}
    return form_class(current | changes, instance=obj)


def test_the_admin_office_form_refuses_a_bad_phone_and_postal_code(staff_user, office_a):
    form = _admin_form(Office, office_a, staff_user, {"phone": "pozovite me", "postal_code": "ABCDEFG"})

    assert not form.is_valid()
    assert (form.errors["phone"], form.errors["postal_code"]) == ([PHONE_SR], [POSTAL_SR])


def test_the_admin_coordinator_form_refuses_a_bad_phone(staff_user, coordinator_a):
    form = _admin_form(Coordinator, coordinator_a, staff_user, {"phone": "zovi posle 5"})

    assert not form.is_valid()
    assert form.errors["phone"] == [PHONE_SR]


def _refused_rows(importer, upload):
    from imports.importers import ImportFailed

    with translation.override("en"), pytest.raises(ImportFailed) as failure:
        run_import(importer, upload)
    return [row.errors for row in failure.value.preview.rows]


def test_an_office_import_row_with_a_bad_phone_and_postal_code_is_an_error():
    area = free_areas()[0]
    before = Office.objects.count()
    upload = csv_file(
        [["opština", "naziv", "status", "otvorena", "telefon", "poštanski broj"],
         [area.name, "KZM", "otvorena", "01.02.2019", "pozovite me", "ABCDEFG"]]
    )  # fmt: skip

    errors = _refused_rows(OfficeImport(), upload)

    assert sorted(errors[0]) == [f"poštanski broj: {POSTAL_EN}", f"telefon: {PHONE_EN}"]
    assert Office.objects.count() == before


def test_a_coordinator_import_row_with_a_bad_phone_is_an_error():
    before = Coordinator.objects.count()
    upload = csv_file(
        [["ime", "prezime", "e-pošta", "telefon"], ["Đurđa", "Stević", "djurdja.stevic@example.org", "zovite"]]
    )

    errors = _refused_rows(CoordinatorImport(), upload)

    assert errors == [[f"telefon: {PHONE_EN}"]]
    assert Coordinator.objects.count() == before


def test_a_phone_stored_as_a_number_is_imported_as_its_digits():
    area = free_areas()[0]
    upload = xlsx_file(
        [["opština", "naziv", "status", "otvorena", "telefon"], [area.name, "KZM", "otvorena", "01.02.2019", 15123456]]
    )

    run_import(OfficeImport(), upload)

    assert Office.objects.get(area=area).phone == "15123456"


def test_the_office_page_links_a_valid_phone_and_shows_one_stored_before_the_rule_as_text(client, office_a):
    Office.objects.filter(pk=office_a.pk).update(phone="063/123-456")
    linked = client.get(office_a.get_absolute_url()).text
    Office.objects.filter(pk=office_a.pk).update(phone="pozovite me")  # stored before the rule: kept as it is
    legacy = client.get(office_a.get_absolute_url()).text

    assert '<a href="tel:063123456">063/123-456</a>' in linked
    assert "pozovite me" in legacy and "tel:pozovite" not in legacy


def test_a_coordinators_published_phone_is_linked_with_its_plus(client, office_a, coordinator_a):
    Coordinator.objects.filter(pk=coordinator_a.pk).update(phone="+387 33 123 456", publish_phone=True)

    page = client.get(office_a.get_absolute_url()).text

    assert '<a href="tel:+38733123456">+387 33 123 456</a>' in page
