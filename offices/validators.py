"""Rules written once, used by models' clean(), forms, the admin and the importers."""

import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from areas.borders import country_contains
from areas.models import Area


def validate_point_in_area_country(area, latitude, longitude):
    if area is None or latitude is None or longitude is None:
        return
    if not country_contains(area.country_code, latitude, longitude):
        country = Area.objects.filter(code=area.country_code).first()
        raise ValidationError(
            _("The coordinates %(lat)s, %(lon)s lie outside %(country)s, the country of %(area)s."),
            code="outside_country",
            params={
                "lat": latitude,
                "lon": longitude,
                "country": country.local_name if country else area.country_code,
                "area": area.local_name,
            },
        )


PHONE_CHARACTERS = re.compile(r"[0-9 +/\-().]*")
PHONE_MIN_DIGITS = 6


def validate_phone(value):
    """A phone as people write it ("063/123-456", "+387 33 123 456", "011 3226 178"): digits, spaces and
    + / - ( ) . only, with enough digits to dial; the office page links it as tel:, so words cannot pass."""
    if not value:
        return
    if not PHONE_CHARACTERS.fullmatch(value) or sum(char.isdigit() for char in value) < PHONE_MIN_DIGITS:
        raise ValidationError(
            _(
                "Enter a phone number: digits, spaces and + / - ( ) . only, at least %(digits)s digits "
                "(for example 063/123-456 or +387 33 123 456)."
            ),
            code="invalid_phone",
            params={"digits": PHONE_MIN_DIGITS},
        )


def tel_uri(phone):
    """The tel: link of a valid phone ("063/123-456" → "tel:063123456"); "" for a phone stored before the
    rule that it breaks, shown as text then, never linked as "tel:pozoviteme"."""
    try:
        validate_phone(phone)
    except ValidationError:
        return ""
    if not phone:
        return ""
    return "tel:" + ("+" if phone.lstrip().startswith("+") else "") + "".join(c for c in phone if c.isdigit())


def validate_postal_code(value):
    """A postal code of Serbia or Bosnia and Herzegovina: five digits."""
    if value and not re.fullmatch(r"[0-9]{5}", value):
        raise ValidationError(_("Enter a postal code of 5 digits (for example 15000)."), code="invalid_postal_code")


def validate_not_in_future(value, label):
    if value is not None and value > timezone.localdate():
        raise ValidationError(_("%(label)s cannot be in the future."), code="future_date", params={"label": label})


def raise_collected(checks):
    """Run (field, check) pairs and raise their errors together, each on its field."""
    errors = {}
    for name, check in checks:
        try:
            check()
        except ValidationError as error:
            errors.setdefault(name, error)
    if errors:
        raise ValidationError(errors)
