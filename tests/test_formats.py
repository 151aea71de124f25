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


def test_english_dates_are_day_month_year_with_the_month_in_words():
    with translation.override("en"):
        written = [date_format(date(2019, 2, 1)), date_format(date(2023, 9, 2)), date_format(date(2018, 4, 20))]
        short = [date_format(date(2019, 2, 1), "SHORT_DATE_FORMAT"), date_format(date(2023, 9, 2), "SHORT_DATE_FORMAT")]
        with_time = date_format(datetime(2019, 2, 1, 9, 30), "DATETIME_FORMAT")
        day_of_month = date_format(date(2019, 2, 1), "MONTH_DAY_FORMAT")

    assert written == ["1 February 2019", "2 September 2023", "20 April 2018"]  # never "Sept. 2, 2023"
    assert short == ["1 Feb 2019", "2 Sep 2023"]  # never "02/01/2019": 2 January or 1 February?
    assert (with_time, day_of_month) == ("1 February 2019, 09:30", "1 February")


@pytest.mark.parametrize("typed", ["2019-02-01", "01.02.2019.", "1.2.2019", "01/02/2019", "1 Feb 2019"])
def test_english_forms_read_iso_serbian_and_day_first_dates(typed):
    from django import forms

    with translation.override("en"):
        assert forms.DateField(localize=True).clean(typed) == date(2019, 2, 1)


@pytest.mark.parametrize(
    ("language", "written"), [("sr-latn", "01.04.2023."), ("sr", "01.04.2023."), ("en", "1 Apr 2023")]
)
def test_short_dates_are_padded_and_serbian_ones_end_with_a_dot(language, written):
    with translation.override(language):
        assert date_format(date(2023, 4, 1), "SHORT_DATE_FORMAT") == written
        assert date_format(datetime(2023, 4, 1, 9, 5), "SHORT_DATETIME_FORMAT").startswith(written)


def test_english_reads_a_date_in_slashes_day_first_as_it_writes_it():
    from django import forms

    field = forms.DateField(localize=True)
    with translation.override("en"):
        typed = [field.clean(text) for text in ("02/01/2019", "2 Jan 2019", "2019-01-02", "02.01.2019.", "2.1.2019")]
        written = date_format(date(2019, 1, 2), "SHORT_DATE_FORMAT")
    assert typed == [date(2019, 1, 2)] * 5
    assert written == "2 Jan 2019"
