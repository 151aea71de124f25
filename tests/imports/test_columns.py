"""How a cell is read, and what the preview says it was understood as."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from imports.columns import EMPTY, ChoiceColumn, DateColumn, DecimalColumn, PhoneColumn, TextColumn, YesNoColumn
from offices.models import OfficeStatus


def read(column, raw):
    with translation.override("en"):
        return column.read(raw, None)


@pytest.mark.parametrize(
    ("typed", "understood"),
    [
        ("24.1.2018.", date(2018, 1, 24)),
        ("24. 01. 2018.", date(2018, 1, 24)),
        ("24.01.2018", date(2018, 1, 24)),
        ("2018-01-24", date(2018, 1, 24)),
        ("24/01/2018", date(2018, 1, 24)),
        (43124, date(2018, 1, 24)),
        (43124.0, date(2018, 1, 24)),
        ("43124", date(2018, 1, 24)),
        (datetime(2018, 1, 24), date(2018, 1, 24)),
    ],
)
def test_dates_in_the_ways_people_type_them(typed, understood):
    value, shown, warnings = read(DateColumn("d", "datum"), typed)
    assert (value, shown, warnings) == (understood, "24 Jan 2018", [])


@pytest.mark.parametrize(
    ("language", "shown"), [("sr-latn", "24.01.2018."), ("sr", "24.01.2018."), ("en", "24 Jan 2018")]
)
def test_a_date_is_shown_back_as_the_language_writes_it_and_exported_as_the_import_reads_it(language, shown):
    column = DateColumn("d", "datum")
    with translation.override(language):
        assert column.read("24.1.2018", None)[1] == shown
    assert column.export(date(2018, 1, 24), None) == date(2018, 1, 24)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31.02.2020", "The date 31.02.2020 does not exist."),
        ("2020-13-01", "The date 2020-13-01 does not exist."),
        ("danas", "Enter a date as dd.mm.yyyy (15.03.2017) or yyyy-mm-dd (2017-03-15)."),
        (-5, "-5 is not a date."),
    ],
)
def test_a_wrong_date_says_what_is_wrong(typed, message):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        DateColumn("d", "datum").read(typed, None)
    assert error.value.messages == [message]


def test_a_phone_typed_as_a_number_is_read_as_text_with_a_warning():
    value, _shown, warnings = read(PhoneColumn("phone", "telefon"), 35123456)
    assert value == "35123456"
    assert warnings == [
        "The cell holds the number 35123456: a leading zero may have been lost. Type the phone as text."
    ]
    assert read(PhoneColumn("phone", "telefon"), "035123456") == ("035123456", "035123456", [])


@pytest.mark.parametrize("typed", ["otvorena", "Otvorena", "open", "OPEN", "отворена", "Отворена"])
def test_status_words_in_three_languages_and_the_code(typed):
    column = ChoiceColumn("status", "status", choices=OfficeStatus, words={"otvorena": "open"})
    value, shown, _warnings = read(column, typed)
    assert (value, shown) == ("open", "open")
    with translation.override("sr"):
        assert column.export("open", None) == "отворена"


@pytest.mark.parametrize(("typed", "understood"), [("da", True), ("DA", True), ("да", True), ("yes", True),
                                                    ("ne", False), ("не", False), ("no", False)])  # fmt: skip
def test_yes_and_no_in_three_languages(typed, understood):
    assert read(YesNoColumn("p", "objavi"), typed)[0] is understood


def test_an_empty_cell_reads_as_empty_and_text_loses_the_export_apostrophe():
    assert read(TextColumn("t", "opis"), "  ")[0] is EMPTY
    assert read(TextColumn("t", "opis"), "'=SUM(A1)")[0] == "=SUM(A1)"


def test_coordinates_with_a_comma_and_many_decimals():
    assert read(DecimalColumn("lat", "širina"), "44,756012345")[0] == Decimal("44.75601")


@pytest.mark.parametrize("typed", ["4_5", "4 5", "1e3", "NaN", "2,5,1"])
def test_a_cell_is_a_number_only_as_a_form_reads_one(typed):
    # One reader for forms and imports (portal.decimals): Python's Decimal() would take "4_5" as 45.
    with pytest.raises(ValidationError):
        DecimalColumn("hours", "sati", places=1).parse(typed, None)


@pytest.mark.parametrize(("language", "shown"), [("sr-latn", "2,5"), ("sr", "2,5"), ("en", "2.5")])
def test_a_number_is_shown_back_as_the_language_writes_it(language, shown):
    column = DecimalColumn("hours", "sati", places=1)
    with translation.override(language):
        assert column.read("2,5", None)[:2] == (Decimal("2.5"), shown)


@pytest.mark.parametrize(
    ("language", "shown", "message"),
    [
        ("sr-latn", "44,75601", "Upišite broj, na primer 44,81543."),
        ("sr", "44,75601", "Упишите број, на пример 44,81543."),
        ("en", "44.75601", "Enter a number, such as 44.81543."),
    ],
)
def test_decimals_shown_and_their_example_in_the_language(language, shown, message):
    latitude = DecimalColumn("lat", "širina", example="44.81543")

    with translation.override(language):
        understood = latitude.read("44,756012345", None)[1]
        with pytest.raises(ValidationError) as error:
            latitude.read("44°45′N", None)
        whole = DecimalColumn("hours", "sati", places=1).read("12", None)[1]

    assert (understood, error.value.messages, whole) == (shown, [message], "12")
