"""Columns of an import declaration: how a cell is read (and shown back in the preview) and exported.

A column reads a cell into a Python value or raises ValidationError with a message for the user;
`shown` is what the preview prints as understood ("24.01.2018" for a typed 43124). An empty cell
reads as EMPTY: the importer keeps the stored value unless the user chose that empty cells clear.
"""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from portal.decimals import read_decimal
from portal.text import decimal_text, fold, in_active_script

from .writing import FORMULA_STARTS

EMPTY = object()
LANGUAGES = ("sr-latn", "sr", "en")


class Column:
    def __init__(self, field, header, *, aliases=(), required=False, required_message=None, export=True):
        self.field = field  # the model field (or the declaration's own name) the cell fills
        self.header = header  # the header an export writes; the import accepts it and the aliases
        self.aliases = aliases
        self.required = required
        self.required_message = required_message  # said of an empty required cell, instead of "required"
        self.exported = export

    @property
    def label(self):
        """The header as a page names the column (the preview's errors and table, the upload page): in the
        active script. The file's own headers are shown as the file has them; `header` is what an export
        writes."""
        return in_active_script(self.header)

    def names(self):
        return {fold(self.header), fold(self.field), *(fold(alias) for alias in self.aliases)}

    @staticmethod
    def typed(raw):
        """The cell as the user typed it, as text."""
        if raw is None:
            return ""
        if isinstance(raw, datetime) and raw.time() == datetime.min.time():
            return raw.strftime("%d.%m.%Y")
        if isinstance(raw, float) and raw.is_integer():
            return str(int(raw))
        return str(raw).strip()

    def read(self, raw, context):
        """(value, shown, warnings) of a cell; EMPTY for an empty one."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return EMPTY, "", []
        value = self.parse(raw, context)
        return value, self.show(value, context), []

    def parse(self, raw, context):
        return self.text(raw)

    def text(self, raw):
        text = self.typed(raw)  # control characters are the model's to refuse, with a message
        if "\ufffd" in text:
            raise ValidationError(_("A character of this cell could not be read (shown as �): correct it."))
        if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_STARTS:
            text = text[1:]  # a CSV export neutralised a formula so; take it back off
        return text

    def show(self, value, context):
        """A value as the preview and the export's reader see it."""
        if value is None or value is EMPTY:
            return ""
        return str(value)

    def export(self, value, context):
        """A value as an export writes it (the import reads it back)."""
        return value


class TextColumn(Column):
    pass


class PhoneColumn(Column):
    """Read as text; a number in a cell has lost any leading zero, which the preview warns of."""

    def read(self, raw, context):
        value, shown, warnings = super().read(raw, context)
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            warnings.append(
                _("The cell holds the number %(number)s: a leading zero may have been lost. Type the phone as text.")
                % {"number": value}
            )
        return value, shown, warnings


class DateColumn(Column):
    """dd.mm.yyyy (24.1.2018. too), yyyy-mm-dd, dd/mm/yyyy, dd-mm-yyyy, yyyy.mm.dd, a real date cell or its
    serial number; a midnight time after it (an export's "24.01.2018 00:00:00") is read as the date, any
    other time refused. The admin's date fields take the same forms (youthnet.formats)."""

    DOT = r"\s*\.\s*"
    PATTERNS = [
        (re.compile(rf"^(\d{{1,2}}){DOT}(\d{{1,2}}){DOT}(\d{{4}})\s*\.?$"), ("day", "month", "year")),
        (re.compile(rf"^(\d{{4}}){DOT}(\d{{1,2}}){DOT}(\d{{1,2}})\s*\.?$"), ("year", "month", "day")),
        (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("year", "month", "day")),
        (re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$"), ("day", "month", "year")),
        (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), ("day", "month", "year")),
    ]
    SERIAL = re.compile(r"^\d{5}(\.0+)?$")
    TIME = re.compile(r"^(?P<date>.*?)(?:\s+|T)(?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$")

    def parse(self, raw, context):
        if isinstance(raw, datetime):
            self.check_midnight(raw.time() == datetime.min.time(), self.typed(raw))
            return raw.date()
        if isinstance(raw, date):
            return raw
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            self.check_midnight(float(raw).is_integer(), self.typed(raw))
            return self.serial(raw)
        text = self.text(raw)
        timed = self.TIME.match(text)
        if timed:
            self.check_midnight(not any(int(part) for part in re.split(r"[:.]", timed["time"])), text)
            text = timed["date"].strip()
        if self.SERIAL.match(text):
            return self.serial(float(text))
        for pattern, order in self.PATTERNS:
            match = pattern.match(text)
            if match:
                parts = dict(zip(order, (int(group) for group in match.groups()), strict=True))
                try:
                    return date(parts["year"], parts["month"], parts["day"])
                except ValueError:
                    raise ValidationError(
                        _("The date %(date)s does not exist.") % {"date": text}, code="no_such_date"
                    ) from None
        raise ValidationError(
            _("Enter a date as dd.mm.yyyy (15.03.2017) or yyyy-mm-dd (2017-03-15)."), code="invalid_date"
        )

    @staticmethod
    def check_midnight(is_midnight, typed):
        # An export writes a date with a midnight time; another time is a moment, not a day: which day was meant?
        if not is_midnight:
            raise ValidationError(
                _("%(typed)s holds a time of day: give the date alone (dd.mm.yyyy).") % {"typed": typed},
                code="date_with_time",
            )

    def serial(self, number):
        # A date typed in a "General" cell is kept as its serial number: 43124 is 24.01.2018.
        if not 1 <= number < 2958466:
            raise ValidationError(_("%(number)s is not a date.") % {"number": self.typed(number)}, code="invalid_date")
        return from_excel(number).date()

    def show(self, value, context):
        return date_format(value, "SHORT_DATE_FORMAT") if value else ""


class DecimalColumn(Column):
    """A decimal number with a comma or a point; `example` (a sensible value of this column, such as
    "2.5" hours) is shown in the language's own way when a cell is not a number.

    More decimals than `places` are rounded (`round_extra=True`, for GPS sheets, which give more decimals
    than a metre needs) or refused with Django's own message, as a form's DecimalField refuses them
    (`round_extra=False`, for hours: "2,25" is not silently "2,2"). Trailing zeros are not decimals: "2,50"
    is 2,5."""

    def __init__(self, *args, places=5, example="2.5", round_extra=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.places = places
        self.quantum = Decimal(1).scaleb(-places)
        self.example = Decimal(example)
        self.round_extra = round_extra

    def parse(self, raw, context):
        value = read_decimal(self.text(raw))  # "2,5" or "2.5"; never "4_5" or "1e3", which Decimal() reads
        try:
            if value is None:
                raise InvalidOperation
            rounded = value.quantize(self.quantum)
        except InvalidOperation:
            raise ValidationError(
                _("Enter a number, such as %(example)s.") % {"example": decimal_text(self.example)},
                code="invalid_number",
            ) from None
        if not self.round_extra and rounded != value:
            DecimalValidator(max_digits=None, decimal_places=self.places)(value.normalize())
        return rounded

    def show(self, value, context):
        if value is None or value is EMPTY:
            return ""
        return decimal_text(value)


class IntegerColumn(Column):
    def parse(self, raw, context):
        if isinstance(raw, float) and raw.is_integer():
            return int(raw)
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        text = self.text(raw)
        if not re.fullmatch(r"\d{1,9}", text):
            raise ValidationError(_("Enter a whole number."), code="invalid_number")
        return int(text)


class ChoiceColumn(Column):
    """One of a TextChoices' values, read as its label in any of the three languages or as its code."""

    def __init__(self, *args, choices, words=None, offered=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.extra_words = words or {}  # more spellings: {"otvorena": "open"}
        self.offered = offered  # the values an unknown word's message lists (default: all of them)
        self._words = None

    def words(self):
        if self._words is None:
            words = {fold(word): value for word, value in self.extra_words.items()}
            for language in LANGUAGES:
                with translation.override(language):
                    for value, label in self.choices.choices:
                        words[fold(str(label))] = value
                        words[fold(str(value))] = value
            self._words = words
        return self._words

    def parse(self, raw, context):
        folded = fold(self.text(raw))
        if folded not in self.words():
            offered = self.offered if self.offered is not None else self.choices.values
            options = ", ".join(str(label) for value, label in self.choices.choices if value in offered)
            raise ValidationError(_("Write one of: %(options)s.") % {"options": options}, code="invalid_choice")
        return self.words()[folded]

    def show(self, value, context):
        return str(self.choices(value).label) if value else ""

    def export(self, value, context):
        return self.show(value, context)


class YesNoColumn(Column):
    TRUE = ("da", "yes", "true", "1", "x", "да")
    FALSE = ("ne", "no", "false", "0", "не")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._words = None

    def words(self):
        """Every spelling of yes and no, in each language: worked out once, as ChoiceColumn.words is."""
        if self._words is None:
            words = {fold(word): True for word in self.TRUE} | {fold(word): False for word in self.FALSE}
            for language in LANGUAGES:
                with translation.override(language):
                    words[fold(_("yes"))], words[fold(_("no"))] = True, False
            self._words = words
        return self._words

    def parse(self, raw, context):
        if isinstance(raw, bool):
            return raw
        folded = fold(self.text(raw))
        words = self.words()
        if folded not in words:
            raise ValidationError(_("Write yes or no (da or ne)."), code="invalid_yes_no")
        return words[folded]

    def show(self, value, context):
        return _("yes") if value else _("no")

    def export(self, value, context):
        return self.show(value, context)


class AreaColumn(Column):
    """A municipality by any spelling of its name or its code (context.areas: an AreaLookup)."""

    def parse(self, raw, context):
        return context.areas.find(self.text(raw))

    def show(self, value, context):
        return context.areas.label(value) if value else ""

    def export(self, value, context):
        return self.show(value, context)
