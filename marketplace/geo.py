"""Places in the Netherlands: postcode and place-name lookup, distances.

The shipped tables (`marketplace/data/places_nl.csv`, `postcodes_nl.csv`) give a centroid per place
and 4-digit postcode range, for distances without a network call.
"""

import csv
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km on a sphere of the mean Earth radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class Place:
    name: str
    province: str
    latitude: float
    longitude: float


def _rows(filename: str):
    with (DATA_DIR / filename).open(encoding="utf-8") as handle:
        yield from csv.DictReader(line for line in handle if not line.startswith("#"))


@lru_cache(maxsize=1)
def places() -> dict[str, Place]:
    """Place centroids from marketplace/data/places_nl.csv, by case-folded name."""
    return {
        row["name"].casefold(): Place(
            row["name"], row["province"], float(row["latitude"]), float(row["longitude"])
        )
        for row in _rows("places_nl.csv")
    }


@lru_cache(maxsize=1)
def postcode_ranges() -> list[tuple[int, int, str]]:
    """(first, last, place) ranges of 4-digit postcodes from marketplace/data/postcodes_nl.csv."""
    return [(int(r["from"]), int(r["to"]), r["place"]) for r in _rows("postcodes_nl.csv")]


def locate(query: str) -> Place | None:
    """A postcode ("3511", "3511 AB") or a place name → the centroid used for distances."""
    text = (query or "").strip()
    match = re.match(r"^(\d{4})\s*([A-Za-z]{2})?$", text)
    if match:
        number = int(match.group(1))
        for first, last, name in postcode_ranges():
            if first <= number <= last:
                return places().get(name.casefold())
        return None
    return places().get(text.casefold())
