from decimal import Decimal

import pytest
from django.utils import translation

from portal.decimals import DecimalField, read_decimal


@pytest.mark.parametrize(
    ("typed", "number"),
    [("4,5", "4.5"), ("4.5", "4.5"), (" 12 ", "12"), (",5", "0.5"), ("4,", "4"), ("-1", "-1"), ("0,0", "0.0")],
)
def test_a_decimal_is_read_with_a_comma_or_a_point(typed, number):
    assert read_decimal(typed) == Decimal(number)


@pytest.mark.parametrize("typed", ["4,5,0", "1.234,5", "1,234.5", "4_5", "4 5", "4,5h", "", ".", "NaN", "1e3"])
def test_anything_but_one_decimal_number_is_not_read(typed):
    assert read_decimal(typed) is None


@pytest.mark.parametrize("language", ["en", "sr-latn", "sr"])
def test_the_form_field_reads_4_5_as_four_and_a_half_in_every_language(language):
    field = DecimalField(max_digits=4, decimal_places=1, localize=True)

    with translation.override(language):
        assert [field.clean("4,5"), field.clean("4.5")] == [Decimal("4.5"), Decimal("4.5")]
