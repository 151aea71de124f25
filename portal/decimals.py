"""Decimals as people type them: "4,5" or "4.5" alike, whatever the page's language.

Django's localized DecimalField reads only the language's own separator (English refuses "4,5";
with thousand separators on it would even read it as 45). Staff copy hours from Serbian sheets into
the English admin and the other way round, as the spreadsheet import already takes both
(imports.columns.DecimalColumn reads its cells with `read_decimal` too), so a decimal takes a comma or a point as the mark and
nothing else: no thousand separators, no "4_5" that Python's Decimal would read as 45.
"""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

TYPED_DECIMAL = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")


def read_decimal(text):
    """The Decimal of "4,5", "4.5", " 4 " or ",5"; None for anything else."""
    text = text.strip()
    if not TYPED_DECIMAL.fullmatch(text):
        return None
    return Decimal(text.replace(",", "."))


class DecimalField(forms.DecimalField):
    """A form's DecimalField that reads a comma or a point (shown in the language's own way when localized)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            number = read_decimal(value)
            if number is None:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            return number
        return super().to_python(value)
