"""youthnet/formats: how dates are written and typed in each language."""

from datetime import date, datetime

import pytest
from django.utils import translation
from django.utils.formats import date_format

GENITIVE = ["januara", "februara", "marta", "aprila", "maja", "juna", "jula", "avgusta", "septembra", "oktobra",
            "novembra", "decembra"]  # fmt: skip
GENITIVE_CYRILLIC = ["јануара", "фебруара", "марта", "априла", "маја", "јуна", "јула", "августа", "септембра",
                     "октобра", "новембра", "децембра"]  # fmt: skip


@pytest.mark.parametrize(("language", "months"), [("sr-latn", GENITIVE), ("sr", GENITIVE_CYRILLIC)])
def test_serbian_dates_name_the_month_in_the_genitive(language, months):
    with translation.override(language):
        written = [date_format(date(2018, month, 20)) for month in range(1, 13)]
        with_time = date_format(datetime(2018, 4, 20, 9, 30), "DATETIME_FORMAT")
        day_of_month = date_format(date(2018, 4, 20), "MONTH_DAY_FORMAT")
        month_alone = date_format(date(2018, 4, 20), "YEAR_MONTH_FORMAT")

    assert written == [f"20. {month} 2018." for month in months]
    assert (with_time, day_of_month) == (f"20. {months[3]} 2018. 09:30", f"20. {months[3]}")
    assert month_alone == ("april 2018." if language == "sr-latn" else "април 2018.")  # a month alone: nominative


def test_english_dates_are_left_as_django_writes_them():
    with translation.override("en"):
        assert date_format(date(2018, 4, 20)) == "April 20, 2018"


@pytest.mark.parametrize(
    ("language", "written"), [("sr-latn", "01.04.2023."), ("sr", "01.04.2023."), ("en", "04/01/2023")]
)
def test_short_dates_are_padded_and_serbian_ones_end_with_a_dot(language, written):
    with translation.override(language):
        assert date_format(date(2023, 4, 1), "SHORT_DATE_FORMAT") == written
        assert date_format(datetime(2023, 4, 1, 9, 5), "SHORT_DATETIME_FORMAT").startswith(written)
