"""English: ISO first, as Django's English does; the Serbian day.month.year forms too."""

from django.conf.locale.en import formats as django_english

from youthnet.formats import SERBIAN_DATES, datetimes

DATE_INPUT_FORMATS = [*django_english.DATE_INPUT_FORMATS, *SERBIAN_DATES]
DATETIME_INPUT_FORMATS = [*django_english.DATETIME_INPUT_FORMATS, *datetimes(SERBIAN_DATES)]
