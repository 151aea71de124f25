"""Date formats the admin's forms accept, in every language (FORMAT_MODULE_PATH).

Staff type dates the way the spreadsheet import reads them: 24.01.2018, 24.1.2018. or 2018-01-24,
whatever the interface language. Each language module puts its own display format first (the
admin shows a date in the first one) and adds the others; everything else comes from Django's
own format module for the language. "sr-latn" finds the "sr" module (Django tries "sr_Latn",
then "sr").
"""

SERBIAN_DATES = ["%d.%m.%Y.", "%d.%m.%Y", "%d. %m. %Y.", "%d. %m. %Y"]
ISO_DATE = "%Y-%m-%d"
TIMES = ["%H:%M:%S", "%H:%M:%S.%f", "%H:%M"]


def datetimes(dates):
    return [f"{date} {time}" for date in dates for time in TIMES]
