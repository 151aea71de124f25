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
    config = _config_script(get_language(), settings.MAP_TILE_URL, settings.MAP_TILE_ATTRIBUTION)
    return config + _tags('<script src="{}"></script>', SCRIPTS)


def _tags(pattern, paths):
    return mark_safe("\n" + format_html_join("\n", pattern, ((static(path),) for path in paths)))


@functools.cache
def _config_script(language, tile_url, attribution):
    """The settings and words the map script needs (static/js/map.js reads them), in `language` (the
    active one): made once per language, as escaping the outlines for a <script> is most of a map
    page's template time."""
    config = {
        "tileUrl": tile_url,
        "attribution": attribution,
        "statuses": {value: str(label) for value, label in OfficeStatus.choices},
        "openPage": _("Open the office page"),
        "opened": _("Opened"),
        "loadError": _("The offices could not be loaded on the map; check the filters above."),
        # Leaflet's own words, which it writes in English unless told otherwise.
        "zoomIn": _("Zoom in"),
        "zoomOut": _("Zoom out"),
        "leafletTitle": _("A JavaScript library for interactive maps"),
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
