"""Serbian, both scripts: day.month.year first, as Serbian writes it; ISO dates too."""

from youthnet.formats import ISO_DATE, SERBIAN_DATES, datetimes

DATE_INPUT_FORMATS = [*SERBIAN_DATES, ISO_DATE]
DATETIME_INPUT_FORMATS = datetimes(DATE_INPUT_FORMATS)
