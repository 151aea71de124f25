"""English: day, month, year, as the portal's English readers (European partners and funders) write
it: "1 February 2019", short "1 Feb 2019". Django's US forms ("02/01/2019", "Feb. 1, 2019") read as
either 2 January or 1 February to them. Input: ISO first, as Django's English does, and its forms
with a month's name; a date in slashes is day first ("02/01/2019" is 2 January, as the import reads
it and as the page writes it); the Serbian day.month.year forms too."""

from django.conf.locale.en import formats as django_english

from youthnet.formats import OTHER_DATES, SERBIAN_DATES, datetimes, with_midnight

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"

# Django's "%m/%d/%Y" and "%m/%d/%y" turned day first.
DAY_FIRST = {"%m/%d/%Y": "%d/%m/%Y", "%m/%d/%y": "%d/%m/%y"}
ENGLISH_DATES = [DAY_FIRST.get(form, form) for form in django_english.DATE_INPUT_FORMATS]
DATE_INPUT_FORMATS = with_midnight(
    ENGLISH_DATES + SERBIAN_DATES + [form for form in OTHER_DATES if form not in ENGLISH_DATES]
)
DATETIME_INPUT_FORMATS = [*django_english.DATETIME_INPUT_FORMATS, *datetimes(SERBIAN_DATES)]
