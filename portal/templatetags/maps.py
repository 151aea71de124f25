"""`{% map_stylesheets %}` and `{% map_scripts %}`: what a page with a map loads (portal's map.js and Leaflet).

The map's settings and words go to the script as JSON (json_script), as the CSP forbids inline code.
"""

import functools

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html_join, json_script
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from areas.borders import outlines
from offices.models import OfficeStatus

register = template.Library()

STYLESHEETS = (
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet.markercluster/MarkerCluster.css",
    "vendor/leaflet.markercluster/MarkerCluster.Default.css",
)
SCRIPTS = ("vendor/leaflet/leaflet.js", "vendor/leaflet.markercluster/leaflet.markercluster.js", "js/map.js")


@register.simple_tag
def map_stylesheets():
    return _tags('<link rel="stylesheet" href="{}">', STYLESHEETS)


@register.simple_tag
def map_scripts():
    return _config_script(get_language()) + _tags('<script src="{}"></script>', SCRIPTS)


def _tags(pattern, paths):
    return mark_safe("\n" + format_html_join("\n", pattern, ((static(path),) for path in paths)))


def _config_script(language):
    """The settings and words the map script needs (static/js/map.js reads them), in `language`."""
    config = {
        "tileUrl": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "statuses": {value: str(label) for value, label in OfficeStatus.choices},
        "openPage": _("Open the office page"),
        "opened": _("Opened"),
        "loadError": _("The offices could not be loaded on the map; check the filters above."),
        "outlines": _outlines_geojson(),
    }
    return json_script(config, "map-config")


@functools.cache
def _outlines_geojson():
    """The country outlines areas/borders.py holds (some 2 KB), drawn under the tiles: the map
    still shows where an office lies when the tile server cannot be reached."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"country": code},
                "geometry": {"type": "Polygon", "coordinates": [[[round(lon, 3), round(lat, 3)] for lon, lat in ring]]},
            }
            for code, ring in sorted(outlines().items())
        ],
    }
