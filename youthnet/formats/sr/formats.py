"""Serbian, both scripts: day.month.year first, as Serbian writes it; ISO dates too.

A day of a month names the month in the genitive, "20. aprila 2018." (`E`: the "alt. month" names,
which our catalogue translates, portal/library_strings.py); a month alone stays nominative ("april 2018.").
"""

from youthnet.formats import ISO_DATE, OTHER_DATES, SERBIAN_DATES, datetimes, with_midnight

DATE_INPUT_FORMATS = with_midnight([*SERBIAN_DATES, ISO_DATE, *OTHER_DATES])
DATETIME_INPUT_FORMATS = datetimes([*SERBIAN_DATES, ISO_DATE])

DATE_FORMAT = "j. E Y."
# Short dates in figures keep two digits for day and month and end with the dot of an ordinal,
# "01.04.2023." (Django's own "j.m.Y." writes "1.04.2023.", mixing the two).
SHORT_DATE_FORMAT = "d.m.Y."
SHORT_DATETIME_FORMAT = "d.m.Y. H:i"
DATETIME_FORMAT = "j. E Y. H:i"
MONTH_DAY_FORMAT = "j. E"
