"""`{% map_stylesheets %}` and `{% map_scripts %}`: what a page with a map loads (portal's map.js and Leaflet).

Written in Python once per process (and language): nothing in them changes with the data, and as
template includes they cost a page more than all the rest of its <head>.
"""

import functools

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.utils.html import format_html_join, json_script
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

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
    return _tags('<link rel="stylesheet" href="{}">', STYLESHEETS, settings.STATIC_URL)


@register.simple_tag
def map_scripts():
    config = _config_script(get_language(), settings.MAP_TILE_URL, settings.MAP_TILE_ATTRIBUTION)
    return config + _tags('<script src="{}"></script>', SCRIPTS, settings.STATIC_URL)


@functools.cache
def _tags(pattern, paths, static_url):
    return mark_safe("\n" + format_html_join("\n", pattern, ((static(path),) for path in paths)))


@functools.cache
def _config_script(language, tile_url, attribution):
    """The settings and words the map script needs (static/js/map.js reads them)."""
    config = {
        "tileUrl": tile_url,
        "attribution": attribution,
        "statuses": {value: str(label) for value, label in OfficeStatus.choices},
        "openPage": _("Open the office page"),
        "opened": _("Opened"),
        "loadError": _("The offices could not be loaded on the map; check the filters above."),
    }
    return json_script(config, "map-config")


@receiver(setting_changed)
def _forget(**_arguments):
    """A test that changes the settings (static files storage, tiles) gets tags written anew."""
    _tags.cache_clear()
    _config_script.cache_clear()
