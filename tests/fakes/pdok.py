"""In-memory fake of PDOK Locatieserver v3.1 (`/free`), served over real HTTP.

Usage::

    with fake_pdok() as pdok:                      # or FakePdok().start() / .stop()
        pdok.add_postcode("3511AB", 52.0907, 5.1214, woonplaats="Utrecht")
        requests.get(pdok.api_url + "/free", params={"q": "postcode:3511AB", "fl": "*"})
        pdok.fail_next(status=503)                 # or delay_seconds=... for a slow geocoder

`api_url` is what GEOCODER_URL points at (`.../bzk/locatieserver/search/v3_1`). Like the real
service it answers only `/free` parameters of its OpenAPI document (anything else is a 400), a
document carries only the fields asked for in `fl` (default `id,weergavenaam,type,score`, as
PDOK's), and `q` is either free text (every word must occur) or `field:value`, with a trailing
`*` for a prefix. Filters (`fq`) are `field:value` or `field:(a OR b)`.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Iterator
from typing import Any

from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from .server import FakeService

__all__ = ["FakePdok", "fake_pdok"]

PREFIX = "/bzk/locatieserver/search/v3_1"
ALLOWED_PARAMS = {"q", "fq", "fl", "sort", "start", "rows", "df", "bq", "lat", "lon", "wt"}
DEFAULT_FL = "id,weergavenaam,type,score"
TITLES = {400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 429: "Too Many Requests",
          500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}  # fmt: skip
FIELD_QUERY = re.compile(r"^(\w+):(.+)$")
OR_LIST = re.compile(r"^\((.*)\)$")
FIELD_NAMES = {"id", "type", "postcode", "straatnaam", "woonplaatsnaam", "gemeentenaam",
               "provincienaam", "weergavenaam"}  # fmt: skip

# A few real places (centroids rounded), enough for a map search without setting anything up.
DEFAULT_PLACES = [
    ("Utrecht", "Utrecht", "Utrecht", 52.0907, 5.1214),
    ("Amsterdam", "Amsterdam", "Noord-Holland", 52.3728, 4.8936),
    ("Groningen", "Groningen", "Groningen", 53.2194, 6.5665),
    ("Zwolle", "Zwolle", "Overijssel", 52.5168, 6.0830),
]
DEFAULT_POSTCODES = [
    ("3511AA", "Utrecht", "Utrecht", "Utrecht", 52.0921, 5.1130),
    ("3511AB", "Utrecht", "Utrecht", "Utrecht", 52.0925, 5.1155),
    ("1012AB", "Amsterdam", "Amsterdam", "Noord-Holland", 52.3766, 4.8990),
    ("8011AB", "Zwolle", "Zwolle", "Overijssel", 52.5090, 6.0940),
    ("9711AA", "Groningen", "Groningen", "Groningen", 53.2198, 6.5682),
]


def _doc_id(prefix: str, key: str) -> str:
    return f"{prefix}-{hashlib.md5(key.encode()).hexdigest()}"  # noqa: S324 (an id, like PDOK's)


def _point(latitude: float, longitude: float) -> str:
    return f"POINT({longitude} {latitude})"


class FakePdok(FakeService):
    service_name = "FakePdok"
    default_base_url = "http://pdok.fake.invalid"
    api_prefixes = (PREFIX,)

    def __init__(self, *, seed: bool = True) -> None:
        super().__init__()
        self.docs: list[dict[str, Any]] = []
        if seed:
            for name, municipality, province, lat, lon in DEFAULT_PLACES:
                self.add_woonplaats(name, lat, lon, gemeente=municipality, provincie=province)
            for code, place, municipality, province, lat, lon in DEFAULT_POSTCODES:
                self.add_postcode(
                    code, lat, lon, woonplaats=place, gemeente=municipality, provincie=province
                )

    @property
    def api_url(self) -> str:
        return self.base_url + PREFIX

    # ------------------------------------------------------------------ test controls
    def add_postcode(
        self,
        postcode: str,
        latitude: float,
        longitude: float,
        *,
        woonplaats: str = "Utrecht",
        gemeente: str | None = None,
        provincie: str = "Utrecht",
        straat: str = "Teststraat",
    ) -> dict:
        """A 6-character postcode (type `postcode`), as the BAG has it: "3511AB"."""
        code = postcode.replace(" ", "").upper()
        return self._add(
            "postcode",
            _doc_id("pcd", code),
            f"{straat}, {code} {woonplaats}",
            latitude,
            longitude,
            postcode=code,
            straatnaam=straat,
            woonplaatsnaam=woonplaats,
            gemeentenaam=gemeente or woonplaats,
            provincienaam=provincie,
        )

    def add_woonplaats(
        self,
        name: str,
        latitude: float,
        longitude: float,
        *,
        gemeente: str | None = None,
        provincie: str = "Utrecht",
    ) -> dict:
        """A place (type `woonplaats`)."""
        municipality = gemeente or name
        return self._add(
            "woonplaats",
            _doc_id("wpl", name),
            f"{name}, {municipality}, {provincie}",
            latitude,
            longitude,
            woonplaatsnaam=name,
            gemeentenaam=municipality,
            provincienaam=provincie,
        )

    def clear(self) -> None:
        with self._lock:
            self.docs.clear()

    def _add(self, kind, doc_id, label, latitude, longitude, **fields) -> dict:
        doc = {
            "type": kind,
            "id": doc_id,
            "weergavenaam": label,
            "bron": "BAG",
            "centroide_ll": _point(latitude, longitude),
            "centroide_rd": "POINT(0 0)",
            **fields,
        }
        with self._lock:
            self.docs = [d for d in self.docs if d["id"] != doc_id] + [doc]
        return doc

    # ------------------------------------------------------------------ the service
    def build_url_map(self) -> Map:
        return Map([Rule(f"{PREFIX}/free", endpoint="api_free", methods=["GET"])])

    def error_response(self, status: int, message: str, **extra: Any) -> Response:
        body = {"title": TITLES.get(status, "Error"), "status": status, "detail": message}
        return self.json_response(body, status=status, content_type="application/problem+json")

    def idempotency_mismatch_response(self) -> Response:
        return self.error_response(400, "Idempotency keys are not used here")

    def api_free(self, request: Request) -> Response:
        unknown = sorted(set(request.args) - ALLOWED_PARAMS)
        if unknown:
            return self.error_response(400, f"unknown query parameter(s): {', '.join(unknown)}")
        try:
            rows = int(request.args.get("rows", "10"))
            start = int(request.args.get("start", "0"))
        except ValueError:
            return self.error_response(400, "rows and start must be integers")
        if not 0 <= rows <= 100 or start < 0:
            return self.error_response(400, "rows must be between 0 and 100")
        query = request.args.get("q", "*:*").strip() or "*:*"
        found = [
            (self._score(doc, query), doc)
            for doc in self.docs
            if all(self._matches(doc, f) for f in request.args.getlist("fq"))
        ]
        found = sorted(
            ((score, doc) for score, doc in found if score > 0),
            key=lambda pair: (-pair[0], pair[1]["weergavenaam"]),
        )
        fields = re.split(r"[\s,]+", request.args.get("fl", DEFAULT_FL).strip())
        docs = [self._render(doc, score, fields) for score, doc in found[start : start + rows]]
        return self.json_response(
            {
                "response": {
                    "numFound": len(found),
                    "start": start,
                    "maxScore": found[0][0] if found else 0.0,
                    "numFoundExact": True,
                    "docs": docs,
                }
            }
        )

    @staticmethod
    def _render(doc: dict, score: float, fields: list[str]) -> dict:
        full = {**doc, "score": score}
        if "*" in fields:
            return full
        return {name: full[name] for name in fields if name in full}

    @staticmethod
    def _value_matches(actual: Any, wanted: str) -> bool:
        text = str(actual).casefold()
        wanted = wanted.strip().strip('"').casefold()
        if wanted.endswith("*"):
            return text.startswith(wanted[:-1])
        return text == wanted

    def _matches(self, doc: dict, filter_query: str) -> bool:
        match = FIELD_QUERY.match(filter_query.strip())
        if not match:
            return True
        field, value = match.groups()
        options = OR_LIST.match(value.strip())
        wanted = re.split(r"\s+OR\s+", options.group(1)) if options else [value]
        return field in doc and any(self._value_matches(doc[field], w) for w in wanted)

    def _score(self, doc: dict, query: str) -> float:
        if query == "*:*":
            return 1.0
        match = FIELD_QUERY.match(query)
        if match and match.group(1) in FIELD_NAMES:
            return 10.0 if self._matches(doc, query) else 0.0
        words = [w.casefold() for w in re.findall(r"\w+", query)]
        text = " ".join(
            str(doc.get(k, ""))
            for k in ("weergavenaam", "woonplaatsnaam", "gemeentenaam", "postcode", "straatnaam")
        ).casefold()
        tokens = re.findall(r"\w+", text)
        if not words or not all(any(t.startswith(w) for t in tokens) for w in words):
            return 0.0
        exact = query.casefold() in (
            str(doc.get("woonplaatsnaam", "")).casefold(),
            str(doc.get("postcode", "")).casefold(),
        )
        kind_bonus = {"woonplaats": 2.0, "gemeente": 1.5, "postcode": 1.0}.get(doc["type"], 0.5)
        return round((8.0 if exact else 4.0) + kind_bonus, 4)


@contextlib.contextmanager
def fake_pdok(**kwargs: Any) -> Iterator[FakePdok]:
    """Start a ``FakePdok`` on a free port; yields it with ``.url`` set."""
    fake = FakePdok(**kwargs)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
