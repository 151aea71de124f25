"""Country outlines, for checking that a coordinate lies in the right country.

data/borders.json holds a simplified outline of each country (a little generous, so that a
seat near the border is inside): good enough to catch swapped or mistyped coordinates.
"""

import json
from functools import cache
from pathlib import Path

BORDERS_FILE = Path(__file__).parent / "data" / "borders.json"


@cache
def outlines():
    with BORDERS_FILE.open(encoding="utf-8") as handle:
        return {code: [(float(lon), float(lat)) for lon, lat in ring] for code, ring in json.load(handle).items()}


def _inside(ring, lon, lat):
    """Ray casting: count the edges a ray from the point to the east crosses."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat):
            crossing = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < crossing:
                inside = not inside
    return inside


def country_contains(country_code, latitude, longitude):
    """True if the point lies in the country; True as well for a country we have no outline of."""
    ring = outlines().get(country_code)
    if ring is None:
        return True
    return _inside(ring, float(longitude), float(latitude))
