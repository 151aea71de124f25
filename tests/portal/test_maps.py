"""What a map page hands its script (`{% map_scripts %}`): Leaflet's own words in the page's language."""

import json
import re

import pytest

pytestmark = pytest.mark.django_db

LEAFLET_WORDS = {
    "": ("Uvećaj", "Umanji", "JavaScript biblioteka za interaktivne mape"),
    "/sr": ("Увећај", "Умањи", "JavaScript библиотека за интерактивне мапе"),
    "/en": ("Zoom in", "Zoom out", "A JavaScript library for interactive maps"),
}


def map_config(page):
    return json.loads(re.search(r'<script id="map-config" type="application/json">(.*?)</script>', page).group(1))


@pytest.mark.parametrize("prefix", list(LEAFLET_WORDS))
@pytest.mark.parametrize("url", ["/", "/offices/map/", "/offices/sabac/"])
def test_map_pages_give_leaflet_its_words_in_the_pages_language(client, prefix, url):
    config = map_config(client.get(prefix + url).text)

    assert (config["zoomIn"], config["zoomOut"], config["leafletTitle"]) == LEAFLET_WORDS[prefix]
