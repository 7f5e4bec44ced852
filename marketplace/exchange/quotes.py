"""Precomputing the exchange: one quote per initiative and the monthly index points per theme.

Rebuilt outside any payment's transaction: `exchange.listeners` marks initiatives stale when their
figures change, and `refresh_stale` (the `exchange-stale` job, every minute) rebuilds their quotes,
the indices of their themes and the peer groups; `refresh_all` rebuilds everything (nightly, so
the 3- and 12-month changes roll into a new month). The maths is `exchange.indices` (pure).
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import bindparam, delete, func, select, update

from marketplace import signals
from marketplace.db import advisory_xact_lock, without_waiting_for_disk
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
from marketplace.figures.read import Running, running_totals
from marketplace.impact.models import Metric, OutcomeReport, OutcomeReportValue, ReportStatus
from marketplace.initiatives.models import Initiative, Theme
from marketplace.timeutil import month_range, month_start, to_amsterdam, utcnow

CHUNK = 500
COMPARABLES = 5  # shown on an initiative's page


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


def _totals(ids: list[int]) -> dict[int, tuple[int, int, int | None]]:
    """Per initiative: (platform cents, declared cents, best evidence level) of all its months."""
    return {
        initiative_id: (int(platform or 0), int(declared or 0), level)
        for initiative_id, platform, declared, level in db.session.execute(
            select(
                InitiativeMonth.initiative_id,
                func.sum(InitiativeMonth.platform_cents),
                func.sum(InitiativeMonth.declared_cents),
                func.max(InitiativeMonth.evidence_level),
            )
            .where(InitiativeMonth.initiative_id.in_(ids))
            .group_by(InitiativeMonth.initiative_id)
        )
    }


def _quote_row(initiative: Initiative, running: Running, totals: tuple, codes: set[str], as_of):
    """The quote of one initiative from its running totals, or None when it is not on the
    exchange (unpublished, or no accepted report yet)."""
    if not initiative.is_published or running.accepted_from is None:
        return None
    last = max(as_of, running.last_month)
    returns = [
        indices.social_return(running.inputs_at(month), running.value_at(month))
        if month >= running.accepted_from
        else None
        for month in month_range(running.first_month, last)
    ]
    kinds = running.kinds_at(last)
    sr = returns[-1]
    platform_cents, declared_cents, level = totals
    return {
        "initiative_id": initiative.id,
        "name": initiative.name,
        "slug": initiative.slug,
        "theme": initiative.theme.value,
        "municipality": initiative.municipality,
        "province": initiative.province or "",
        "latitude": initiative.latitude,
        "longitude": initiative.longitude,
        "platform_cents": platform_cents,
        "declared_cents": declared_cents,
        "inputs_cents": running.inputs_at(last),
        "value_total": _q(running.value_at(last), AMOUNT_PLACES),
        **{f"value_{k}": _q(kinds[k], AMOUNT_PLACES) for k in VALUE_KINDS},
        "social_return": _q(sr),
        "change_3m": _q(indices.change(returns, 3)),
        "change_12m": _q(indices.change(returns, 12)),
        "evidence_level": level or None,
        "quoted": sr is not None,
        "first_month": running.accepted_from,
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
        running = running_totals(chunk)
        totals = _totals(chunk)
        codes = _metric_codes(chunk)
        new_rows = []
        for initiative in initiatives:
            if initiative.id not in running:
                continue
            row = _quote_row(
                initiative, running[initiative.id], totals[initiative.id], codes[initiative.id],
                as_of,
            )  # fmt: skip
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
    """Rebuild one index (a theme value or `all`) from the quoted initiatives' running totals;
    returns its point count."""
    advisory_xact_lock("exchange-index", name)
    query = select(ExchangeQuote.initiative_id).where(ExchangeQuote.quoted.is_(True))
    if name != ALL:
        query = query.where(ExchangeQuote.theme == name)
    running = running_totals(db.session.scalars(query))
    db.session.execute(delete(ExchangeIndexPoint).where(ExchangeIndexPoint.series == name))
    state = _state(name)
    state.refreshed_at = utcnow()
    accepted = [r for r in running.values() if r.accepted_from is not None]
    if not accepted:
        return 0
    months = month_range(min(r.first_month for r in accepted), current_month())
    per_initiative: dict[int, dict[date, indices.Position]] = {
        initiative_id: {
            month: (r.inputs_at(month), r.value_at(month))
            for month in months
            if month >= r.accepted_from
        }
        for initiative_id, r in running.items()
        if r.accepted_from is not None
    }
    points = _index_points(name, indices.index_series(per_initiative, months), per_initiative)
    if points:
        db.session.execute(ExchangeIndexPoint.__table__.insert(), points)
    return len(points)


def _index_points(name: str, series, per_initiative) -> list[dict]:
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
    return points


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
    if ids - known:  # already marked (a burst of gifts to one initiative): nothing to write
        without_waiting_for_disk()
        db.session.add_all(StaleQuote(initiative_id=i) for i in sorted(ids - known))
    db.session.commit()


def _candidate(quote) -> indices.ComparableCandidate:
    return indices.ComparableCandidate(
        key=quote.initiative_id,
        theme=quote.theme,
        municipality=quote.municipality,
        inputs_cents=quote.inputs_cents,
        metric_codes=frozenset(code for code in quote.metric_codes.split(",") if code),
        social_return=quote.social_return,
    )


def refresh_comparables(initiative_ids) -> None:
    """Choose the comparables of these initiatives' quotes among their theme's quoted ones.

    The others keep theirs until their own quote changes (their choice depends on sizes and
    metrics, which move slowly) or the nightly rebuild."""
    ids = set(initiative_ids)
    columns = (
        ExchangeQuote.initiative_id,
        ExchangeQuote.theme,
        ExchangeQuote.municipality,
        ExchangeQuote.inputs_cents,
        ExchangeQuote.metric_codes,
        ExchangeQuote.social_return,
    )
    quoted = db.session.execute(select(*columns).where(ExchangeQuote.quoted.is_(True))).all()
    by_theme: dict[str, list] = defaultdict(list)
    for quote in quoted:
        by_theme[quote.theme].append(_candidate(quote))
    pools = {theme: indices.ComparablePool(candidates) for theme, candidates in by_theme.items()}
    changes = []
    for theme, candidates in by_theme.items():
        for target in candidates:
            if target.key in ids:
                found = pools[theme].best(target, COMPARABLES)
                changes.append({"quote_id": target.key, "chosen": [
                    {"id": c.key, "score": str(c.score), "size": str(c.size_similarity),
                     "overlap": str(c.metric_overlap)} for c in found
                ]})  # fmt: skip
    if changes:
        table = ExchangeQuote.__table__
        db.session.execute(
            update(table)
            .where(table.c.initiative_id == bindparam("quote_id"))
            .values(comparables=bindparam("chosen")),
            changes,
        )


def refresh_stale() -> int:
    """Rebuild the quotes marked stale, the indices of their themes and the peer groups."""
    ids = sorted(db.session.scalars(select(StaleQuote.initiative_id)))
    if not ids:
        return 0
    themes = refresh_quotes(ids)
    refresh_comparables(ids)
    db.session.execute(delete(StaleQuote).where(StaleQuote.initiative_id.in_(ids)))
    for name in sorted(themes | {ALL}) if themes else ():
        refresh_index(name)
    refresh_peer_groups()
    db.session.commit()
    signals.notify(signals.exchange_refreshed, initiative_ids=frozenset(ids))
    return len(ids)


def refresh_all() -> int:
    """Rebuild every quote, every index and the peer groups (nightly; after a bulk load)."""
    ids = list(db.session.scalars(select(Initiative.id).order_by(Initiative.id)))
    for start in range(0, len(ids), 2000):
        refresh_quotes(ids[start : start + 2000])
        db.session.commit()
    refresh_comparables(ids)
    db.session.execute(delete(StaleQuote))
    for name in all_series_names():
        refresh_index(name)
    refresh_peer_groups()
    db.session.commit()
    signals.notify(signals.exchange_refreshed, initiative_ids=frozenset(ids))
    return len(ids)
