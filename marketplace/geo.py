"""Places in the Netherlands: geocoding with PDOK Locatieserver, an offline table, distances.

`locate(query)` is what the rest of the code asks: a postcode ("3511", "3511 AB") or a place name
becomes a `Place`. It asks PDOK Locatieserver (the government's free geocoder, `GEOCODER_URL`);
only when that cannot be reached (switched off, down, slow beyond `GEOCODER_TIMEOUT`) does it fall
back to the shipped tables (`marketplace/data/places_nl.csv`, `postcodes_nl.csv`: a centroid per
town and 4-digit postcode range). `geocode(query)` is the geocoder alone, for callers that must
know that it could not answer (an initiative's place stays empty rather than a town centroid).
"""

import csv
import logging
import math
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import requests
from flask import current_app, has_app_context
from sqlalchemy import and_

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_GEOCODER_URL = "https://api.pdok.nl/bzk/locatieserver/search/v3_1"
DEFAULT_GEOCODER_TIMEOUT = 3.0
EARTH_RADIUS_KM = 6371.0088
POSTCODE = re.compile(r"^([1-9][0-9]{3})\s*([A-Za-z]{2})?$")
POINT = re.compile(r"^POINT\(\s*(-?[0-9.]+)\s+(-?[0-9.]+)\s*\)$")
FIELDS = "id,type,weergavenaam,postcode,woonplaatsnaam,gemeentenaam,provincienaam,centroide_ll"
QUERY_MAX = 100
KM_PER_DEGREE_LATITUDE = 110.574
KM_PER_DEGREE_LONGITUDE_AT_EQUATOR = 111.320


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km on a sphere of the mean Earth radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def within_radius(latitude_column, longitude_column, latitude: float, longitude: float, radius_km):
    """A SQL condition: the row's coordinates lie within `radius_km` of the point.

    A bounding box first (what an index on the columns can use), then the equirectangular
    distance, exact to a fraction of a percent at the scale of the Netherlands, in plain
    arithmetic (SQLite has no trigonometry): the cosine is a constant of the query.
    """
    km_lon = KM_PER_DEGREE_LONGITUDE_AT_EQUATOR * max(math.cos(math.radians(latitude)), 0.01)
    lat_span, lon_span = radius_km / KM_PER_DEGREE_LATITUDE, radius_km / km_lon
    dy = (latitude_column - latitude) * KM_PER_DEGREE_LATITUDE
    dx = (longitude_column - longitude) * km_lon
    return and_(
        latitude_column.between(latitude - lat_span, latitude + lat_span),
        longitude_column.between(longitude - lon_span, longitude + lon_span),
        dy * dy + dx * dx <= radius_km * radius_km,
    )


@dataclass(frozen=True)
class Place:
    name: str
    province: str
    latitude: float
    longitude: float
    postcode: str = ""  # "3511 AB" when the place is a postcode
    municipality: str = ""
    source: str = "table"  # "pdok" or "table" (the offline fallback)


class GeocoderUnavailable(Exception):
    """The geocoder could not be asked or gave no usable answer (off, down, slow, malformed)."""


# --------------------------------------------------------------------------- the geocoder
def geocoder_settings() -> tuple[str, float]:
    """(base URL, timeout in seconds); an empty URL switches the geocoder off."""
    if has_app_context():
        config = current_app.config
        url = config.get("GEOCODER_URL", DEFAULT_GEOCODER_URL)
        timeout = config.get("GEOCODER_TIMEOUT", DEFAULT_GEOCODER_TIMEOUT)
    else:
        url = os.environ.get("GEOCODER_URL", DEFAULT_GEOCODER_URL)
        timeout = os.environ.get("GEOCODER_TIMEOUT", DEFAULT_GEOCODER_TIMEOUT)
    return (url or "").rstrip("/"), float(timeout)


def _search(query: str) -> dict:
    """The Locatieserver `/free` parameters for a postcode (6 or 4 characters) or a place."""
    text = " ".join(query.split())
    match = POSTCODE.match(text)
    if match and match.group(2):
        return {"q": f"postcode:{match.group(1)}{match.group(2).upper()}", "fq": "type:postcode"}
    if match:
        return {"q": f"postcode:{match.group(1)}*", "fq": "type:postcode"}
    # Solr syntax in a place name would change the query's meaning: keep letters and the like.
    words = re.sub(r"[^\w\s'.-]", " ", text).strip()
    return {"q": words, "fq": "type:(woonplaats OR gemeente)"}


def geocode(query: str) -> Place | None:
    """Ask PDOK Locatieserver; None when it knows no such postcode or place.

    Raises GeocoderUnavailable when it cannot answer (no `GEOCODER_URL`, a network error, a
    timeout, an error status or an answer without coordinates).
    """
    text = (query or "").strip()[:QUERY_MAX]
    if not text or "\x00" in text:
        return None
    url, timeout = geocoder_settings()
    if not url:
        raise GeocoderUnavailable("no GEOCODER_URL")
    params = {**_search(text), "fl": FIELDS, "rows": 1}
    if not params["q"]:
        return None
    try:
        response = requests.get(
            f"{url}/free", params=params, timeout=timeout, headers={"Accept": "application/json"}
        )
        response.raise_for_status()
        docs = response.json()["response"]["docs"]
    except (requests.RequestException, ValueError, KeyError, TypeError) as error:
        log.warning("geocoder did not answer for %r: %s", text, error)
        raise GeocoderUnavailable(str(error)) from error
    if not docs:
        return None
    return _place(docs[0], text)


def _place(doc: dict, query: str) -> Place:
    match = POINT.match(str(doc.get("centroide_ll", "")))
    if not match:
        raise GeocoderUnavailable("an answer without coordinates")
    longitude, latitude = float(match.group(1)), float(match.group(2))
    town = doc.get("woonplaatsnaam") or doc.get("gemeentenaam") or ""
    postcode = ""
    if doc.get("type") == "postcode" and doc.get("postcode"):
        code = str(doc["postcode"]).upper()
        asked = POSTCODE.match(" ".join(query.split()))
        postcode = f"{code[:4]} {code[4:]}" if asked and asked.group(2) else code[:4]
        name = f"{postcode} {town}".strip()
    else:
        name = town or str(doc.get("weergavenaam", query))
    return Place(
        name=name,
        province=str(doc.get("provincienaam") or ""),
        latitude=latitude,
        longitude=longitude,
        postcode=postcode,
        municipality=str(doc.get("gemeentenaam") or ""),
        source="pdok",
    )


def locate(query: str) -> Place | None:
    """A postcode ("3511", "3511 AB") or a place name → where it is, for distances and maps.

    The geocoder answers; the shipped table only when the geocoder cannot be reached.
    """
    try:
        return geocode(query)
    except GeocoderUnavailable:
        return locate_offline(query)


# ------------------------------------------------------------------------ the offline table
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


def locate_offline(query: str) -> Place | None:
    """The shipped table: the centre of the town a postcode range or a place name belongs to."""
    text = (query or "").strip()
    match = POSTCODE.match(text)
    if match:
        number = int(match.group(1))
        for first, last, name in postcode_ranges():
            if first <= number <= last:
                return places().get(name.casefold())
        return None
    return places().get(text.casefold())
