"""English: day, month, year, as the portal's English readers (European partners and funders) write
it: "1 February 2019", short "1 Feb 2019". Django's US forms ("02/01/2019", "Feb. 1, 2019") read as
either 2 January or 1 February to them. Input: ISO first, as Django's English does (its other forms
too, as before); the Serbian day.month.year forms too."""

from django.conf.locale.en import formats as django_english

from youthnet.formats import SERBIAN_DATES, datetimes

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"

DATE_INPUT_FORMATS = [*django_english.DATE_INPUT_FORMATS, *SERBIAN_DATES]
DATETIME_INPUT_FORMATS = [*django_english.DATETIME_INPUT_FORMATS, *datetimes(SERBIAN_DATES)]
