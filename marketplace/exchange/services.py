"""The social stock exchange: precompute quotes and indices, and read them for pages and the API.

Writers (`refresh_quotes`, `refresh_indices`, `refresh_all`) run inside the transaction that
changed the figures (see figures.py) or from the CLI; readers only query the precomputed tables.
The maths is `marketplace.exchange.indices` (pure, tested with hand-computed cases).
"""

import csv
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from marketplace.db import advisory_xact_lock
from marketplace.errors import NotFound
from marketplace.exchange import indices
from marketplace.exchange.figures import (
    VALUE_KINDS,
    InitiativeMonth,
    all_initiative_ids,
    cumulative_series,
    refresh_figures,
    refresh_funder_series,
)
from marketplace.exchange.models import ALL, ExchangeIndexPoint, ExchangeIndexState, ExchangeQuote
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative, InitiativeStatus, Theme
from marketplace.timeutil import month_range, month_start, to_amsterdam, utcnow

RATIO_PLACES = Decimal("0.000001")
AMOUNT_PLACES = Decimal("0.0001")
DEFAULT_SYNC_INDEX_LIMIT = 2000
PAGE_SIZE = 50
DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def current_month() -> date:
    """This month in Amsterdam (the month every quote is "as of")."""
    return month_start(to_amsterdam(utcnow()).date())


def _q(value: Decimal | None, places: Decimal = RATIO_PLACES) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(places)


# --- precomputing ---------------------------------------------------------------------------------


def _metric_codes(session: Session, ids: list[int]) -> dict[int, set[str]]:
    from marketplace.impact.models import Metric, OutcomeReport, OutcomeReportValue, ReportStatus

    codes: dict[int, set[str]] = defaultdict(set)
    for initiative_id, code in session.execute(
        select(OutcomeReport.initiative_id, Metric.code)
        .select_from(OutcomeReportValue)
        .join(OutcomeReport, OutcomeReportValue.report_id == OutcomeReport.id)
        .join(Metric, OutcomeReportValue.metric_id == Metric.id)
        .where(OutcomeReport.initiative_id.in_(ids), OutcomeReport.status == ReportStatus.ACCEPTED)
        .distinct()
    ):
        codes[initiative_id].add(code)
    return codes


def _quote_row(initiative: Initiative, rows: list[InitiativeMonth], codes: set[str], as_of: date):
    """The quote of one initiative from its monthly rows, or None when it is not on the exchange."""
    if not initiative.is_published:
        return None
    accepted = [r.month for r in rows if r.evidence_level is not None]
    if not accepted:
        return None
    first = min(r.month for r in rows)
    last = max(as_of, max(r.month for r in rows))
    first_accepted = min(accepted)
    points = cumulative_series(rows, month_range(first, last))
    returns = [
        indices.social_return(p.inputs_cents, p.value_total) if p.month >= first_accepted else None
        for p in points
    ]
    now = points[-1]
    sr = returns[-1]
    return {
        "initiative_id": initiative.id,
        "name": initiative.name,
        "slug": initiative.slug,
        "theme": initiative.theme.value,
        "municipality": initiative.municipality,
        "province": initiative.province or "",
        "latitude": initiative.latitude,
        "longitude": initiative.longitude,
        "platform_cents": now.platform_cents,
        "declared_cents": now.declared_cents,
        "inputs_cents": now.inputs_cents,
        "value_total": _q(now.value_total, AMOUNT_PLACES),
        **{f"value_{k}": _q(now.by_value_kind[k], AMOUNT_PLACES) for k in VALUE_KINDS},
        "social_return": _q(sr),
        "change_3m": _q(indices.change(returns, 3)),
        "change_12m": _q(indices.change(returns, 12)),
        "evidence_level": now.evidence_level or None,
        "quoted": sr is not None,
        "first_month": first_accepted,
        "as_of": last,
        "metric_codes": ",".join(sorted(codes))[:2000],
        "updated_at": utcnow(),
    }


def refresh_quotes(initiative_ids, session: Session | None = None, *, indices_too=True) -> None:
    """Rebuild the quotes of these initiatives from their monthly rows; then their indices."""
    session = session or db.session
    ids = sorted({int(i) for i in initiative_ids if i is not None})
    if not ids:
        return
    as_of = current_month()
    touched_series: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        touched_series.update(
            session.scalars(
                select(ExchangeQuote.theme).where(ExchangeQuote.initiative_id.in_(chunk)).distinct()
            )
        )
        initiatives = session.scalars(select(Initiative).where(Initiative.id.in_(chunk))).all()
        months: dict[int, list[InitiativeMonth]] = defaultdict(list)
        for row in session.scalars(
            select(InitiativeMonth)
            .where(InitiativeMonth.initiative_id.in_(chunk))
            .order_by(InitiativeMonth.month)
        ):
            months[row.initiative_id].append(row)
        codes = _metric_codes(session, chunk)
        new_rows = []
        for initiative in initiatives:
            row = _quote_row(initiative, months[initiative.id], codes[initiative.id], as_of)
            if row is not None:
                new_rows.append(row)
                touched_series.add(row["theme"])
        session.execute(delete(ExchangeQuote).where(ExchangeQuote.initiative_id.in_(chunk)))
        if new_rows:
            session.execute(ExchangeQuote.__table__.insert(), new_rows)
    if indices_too and touched_series:
        touched_series.add(ALL)
        _refresh_or_mark(session, touched_series)


def _sync_limit() -> int:
    if has_app_context():
        return int(current_app.config.get("EXCHANGE_SYNC_INDEX_LIMIT", DEFAULT_SYNC_INDEX_LIMIT))
    return DEFAULT_SYNC_INDEX_LIMIT


def _refresh_or_mark(session: Session, series: set[str]) -> None:
    """Small indices are rebuilt at once; large ones are marked stale for the refresh job."""
    limit = _sync_limit()
    for name in sorted(series):
        query = select(func.count()).select_from(ExchangeQuote)
        if name != ALL:
            query = query.where(ExchangeQuote.theme == name)
        if (session.scalar(query) or 0) <= limit:
            refresh_index(name, session)
        else:
            _state(session, name).stale = True


def _state(session: Session, name: str) -> ExchangeIndexState:
    state = session.get(ExchangeIndexState, name)
    if state is None:
        state = ExchangeIndexState(series=name, stale=False)
        session.add(state)
    return state


def refresh_index(name: str, session: Session | None = None) -> int:
    """Rebuild one index (a theme value or `all`) from the monthly rows; returns its point count."""
    session = session or db.session
    advisory_xact_lock("exchange-index", name, session)
    query = select(InitiativeMonth).join(
        ExchangeQuote, ExchangeQuote.initiative_id == InitiativeMonth.initiative_id
    )
    if name != ALL:
        query = query.where(ExchangeQuote.theme == name)
    rows_by_initiative: dict[int, list[InitiativeMonth]] = defaultdict(list)
    first = None
    for row in session.scalars(query.order_by(InitiativeMonth.month)):
        rows_by_initiative[row.initiative_id].append(row)
        first = row.month if first is None else min(first, row.month)
    session.execute(delete(ExchangeIndexPoint).where(ExchangeIndexPoint.series == name))
    state = _state(session, name)
    state.stale = False
    state.refreshed_at = utcnow()
    if first is None:
        return 0
    months = month_range(first, current_month())
    per_initiative: dict[int, dict[date, indices.Position]] = {}
    for initiative_id, rows in rows_by_initiative.items():
        accepted = [r.month for r in rows if r.evidence_level is not None]
        if not accepted:
            continue
        first_accepted = min(accepted)
        per_initiative[initiative_id] = {
            p.month: (p.inputs_cents, p.value_total)
            for p in cumulative_series(rows, months)
            if p.month >= first_accepted
        }
    series = indices.index_series(per_initiative, months)
    totals: dict[date, list] = defaultdict(lambda: [0, 0, Decimal(0)])
    for positions in per_initiative.values():
        for month, (inputs_cents, value) in positions.items():
            if inputs_cents > 0:
                entry = totals[month]
                entry[0] += 1
                entry[1] += inputs_cents
                entry[2] += value
    points = []
    for month, value in series:
        if value is None:
            continue
        count, inputs_cents, social_value = totals[month]
        points.append(
            {
                "series": name,
                "month": month,
                "value": _q(value),
                "quoted_count": count,
                "inputs_cents": inputs_cents,
                "social_value": _q(social_value, AMOUNT_PLACES),
                "aggregate_return": _q(indices.social_return(inputs_cents, social_value)),
            }
        )
    if points:
        session.execute(ExchangeIndexPoint.__table__.insert(), points)
    return len(points)


def all_series_names() -> list[str]:
    return [ALL, *(theme.value for theme in Theme)]


def refresh_indices(names=None, *, stale_only: bool = False) -> list[str]:
    """Rebuild the given indices (default: all, or only the stale ones) and commit."""
    names = list(names or all_series_names())
    if stale_only:
        stale = set(
            db.session.scalars(
                select(ExchangeIndexState.series).where(ExchangeIndexState.stale.is_(True))
            )
        )
        names = [n for n in names if n in stale]
    for name in names:
        refresh_index(name)
    db.session.commit()
    return names


def refresh_all(batch: int = 2000) -> int:
    """Rebuild every initiative's figures and quote, then every index (the CLI and demo use it)."""
    from marketplace.exchange.figures import REFRESHING_KEY

    ids = all_initiative_ids()
    db.session.info[REFRESHING_KEY] = True  # no per-commit refresh: this is the refresh
    try:
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            refresh_figures(chunk)
            refresh_funder_series(db.session, chunk)
            refresh_quotes(chunk, indices_too=False)
            db.session.commit()
        # initiatives deleted since: their quotes cascade; stale points go with the rebuild
        for name in all_series_names():
            refresh_index(name)
        db.session.commit()
    finally:
        db.session.info.pop(REFRESHING_KEY, None)
    return len(ids)


# --- reading: the board ---------------------------------------------------------------------------

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


# --- reading: indices -----------------------------------------------------------------------------


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


# --- reading: one initiative ----------------------------------------------------------------------


def quote_for(initiative_id: int) -> ExchangeQuote | None:
    return db.session.get(ExchangeQuote, initiative_id)


def initiative_line(initiative_id: int) -> list[dict]:
    """The initiative's own social return per month (from its first accepted report)."""
    quote = quote_for(initiative_id)
    if quote is None:
        return []
    rows = list(
        db.session.scalars(
            select(InitiativeMonth)
            .where(InitiativeMonth.initiative_id == initiative_id)
            .order_by(InitiativeMonth.month)
        )
    )
    if not rows:
        return []
    months = month_range(quote.first_month, max(quote.as_of, rows[-1].month))
    return [
        {"month": p.month, "value": indices.social_return(p.inputs_cents, p.value_total)}
        for p in cumulative_series(rows, months)
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


def benchmark(initiative_id: int, limit: int = 5) -> Benchmark | None:
    """Comparables elsewhere, the percentile among them, and the lines for the chart."""
    quote = quote_for(initiative_id)
    if quote is None or not quote.quoted:
        return None
    peers = db.session.scalars(
        select(ExchangeQuote).where(
            ExchangeQuote.theme == quote.theme, ExchangeQuote.quoted.is_(True)
        )
    ).all()
    by_id = {p.initiative_id: p for p in peers}

    def candidate(q: ExchangeQuote) -> indices.ComparableCandidate:
        return indices.ComparableCandidate(
            key=q.initiative_id,
            theme=q.theme,
            municipality=q.municipality,
            inputs_cents=q.inputs_cents,
            metric_codes=q.metric_code_set,
            social_return=q.social_return,
        )

    found = indices.comparables(candidate(quote), [candidate(p) for p in peers], limit=limit)
    pairs = [(by_id[c.key], c) for c in found]
    percentile = (
        indices.percentile_rank(quote.social_return, [c.social_return for c in found])
        if quote.social_return is not None
        else None
    )
    theme_points = index_points(quote.theme).get(quote.theme, [])
    return Benchmark(
        quote=quote,
        comparables=pairs,
        percentile=percentile,
        theme_quartiles=indices.quartiles(p.social_return for p in peers),
        size_band=indices.size_band(quote.inputs_cents),
        own_line=initiative_line(initiative_id),
        theme_line=[{"month": p.month, "value": p.value} for p in theme_points],
    )


# --- reading: what society saves ------------------------------------------------------------------


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


# --- discover nearby ------------------------------------------------------------------------------

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


@dataclass(frozen=True)
class Nearby:
    initiative_id: int
    name: str
    slug: str
    theme: str
    municipality: str
    distance_km: float
    quote: ExchangeQuote | None


def nearby(place: Place, radius_km: float = 25.0, limit: int = 50) -> list[Nearby]:
    """Published initiatives with coordinates within the radius, nearest first."""
    lat_span = radius_km / 110.5 + 0.01
    lon_span = radius_km / (111.3 * max(math.cos(math.radians(place.latitude)), 0.01)) + 0.01
    rows = db.session.execute(
        select(
            Initiative.id,
            Initiative.name,
            Initiative.slug,
            Initiative.theme,
            Initiative.municipality,
            Initiative.latitude,
            Initiative.longitude,
        ).where(
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
        Nearby(
            r.id,
            r.name,
            r.slug,
            r.theme.value,
            r.municipality,
            round(d, 1),
            quotes.get(r.id),
        )
        for d, r in found
    ]


def map_markers() -> list[dict]:
    """Every published initiative with coordinates, for the map (quoted ones with their return)."""
    rows = db.session.execute(
        select(
            Initiative.id,
            Initiative.name,
            Initiative.slug,
            Initiative.theme,
            Initiative.municipality,
            Initiative.latitude,
            Initiative.longitude,
            ExchangeQuote.social_return,
        )
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
            "social_return": None if r.social_return is None else str(_q(r.social_return)),
        }
        for r in rows
    ]
