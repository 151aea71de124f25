"""Date formats the admin's forms accept, in every language (FORMAT_MODULE_PATH).

Staff type dates the way the spreadsheet import reads them: 24.01.2018, 24.1.2018. or 2018-01-24,
whatever the interface language. Each language module puts its own display format first (the
admin shows a date in the first one) and adds the others; everything else comes from Django's
own format module for the language. "sr-latn" finds the "sr" module (Django tries "sr_Latn",
then "sr").
"""

SERBIAN_DATES = ["%d.%m.%Y.", "%d.%m.%Y", "%d. %m. %Y.", "%d. %m. %Y"]
ISO_DATE = "%Y-%m-%d"
# What else the import reads (imports.columns.DateColumn), so a date pasted from a file is taken here too.
OTHER_DATES = ["%d/%m/%Y", "%d-%m-%Y", "%Y.%m.%d.", "%Y.%m.%d"]


def with_midnight(dates):
    """The forms, and each with the midnight time an export writes after a date ("24.01.2018 00:00:00"):
    a date field takes the day, and refuses any other time, as the import does."""
    return [*dates, *(f"{date} {time}" for time in ("00:00:00", "00:00") for date in dates)]


TIMES = ["%H:%M:%S", "%H:%M:%S.%f", "%H:%M"]


def datetimes(dates):
    return [f"{date} {time}" for date in dates for time in TIMES]
