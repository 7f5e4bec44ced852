"""Reading the exchange for pages and the API: the board, indices, one initiative's benchmark,
what society saves, and initiatives nearby. Only the precomputed tables are read.
"""

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from marketplace.errors import NotFound
from marketplace.exchange import indices
from marketplace.exchange.models import (
    ExchangeIndexPoint,
    ExchangeIndexState,
    ExchangeQuote,
    PeerGroup,
)
from marketplace.exchange.peers import THEME_WIDE
from marketplace.exchange.quotes import RATIO_PLACES, all_series_names
from marketplace.extensions import db
from marketplace.figures.read import running_totals
from marketplace.geo import Place, haversine_km
from marketplace.initiatives.models import Initiative, InitiativeStatus
from marketplace.timeutil import month_range

PAGE_SIZE = 50
SORTS = {
    "return": ExchangeQuote.social_return,
    "change_3m": ExchangeQuote.change_3m,
    "change_12m": ExchangeQuote.change_12m,
    "inputs": ExchangeQuote.inputs_cents,
    "name": ExchangeQuote.name,
    "municipality": ExchangeQuote.municipality,
    "evidence": ExchangeQuote.evidence_level,
}


@dataclass(frozen=True)
class Board:
    quotes: list[ExchangeQuote]
    total: int
    page: int
    pages: int
    sort: str
    direction: str


def _filtered(theme: str | None, province: str | None, municipality: str | None):
    query = select(ExchangeQuote).where(ExchangeQuote.quoted.is_(True))
    if theme:
        query = query.where(ExchangeQuote.theme == theme)
    if province:
        query = query.where(ExchangeQuote.province == province)
    if municipality:
        query = query.where(ExchangeQuote.municipality == municipality)
    return query


def board(
    *,
    theme: str | None = None,
    province: str | None = None,
    municipality: str | None = None,
    sort: str = "return",
    direction: str = "desc",
    page: int = 1,
    per_page: int = PAGE_SIZE,
) -> Board:
    """One page of quoted initiatives, filtered and sorted (unknown sort keys fall back)."""
    sort = sort if sort in SORTS else "return"
    direction = "asc" if direction == "asc" else "desc"
    query = _filtered(theme, province, municipality)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    column = SORTS[sort]
    order = column.asc() if direction == "asc" else column.desc()
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    quotes = db.session.scalars(
        query.order_by(order.nulls_last(), ExchangeQuote.initiative_id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Board(list(quotes), total, page, pages, sort, direction)


def all_quotes() -> list[ExchangeQuote]:
    """Every quoted initiative, best social return first (API and CSV)."""
    return list(
        db.session.scalars(
            _filtered(None, None, None).order_by(
                ExchangeQuote.social_return.desc(), ExchangeQuote.initiative_id
            )
        )
    )


def filter_choices() -> dict:
    """Provinces and municipalities that have quoted initiatives (for the filter menus)."""
    rows = db.session.execute(
        select(ExchangeQuote.province, ExchangeQuote.municipality)
        .where(ExchangeQuote.quoted.is_(True))
        .distinct()
    ).all()
    return {
        "provinces": sorted({p for p, _m in rows if p}),
        "municipalities": sorted({m for _p, m in rows if m}),
    }


def index_points(name: str | None = None) -> dict[str, list[ExchangeIndexPoint]]:
    """Stored index points per series (all series, or one), by month."""
    query = select(ExchangeIndexPoint)
    if name:
        query = query.where(ExchangeIndexPoint.series == name)
    result: dict[str, list[ExchangeIndexPoint]] = {}
    if name is None:
        result = {series: [] for series in all_series_names()}
    for point in db.session.scalars(
        query.order_by(ExchangeIndexPoint.series, ExchangeIndexPoint.month)
    ):
        result.setdefault(point.series, []).append(point)
    return result


def latest_index_values() -> dict[str, dict]:
    """Per series: the last value and its change over 3 and 12 months (for the board header)."""
    summary = {}
    for name, points in index_points().items():
        values = _monthly_values(points)
        summary[name] = {
            "value": values[-1] if values else None,
            "change_3m": indices.change(values, 3) if values else None,
            "change_12m": indices.change(values, 12) if values else None,
            "count": points[-1].quoted_count if points else 0,
        }
    return summary


def _monthly_values(points: list[ExchangeIndexPoint]) -> list[Decimal | None]:
    """One value per calendar month between the first and last point (gaps as None)."""
    if not points:
        return []
    by_month = {p.month: Decimal(p.value) for p in points}
    return [by_month.get(m) for m in month_range(points[0].month, points[-1].month)]


def quote_for(initiative_id: int) -> ExchangeQuote | None:
    return db.session.get(ExchangeQuote, initiative_id)


def initiative_line(quote: ExchangeQuote) -> list[dict]:
    """The initiative's own social return per month (from its first accepted report)."""
    running = running_totals([quote.initiative_id]).get(quote.initiative_id)
    if running is None:
        return []
    months = month_range(quote.first_month, max(quote.as_of, running.last_month))
    return [
        {"month": m, "value": indices.social_return(running.inputs_at(m), running.value_at(m))}
        for m in months
    ]


@dataclass(frozen=True)
class Benchmark:
    quote: ExchangeQuote
    comparables: list[tuple[ExchangeQuote, indices.Comparable]]
    percentile: Decimal | None
    theme_quartiles: tuple[Decimal, Decimal, Decimal] | None
    size_band: str
    own_line: list[dict]
    theme_line: list[dict]


def benchmark(initiative_id: int) -> Benchmark | None:
    """Comparables elsewhere (chosen when quotes were rebuilt), the percentile among them, the
    theme's quartiles and the lines for the chart: a handful of small reads."""
    quote = quote_for(initiative_id)
    if quote is None or not quote.quoted:
        return None
    chosen = quote.comparables or []
    peers = {
        q.initiative_id: q
        for q in db.session.scalars(
            select(ExchangeQuote).where(ExchangeQuote.initiative_id.in_([c["id"] for c in chosen]))
        )
    }
    pairs = [
        (peer, indices.Comparable(peer.initiative_id, Decimal(c["score"]), Decimal(c["size"]),
                                  Decimal(c["overlap"]), peer.social_return))
        for c in chosen
        if (peer := peers.get(c["id"])) is not None and peer.quoted
    ]  # fmt: skip
    percentile = (
        indices.percentile_rank(quote.social_return, [peer.social_return for peer, _c in pairs])
        if quote.social_return is not None and pairs
        else None
    )
    group = db.session.get(PeerGroup, (quote.theme, THEME_WIDE))
    theme_points = index_points(quote.theme).get(quote.theme, [])
    return Benchmark(
        quote=quote,
        comparables=pairs,
        percentile=percentile,
        theme_quartiles=(group.q1, group.median, group.q3) if group else None,
        size_band=indices.size_band(quote.inputs_cents),
        own_line=initiative_line(quote),
        theme_line=[{"month": p.month, "value": p.value} for p in theme_points],
    )


@dataclass(frozen=True)
class Savings:
    fiscal: Decimal
    total: Decimal
    initiatives: int


def savings() -> tuple[Savings, list[tuple[str, Savings]]]:
    """National totals and per-municipality totals (largest total first) of accepted value."""
    rows = db.session.execute(
        select(
            ExchangeQuote.municipality,
            func.sum(ExchangeQuote.value_fiscal),
            func.sum(ExchangeQuote.value_total),
            func.count(),
        )
        .group_by(ExchangeQuote.municipality)
        .order_by(func.sum(ExchangeQuote.value_total).desc(), ExchangeQuote.municipality)
    ).all()
    by_municipality = [
        (name, Savings(Decimal(fiscal or 0), Decimal(total or 0), count))
        for name, fiscal, total, count in rows
    ]
    national = Savings(
        sum((s.fiscal for _n, s in by_municipality), Decimal(0)),
        sum((s.total for _n, s in by_municipality), Decimal(0)),
        sum(s.initiatives for _n, s in by_municipality),
    )
    return national, by_municipality


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


@dataclass(frozen=True)
class MunicipalityPage:
    name: str
    slug: str
    savings: Savings
    initiatives: list[tuple[Initiative, ExchangeQuote | None]]


def municipality_page(slug: str) -> MunicipalityPage:
    """A municipality's published initiatives (quoted or not) and its totals; 404 if none."""
    names = db.session.scalars(
        select(Initiative.municipality)
        .where(Initiative.status == InitiativeStatus.PUBLISHED)
        .distinct()
    ).all()
    name = next((n for n in names if slugify(n) == slug), None)
    if name is None:
        raise NotFound()
    rows = db.session.execute(
        select(Initiative, ExchangeQuote)
        .outerjoin(ExchangeQuote, ExchangeQuote.initiative_id == Initiative.id)
        .where(Initiative.status == InitiativeStatus.PUBLISHED, Initiative.municipality == name)
        .order_by(ExchangeQuote.social_return.desc().nulls_last(), Initiative.name)
    ).all()
    fiscal = sum((Decimal(q.value_fiscal) for _i, q in rows if q is not None), Decimal(0))
    total = sum((Decimal(q.value_total) for _i, q in rows if q is not None), Decimal(0))
    counted = sum(1 for _i, q in rows if q is not None)
    return MunicipalityPage(name, slug, Savings(fiscal, total, counted), [(i, q) for i, q in rows])


@dataclass(frozen=True)
class Nearby:
    initiative_id: int
    name: str
    slug: str
    theme: str
    municipality: str
    distance_km: float
    quote: ExchangeQuote | None


# What the map and the nearby list show of an initiative.
PLACED = (
    Initiative.id,
    Initiative.name,
    Initiative.slug,
    Initiative.theme,
    Initiative.municipality,
    Initiative.latitude,
    Initiative.longitude,
)


def nearby(place: Place, radius_km: float = 25.0, limit: int = 50) -> list[Nearby]:
    """Published initiatives with coordinates within the radius, nearest first."""
    lat_span = radius_km / 110.5 + 0.01
    lon_span = radius_km / (111.3 * max(math.cos(math.radians(place.latitude)), 0.01)) + 0.01
    rows = db.session.execute(
        select(*PLACED).where(
            Initiative.status == InitiativeStatus.PUBLISHED,
            # a bounding box first (uses no trigonometry in SQL), the exact distance below
            Initiative.latitude.between(place.latitude - lat_span, place.latitude + lat_span),
            Initiative.longitude.between(place.longitude - lon_span, place.longitude + lon_span),
        )
    ).all()
    found = []
    for row in rows:
        distance = haversine_km(
            place.latitude, place.longitude, float(row.latitude), float(row.longitude)
        )
        if distance <= radius_km:
            found.append((distance, row))
    found.sort(key=lambda pair: (pair[0], pair[1].id))
    found = found[:limit]
    quotes = {
        q.initiative_id: q
        for q in db.session.scalars(
            select(ExchangeQuote).where(ExchangeQuote.initiative_id.in_([r.id for _d, r in found]))
        )
    }
    return [
        Nearby(r.id, r.name, r.slug, r.theme.value, r.municipality, round(d, 1), quotes.get(r.id))
        for d, r in found
    ]


def map_markers() -> list[dict]:
    """Every published initiative with coordinates, for the map (quoted ones with their return)."""
    rows = db.session.execute(
        select(*PLACED, ExchangeQuote.social_return)
        .outerjoin(ExchangeQuote, ExchangeQuote.initiative_id == Initiative.id)
        .where(
            Initiative.status == InitiativeStatus.PUBLISHED,
            Initiative.latitude.is_not(None),
            Initiative.longitude.is_not(None),
        )
        .order_by(Initiative.id)
    ).all()
    return [
        {
            "id": r.id,
            "name": r.name,
            "slug": r.slug,
            "theme": r.theme.value,
            "municipality": r.municipality,
            "lat": str(r.latitude),
            "lon": str(r.longitude),
            "social_return": None
            if r.social_return is None
            else str(Decimal(r.social_return).quantize(RATIO_PLACES)),
        }
        for r in rows
    ]


def figures_updated_at() -> datetime | None:
    """When the exchange's figures were last rebuilt (shown on its pages)."""
    return db.session.scalar(select(func.max(ExchangeIndexState.refreshed_at)))
