from django.conf import settings
from django.utils.translation import gettext as _

from offices.models import OfficeStatus


def _map_config():
    return {
        "tileUrl": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "statuses": {value: str(label) for value, label in OfficeStatus.choices},
        "openPage": _("Open the office page"),
        "opened": _("Opened"),
        "loadError": _("The offices could not be loaded on the map; check the filters above."),
    }


def map_config(request):
    """Settings and words the map script needs."""
    return {"map_config": _map_config}
