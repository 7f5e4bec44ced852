"""Precomputing the exchange: one quote per initiative and the monthly index points per theme.

Rebuilt outside any payment's transaction: `exchange.listeners` marks initiatives stale when their
figures change, and `refresh_stale` (the `exchange-stale` job, every minute) rebuilds their quotes,
the indices of their themes and the peer groups; `refresh_all` rebuilds everything (nightly, so
the 3- and 12-month changes roll into a new month). The maths is `exchange.indices` (pure).
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, select

from marketplace.db import advisory_xact_lock
from marketplace.exchange import indices
from marketplace.exchange.models import (
    ALL,
    ExchangeIndexPoint,
    ExchangeIndexState,
    ExchangeQuote,
    StaleQuote,
)
from marketplace.exchange.peers import refresh_peer_groups
from marketplace.extensions import db
from marketplace.figures.models import VALUE_KINDS, InitiativeMonth
from marketplace.figures.read import cumulative_series
from marketplace.impact.models import Metric, OutcomeReport, OutcomeReportValue, ReportStatus
from marketplace.initiatives.models import Initiative, Theme
from marketplace.timeutil import month_range, month_start, to_amsterdam, utcnow

CHUNK = 500


RATIO_PLACES = Decimal("0.000001")
AMOUNT_PLACES = Decimal("0.0001")


def current_month() -> date:
    """This month in Amsterdam (the month every quote is "as of")."""
    return month_start(to_amsterdam(utcnow()).date())


def _q(value: Decimal | None, places: Decimal = RATIO_PLACES) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(places)


def _metric_codes(ids: list[int]) -> dict[int, set[str]]:
    codes: dict[int, set[str]] = defaultdict(set)
    for initiative_id, code in db.session.execute(
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


def refresh_quotes(initiative_ids) -> set[str]:
    """Rebuild the quotes of these initiatives from their monthly rows; returns the themes
    whose index they belong (or belonged) to."""
    ids = sorted({int(i) for i in initiative_ids if i is not None})
    as_of = current_month()
    touched: set[str] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        touched.update(
            db.session.scalars(
                select(ExchangeQuote.theme).where(ExchangeQuote.initiative_id.in_(chunk)).distinct()
            )
        )
        initiatives = db.session.scalars(select(Initiative).where(Initiative.id.in_(chunk))).all()
        months: dict[int, list[InitiativeMonth]] = defaultdict(list)
        for row in db.session.scalars(
            select(InitiativeMonth)
            .where(InitiativeMonth.initiative_id.in_(chunk))
            .order_by(InitiativeMonth.month)
        ):
            months[row.initiative_id].append(row)
        codes = _metric_codes(chunk)
        new_rows = []
        for initiative in initiatives:
            row = _quote_row(initiative, months[initiative.id], codes[initiative.id], as_of)
            if row is not None:
                new_rows.append(row)
                touched.add(row["theme"])
        db.session.execute(delete(ExchangeQuote).where(ExchangeQuote.initiative_id.in_(chunk)))
        if new_rows:
            db.session.execute(ExchangeQuote.__table__.insert(), new_rows)
    return touched


def _state(name: str) -> ExchangeIndexState:
    state = db.session.get(ExchangeIndexState, name)
    if state is None:
        state = ExchangeIndexState(series=name)
        db.session.add(state)
    return state


def refresh_index(name: str) -> int:
    """Rebuild one index (a theme value or `all`) from the monthly rows; returns its point count."""
    session = db.session
    advisory_xact_lock("exchange-index", name)
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
    state = _state(name)
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


def refresh_indices(names=None) -> list[str]:
    """Rebuild the given indices (default: all) and commit."""
    names = list(names or all_series_names())
    for name in names:
        refresh_index(name)
    db.session.commit()
    return names


def mark_stale(initiative_ids) -> None:
    """Note initiatives whose quote must be rebuilt (by `refresh_stale`), and commit."""
    ids = {int(i) for i in initiative_ids}
    known = set(
        db.session.scalars(
            select(StaleQuote.initiative_id).where(StaleQuote.initiative_id.in_(ids))
        )
    )
    db.session.add_all(StaleQuote(initiative_id=i) for i in sorted(ids - known))
    db.session.commit()


def refresh_stale() -> int:
    """Rebuild the quotes marked stale, the indices of their themes and the peer groups."""
    ids = sorted(db.session.scalars(select(StaleQuote.initiative_id)))
    if not ids:
        return 0
    themes = refresh_quotes(ids)
    db.session.execute(delete(StaleQuote).where(StaleQuote.initiative_id.in_(ids)))
    for name in sorted(themes | {ALL}) if themes else ():
        refresh_index(name)
    refresh_peer_groups()
    db.session.commit()
    return len(ids)


def refresh_all() -> int:
    """Rebuild every quote, every index and the peer groups (nightly; after a bulk load)."""
    ids = list(db.session.scalars(select(Initiative.id).order_by(Initiative.id)))
    for start in range(0, len(ids), 2000):
        refresh_quotes(ids[start : start + 2000])
        db.session.commit()
    db.session.execute(delete(StaleQuote))
    for name in all_series_names():
        refresh_index(name)
    refresh_peer_groups()
    db.session.commit()
    return len(ids)
