"""`{% map_config_script %}`: the settings and words the map script needs, as a JSON <script>."""

import functools

from django import template
from django.conf import settings
from django.utils.html import json_script
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from offices.models import OfficeStatus

register = template.Library()


@register.simple_tag
def map_config_script():
    return _map_config_script(get_language(), settings.MAP_TILE_URL, settings.MAP_TILE_ATTRIBUTION)


@functools.cache
def _map_config_script(language, tile_url, attribution):
    """Written once per language (and tile settings) in each process: nothing in it changes with the data."""
    config = {
        "tileUrl": tile_url,
        "attribution": attribution,
        "statuses": {value: str(label) for value, label in OfficeStatus.choices},
        "openPage": _("Open the office page"),
        "opened": _("Opened"),
        "loadError": _("The offices could not be loaded on the map; check the filters above."),
    }
    return json_script(config, "map-config")
