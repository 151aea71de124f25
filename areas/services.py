"""Writes to the area tree."""

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.dateparse import parse_date

from portal.page_cache import data_changed

from .models import Area

DATA_DIR = Path(__file__).parent / "data"
DATA_FILES = [DATA_DIR / "serbia.csv", DATA_DIR / "bih.csv"]
FIELDS = ["name", "name_cyrillic", "name_en", "kind", "latitude", "longitude", "valid_from", "valid_to"]


@dataclass
class LoadReport:
    created: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    unchanged: int = 0


def read_area_rows(paths=None):
    rows = []
    for path in paths or DATA_FILES:
        with open(path, encoding="utf-8", newline="") as handle:
            rows.extend(csv.DictReader(handle))
    return rows


def _clean(row):
    def decimal(value):
        return Decimal(value).quantize(Decimal("0.00001")) if value else None

    return {
        "name": row["name"].strip(),
        "name_cyrillic": row.get("name_cyrillic", "").strip(),
        "name_en": row.get("name_en", "").strip(),
        "kind": row["kind"].strip(),
        "latitude": decimal(row.get("latitude")),
        "longitude": decimal(row.get("longitude")),
        "valid_from": parse_date(row["valid_from"]) if row.get("valid_from") else None,
        "valid_to": parse_date(row["valid_to"]) if row.get("valid_to") else None,
    }


def _parents_first(rows):
    """Order rows so that every parent comes before its children."""
    by_code = {row["code"]: row for row in rows}
    ordered, seen = [], set()

    def visit(code, trail=()):
        if code in seen or code not in by_code:
            return
        if code in trail:
            raise ValueError(f"Area {code} is its own ancestor")
        visit(by_code[code]["parent"], (*trail, code))
        seen.add(code)
        ordered.append(by_code[code])

    for row in rows:
        visit(row["code"])
    return ordered


@transaction.atomic
def areas_load(*, rows):
    """Create or update areas by code; never delete (an abolished unit gets valid_to)."""
    report = LoadReport()
    existing = {area.code: area for area in Area.objects.select_related("parent")}
    for row in _parents_first(rows):
        code = row["code"].strip()
        parent_code = row["parent"].strip()
        values = _clean(row)
        parent = existing[parent_code] if parent_code else None
        area = existing.get(code)
        if area is None:
            area = Area(code=code, parent=parent, **values)
            area.full_clean()
            area.save()
            existing[code] = area
            report.created.append(area)
            continue
        changes = [name for name, value in values.items() if getattr(area, name) != value]
        if area.parent_id != (parent.pk if parent else None):
            changes.append("parent")
        if not changes:
            report.unchanged += 1
            continue
        for name, value in values.items():
            setattr(area, name, value)
        area.parent = parent
        area.full_clean()
        area.save()
        report.changed.append((area, changes))
    areas_refresh_paths()
    return report


def areas_refresh_paths():
    """Recompute the derived paths top-down, after a parent changed."""
    areas = {area.pk: area for area in Area.objects.all()}
    stale = []

    def path_of(area):
        if area.parent_id is None:
            return area.code
        return f"{path_of(areas[area.parent_id])}/{area.code}"

    for area in areas.values():
        path = path_of(area)
        if area.path != path:
            area.path = path
            stale.append(area)
    Area.objects.bulk_update(stale, ["path"], batch_size=500)
    if stale:
        data_changed()  # bulk_update sends no signal
    return len(stale)
