"""An import checks a record's check constraints in memory (imports.importers.check_constraints): the same
verdicts and messages as Django's validate_constraints(), which asks the database once per constraint and
record, and so a preview whose query count does not grow with its rows."""

import itertools
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from imports.importers import NotInMemory, check_constraints, condition_holds
from offices.importers import OfficeImport
from offices.models import Office, OfficeStatus
from tests.conftest import free_areas
from tests.imports.files import read, xlsx_file

pytestmark = pytest.mark.django_db

DAYS = [None, date(2019, 1, 10), date(2019, 3, 1)]


def messages(check, *args, **kwargs):
    try:
        check(*args, **kwargs)
    except ValidationError as error:
        return sorted(error.messages)
    return []


def test_every_office_lifecycle_gets_the_verdicts_and_messages_the_database_gives():
    area = free_areas()[0]
    verdicts = []
    with translation.override("en"):
        for status, initiated_on, opened_on, closed_on in itertools.product(OfficeStatus.values, DAYS, DAYS, DAYS):
            office = Office(area=area, name="KZM Ðakovica", status=status, initiated_on=initiated_on,
                            opened_on=opened_on, closed_on=closed_on)  # fmt: skip
            in_memory = messages(check_constraints, office, exclude=["area"])
            verdicts.append(in_memory)
            assert in_memory == messages(office.validate_constraints, exclude=["area"]), office.__dict__

    assert len(verdicts) == 4 * 27
    assert sum(1 for found in verdicts if not found) > 0 and sum(1 for found in verdicts if found) > 0
    assert ["An open office has no closing date."] in verdicts


def test_a_constraint_left_out_by_exclude_is_not_checked():
    office = Office(name="KZM", status=OfficeStatus.OPEN, opened_on=None)

    with translation.override("en"):
        assert messages(check_constraints, office, exclude=["area", "opened_on"]) == []
        assert messages(check_constraints, office, exclude=["area"]) == [
            "An open, inactive or closed office needs its opening date."
        ]


@pytest.mark.parametrize(
    "condition",
    [Q(area__kind="municipality"), Q(name__gt="M"), Q(pk__gt=3), Q(opened_on__year=2019), Q(opened_on__gt=F("pk"))],
)
def test_a_condition_only_the_database_can_read_is_left_to_it(condition):
    with pytest.raises(NotInMemory):
        condition_holds(condition, Office(name="KZM", opened_on=date(2019, 3, 1)))


def test_a_comparison_with_an_empty_date_is_unknown_as_in_sql():
    office = Office(name="KZM", opened_on=None, closed_on=date(2019, 3, 1))

    assert condition_holds(Q(closed_on__gte=F("opened_on")), office) is None
    assert condition_holds(~Q(closed_on__gte=F("opened_on")), office) is None
    assert condition_holds(Q(closed_on__gte=F("opened_on")) | Q(name="KZM"), office) is True
    assert condition_holds(Q(closed_on__gte=F("opened_on")) & Q(name="KZM Ada"), office) is False


def preview_queries(areas):
    rows = [["opština", "naziv", "status", "inicirana", "otvorena"]] + [
        [area.name, f"Kancelarija za mlade {area.name}", "otvorena", "10.01.2019", "01.03.2024"] for area in areas
    ]
    importer = OfficeImport()
    table = read(importer, xlsx_file(rows))
    with CaptureQueriesContext(connection) as queries:
        preview = importer.preview(table)
    assert [(row.action, row.errors) for row in preview.rows] == [("create", [])] * len(areas)
    return len(queries)


def test_the_office_preview_costs_as_many_queries_for_ten_new_offices_as_for_one():
    areas = free_areas(12)
    preview_queries(areas[:1])  # what is cached once (content types, the area lookup's first read) is read

    assert preview_queries(areas[1:2]) == preview_queries(areas[2:12])
