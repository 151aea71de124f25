"""An area changed in the admin, or brought back by simple-history's revert page, keeps what is derived from
it in step: its offices' search text and the paths of the areas below it; its history page is in the page's
language."""

from decimal import Decimal

import pytest
from django.urls import reverse

from areas.models import Area
from offices.models import Office
from tests.conftest import translated
from tests.offices.test_admin_lifecycle import posted_form

pytestmark = pytest.mark.django_db


def post_as_shown(client, url, **changes):
    """Post the admin form at `url` (a change page or a revert page) with the values it shows, and `changes`."""
    return client.post(url, {**posted_form(client.get(url)), **changes})


def change(client, area, **changes):
    version = area.history.latest("history_date")
    response = post_as_shown(client, reverse("admin:areas_area_change", args=[area.pk]), **changes)
    assert response.status_code == 302
    return version


def revert(client, area, version):
    url = reverse("admin:areas_area_simple_history", args=[area.pk, version.history_id])
    assert post_as_shown(client, url).status_code == 302


def offices_filtered(client, **params):
    response = client.get(reverse("admin:offices_office_changelist"), params)
    return [office.name for office in response.context["cl"].result_list]


def test_a_reverted_rename_finds_the_offices_by_the_restored_name(staff_client):
    sabac = Area.objects.get(code="RS-SABAC")
    version = change(staff_client, sabac, name="Novigrad", name_cyrillic="Новиград")
    assert [office.name for office in Office.objects.search("novigrad")] == ["Kancelarija za mlade Šabac"]

    revert(staff_client, sabac, version)

    assert Area.objects.get(code="RS-SABAC").name == "Šabac"
    assert [office.name for office in Office.objects.search("mačvanski šabac")] == ["Kancelarija za mlade Šabac"]
    assert not Office.objects.search("novigrad").exists()


def test_a_reverted_move_brings_back_the_paths_below_it(staff_client):
    macvanski = Area.objects.get(code="RS-08")
    version = change(staff_client, macvanski, parent=Area.objects.get(code="RS-REG-VO").pk)
    assert Area.objects.get(code="RS-SABAC").path == "RS/RS-REG-VO/RS-08/RS-SABAC"

    revert(staff_client, macvanski, version)

    assert Area.objects.get(code="RS-SABAC").path == "RS/RS-REG-SZ/RS-08/RS-SABAC"
    assert "Kancelarija za mlade Šabac" in offices_filtered(staff_client, region="RS-REG-SZ")
    assert "Kancelarija za mlade Šabac" not in offices_filtered(staff_client, region="RS-REG-VO")


def test_a_new_code_is_a_new_path_below_it(staff_client):
    change(staff_client, Area.objects.get(code="RS-08"), code="RS-08-NOVI")

    assert Area.objects.get(code="RS-SABAC").path == "RS/RS-REG-SZ/RS-08-NOVI/RS-SABAC"
    assert "Kancelarija za mlade Šabac" in offices_filtered(staff_client, district="RS-08-NOVI")


def test_an_areas_history_page_writes_its_changes_as_the_language_does(staff_client):
    sabac = Area.objects.get(code="RS-SABAC")
    sabac.latitude = Decimal("44.75")
    sabac.save()
    sabac.latitude = Decimal("44.5")
    sabac.save()

    page = staff_client.get(reverse("admin:areas_area_history", args=[sabac.pk])).text

    label = translated("latitude", "sr-latn").capitalize()
    assert f"<li><strong>{label}:</strong> 44,75&nbsp;&rarr;&nbsp;&nbsp;44,5</li>" in page
