"""Rules written once, used by models' clean(), forms, the admin and the importers."""

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
                "area": area.name,
            },
        )


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
