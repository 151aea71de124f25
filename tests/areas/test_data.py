"""The reference geography: real counts, coordinates inside each country, idempotent loading."""

import csv
import io
from collections import Counter

import pytest
from django.core.management import call_command

from areas.borders import country_contains
from areas.models import Area, AreaKind
from areas.services import DATA_FILES, areas_load, read_area_rows

pytestmark = pytest.mark.django_db


def kinds_below(code):
    return Counter(Area.objects.filter(path__startswith=code + "/").values_list("kind", flat=True))


def test_serbia_has_its_real_units():
    kinds = kinds_below("RS")
    assert kinds[AreaKind.REGION] == 4
    assert kinds[AreaKind.DISTRICT] == 24
    assert kinds[AreaKind.CITY] == 28
    assert kinds[AreaKind.MUNICIPALITY] == 117
    assert kinds[AreaKind.CITY_MUNICIPALITY] == 30


def test_serbian_city_municipalities_per_city():
    per_city = Counter(Area.objects.filter(kind=AreaKind.CITY_MUNICIPALITY).values_list("parent__name", flat=True))
    assert per_city == {"Beograd": 17, "Niš": 5, "Novi Sad": 2, "Požarevac": 2, "Užice": 2, "Vranje": 2}


def test_belgrade_is_in_no_district():
    belgrade = Area.objects.get(code="RS-BEOGRAD")
    assert belgrade.kind == AreaKind.CITY
    assert belgrade.parent.kind == AreaKind.REGION


def test_bosnia_and_herzegovina_has_its_real_units():
    kinds = kinds_below("BA")
    assert kinds[AreaKind.ENTITY] == 2
    assert kinds[AreaKind.SPECIAL_DISTRICT] == 1
    assert kinds[AreaKind.CANTON] == 10
    federation = Area.objects.filter(path__startswith="BA/BA-BIH/").local_self_governments().count()
    srpska = Area.objects.filter(path__startswith="BA/BA-SRP/").local_self_governments().count()
    assert (federation, srpska) == (79, 64)


def test_every_seat_lies_inside_its_country():
    outside = [
        area.code
        for area in Area.objects.exclude(latitude=None)
        if not country_contains(area.country_code, area.latitude, area.longitude)
    ]
    assert outside == []


def test_every_unit_has_coordinates_and_a_cyrillic_name():
    assert list(Area.objects.filter(latitude=None).values_list("code", flat=True)) == []
    assert list(Area.objects.filter(name_cyrillic="").values_list("code", flat=True)) == []


def test_a_point_abroad_is_outside_both_countries():
    zagreb, sofia, pristina = (45.815, 15.982), (42.698, 23.322), (42.663, 21.166)
    for lat, lon in (zagreb, sofia, pristina):
        assert not country_contains("RS", lat, lon)
        assert not country_contains("BA", lat, lon)


def test_load_areas_twice_changes_nothing():
    out = io.StringIO()
    call_command("load_areas", stdout=out)
    assert out.getvalue().strip().endswith(f"0 created, 0 changed, {Area.objects.count()} unchanged.")


def test_load_reports_a_changed_unit_and_keeps_it_valid(tmp_path):
    rows = read_area_rows(DATA_FILES)
    for row in rows:
        if row["code"] == "RS-CUPRIJA":
            row["valid_to"] = "2030-12-31"
    report = areas_load(rows=rows)
    assert [(area.code, changes) for area, changes in report.changed] == [("RS-CUPRIJA", ["valid_to"])]
    assert str(Area.objects.get(code="RS-CUPRIJA").valid_to) == "2030-12-31"


def test_moving_a_unit_updates_the_paths_below_it(tmp_path):
    rows = read_area_rows(DATA_FILES)
    by_code = {row["code"]: row for row in rows}
    by_code["RS-BEOGRAD"]["parent"] = "RS"
    areas_load(rows=rows)
    assert Area.objects.get(code="RS-BEOGRAD-ZEMUN").path == "RS/RS-BEOGRAD/RS-BEOGRAD-ZEMUN"


def test_data_files_have_unique_codes():
    codes = [row["code"] for path in DATA_FILES for row in csv.DictReader(path.open(encoding="utf-8"))]
    assert len(codes) == len(set(codes))
