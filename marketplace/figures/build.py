"""Building the shared figures from the sources: gifts, declared inputs, accepted report lines.

Two ways, with the same result:
- `rebuild_initiatives`: every month of some initiatives from all their sources (after a report
  review, a declared input, a proxy change; nightly for all, and for initiatives marked stale);
- `update_gift_month`: the one month a gift was paid in, from the gifts of that month only, so a
  payment costs the same for an initiative with 100 or 150,000 gifts.
Both then rewrite the initiative's running totals (`InitiativeSeries`) from its monthly rows.
Funder series are rebuilt per funder (`rebuild_funder_series`) or per initiative.

Callers own the transaction. Each function takes a transaction-level advisory lock per
initiative on PostgreSQL first (rows are rebuilt by delete + insert or read-then-write, which two
transactions must not interleave); on SQLite the database write lock already serialises them.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import accumulate

from sqlalchemy import Date, and_, cast, delete, func, select, update

from marketplace.db import advisory_xact_locks, bulk_insert
from marketplace.donations.models import Contribution
from marketplace.extensions import db
from marketplace.figures.models import (
    INPUT_COLUMNS,
    UNITS_PER_EURO,
    VALUE_KINDS,
    ZERO,
    FunderSeries,
    InitiativeMonth,
    InitiativeSeries,
)
from marketplace.figures.volunteer_value import volunteer_cents_by_month
from marketplace.impact.models import InitiativeInput, OutcomeReport, ReportStatus
from marketplace.impact.valuation import accepted_lines, discount_rate, value_by_month
from marketplace.initiatives.models import Initiative
from marketplace.investments.inputs import invested_cents_by_month
from marketplace.timeutil import (
    amsterdam_month,
    amsterdam_month_bounds,
    as_utc,
    month_start,
    months_between,
)

PLACES = Decimal("0.0001")
CHUNK = 500  # initiative ids per IN (...) query


def chunks(ids: Sequence[int], size: int = CHUNK) -> Iterable[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def lock_initiatives(ids: Iterable[int]) -> None:
    """Serialise figure writers per initiative, in a fixed order so that none can deadlock."""
    advisory_xact_locks("initiative-figures", set(ids))


def all_initiative_ids() -> list[int]:
    return list(db.session.scalars(select(Initiative.id).order_by(Initiative.id)))


# --- an initiative's months from all its sources ----------------------------------------------


def _new_month() -> dict:
    return {
        **dict.fromkeys(INPUT_COLUMNS, 0),
        **{f"value_{kind}": ZERO for kind in VALUE_KINDS},
        "level": None,
    }


def _paid_cents_by_month(ids: list[int]) -> Iterable[tuple[int, date, int]]:
    """(initiative, Amsterdam month of payment, net cents) of the paid gifts of `ids`."""
    where = (Contribution.initiative_id.in_(ids), Contribution.paid_at.is_not(None))
    if db.engine.dialect.name == "postgresql":
        month = cast(
            func.date_trunc("month", func.timezone("Europe/Amsterdam", Contribution.paid_at)), Date
        )
        query = (
            select(Contribution.initiative_id, month, func.sum(Contribution.net_cents))
            .where(*where)
            .group_by(Contribution.initiative_id, month)
        )
        for initiative_id, paid_month, cents in db.session.execute(query):
            yield initiative_id, paid_month, int(cents)
        return
    # SQLite has no time zones: the Amsterdam month is found here, per gift.
    query = select(Contribution.initiative_id, Contribution.paid_at, Contribution.net_cents)
    for initiative_id, paid_at, cents in db.session.execute(query.where(*where)):
        yield initiative_id, amsterdam_month(paid_at), int(cents)


def _declared_cents_by_month(ids: list[int]) -> Iterable[tuple[int, date, int]]:
    """(initiative, month received, cents) of the inputs the initiatives declared."""
    for initiative_id, received_on, cents in db.session.execute(
        select(
            InitiativeInput.initiative_id, InitiativeInput.received_on, InitiativeInput.amount_cents
        ).where(InitiativeInput.initiative_id.in_(ids))
    ):
        yield initiative_id, month_start(received_on), int(cents)


# Where each input column comes from: (initiative, month, cents) rows of some initiatives.
INPUT_SOURCES = {
    "platform_cents": _paid_cents_by_month,
    "declared_cents": _declared_cents_by_month,
    "invested_cents": invested_cents_by_month,
    "volunteer_cents": volunteer_cents_by_month,
}


def _gather(ids: list[int]) -> dict[int, dict[date, dict]]:
    """Per initiative, per month: the raw sums from gifts, declared inputs and accepted reports."""
    months: dict[int, dict[date, dict]] = {i: defaultdict(_new_month) for i in ids}
    for column, source in INPUT_SOURCES.items():
        for initiative_id, month, cents in source(ids):
            months[initiative_id][month][column] += int(cents)

    for initiative_id, period_end, level in db.session.execute(
        select(
            OutcomeReport.initiative_id, OutcomeReport.period_end, OutcomeReport.evidence_level
        ).where(OutcomeReport.initiative_id.in_(ids), OutcomeReport.status == ReportStatus.ACCEPTED)
    ):
        entry = months[initiative_id][month_start(period_end)]
        level = level or 0  # an accepted report without a level still counts as a report
        entry["level"] = level if entry["level"] is None else max(entry["level"], level)

    values = value_by_month(accepted_lines(ids), discount_rate())
    for (initiative_id, month), by_kind in values.items():
        entry = months[initiative_id][month]
        for kind, value in by_kind.items():
            entry[f"value_{kind}"] += value
    return months


def _month_rows(initiative_id: int, by_month: dict[date, dict]) -> list[dict]:
    """`initiative_months` rows from gathered sums; the evidence level is a running maximum."""
    rows = []
    level: int | None = None
    for month in sorted(by_month):
        entry = by_month[month]
        if entry["level"] is not None:
            level = entry["level"] if level is None else max(level, entry["level"])
        rows.append(
            {
                "initiative_id": initiative_id,
                "month": month,
                **{column: entry[column] for column in INPUT_COLUMNS},
                **{f"value_{k}": entry[f"value_{k}"].quantize(PLACES) for k in VALUE_KINDS},
                "evidence_level": level,
            }
        )
    return rows


def rebuild_initiatives(initiative_ids: Iterable[int]) -> set[int]:
    """Rebuild every monthly row and the running totals of these initiatives (idempotent)."""
    ids = sorted({int(i) for i in initiative_ids if i is not None})
    lock_initiatives(ids)
    for chunk in chunks(ids):
        gathered = _gather(chunk)
        db.session.execute(delete(InitiativeMonth).where(InitiativeMonth.initiative_id.in_(chunk)))
        rows = [row for i, by_month in gathered.items() for row in _month_rows(i, by_month)]
        bulk_insert(InitiativeMonth.__table__, rows)
        _store_series(chunk, rows)
    return set(ids)


# --- one month of gifts -----------------------------------------------------------------------


def update_gift(
    initiative_id: int, user_id: int | None, organisation_id: int | None, paid_at: datetime
) -> None:
    """A gift paid at `paid_at` changed: recount its month in the initiative's figures and in its
    funder's series (one advisory lock for both; the cost does not grow with the gifts)."""
    lock_initiatives([initiative_id])
    _update_gift_month(initiative_id, paid_at)
    _update_funder_month(initiative_id, user_id, organisation_id, paid_at)


def update_gift_month(initiative_id: int, paid_at: datetime) -> None:
    """Recount the net paid gifts of the month `paid_at` falls in, then the running totals."""
    lock_initiatives([initiative_id])
    _update_gift_month(initiative_id, paid_at)


def _update_gift_month(initiative_id: int, paid_at: datetime) -> None:
    month = amsterdam_month(paid_at)
    low, high = amsterdam_month_bounds(month)
    count, cents = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Contribution.net_cents), 0)).where(
            Contribution.initiative_id == initiative_id,
            Contribution.paid_at >= low,
            Contribution.paid_at < high,
        )
    ).one()
    rows = [
        dict(row._mapping)
        for row in db.session.execute(
            select(*InitiativeMonth.__table__.columns)
            .where(InitiativeMonth.initiative_id == initiative_id)
            .order_by(InitiativeMonth.month)
        )
    ]
    current = next((row for row in rows if row["month"] == month), None)
    table = InitiativeMonth.__table__
    if current is not None:
        current["platform_cents"] = int(cents)
        db.session.execute(
            update(table)
            .where(table.c.initiative_id == initiative_id, table.c.month == month)
            .values(platform_cents=int(cents))
        )
    elif count:
        earlier = [row["evidence_level"] for row in rows if row["month"] < month]
        current = {
            "initiative_id": initiative_id,
            "month": month,
            **dict.fromkeys(INPUT_COLUMNS, 0),
            "platform_cents": int(cents),
            **{f"value_{kind}": ZERO for kind in VALUE_KINDS},
            "evidence_level": earlier[-1] if earlier else None,
        }
        db.session.execute(table.insert(), [current])
        rows = sorted([*rows, current], key=lambda row: row["month"])
    _replace_series(initiative_id, rows)


def _replace_series(initiative_id: int, month_rows: Sequence[dict]) -> None:
    """`_store_series` for one initiative in one statement when its row exists (an UPDATE)."""
    row = series_row(initiative_id, month_rows)
    if row is None:
        _store_series([initiative_id], month_rows)
        return
    table = InitiativeSeries.__table__
    values = {name: value for name, value in row.items() if name != "initiative_id"}
    updated = db.session.execute(
        update(table).where(table.c.initiative_id == initiative_id).values(**values)
    ).rowcount
    if not updated:
        db.session.execute(table.insert(), [row])


# --- running totals ---------------------------------------------------------------------------


def series_row(initiative_id: int, months: Sequence[dict]) -> dict | None:
    """The `initiative_series` row of one initiative from its monthly rows (dicts, by month)."""
    if not months:
        return None
    first = months[0]["month"]
    by_index = {months_between(first, m["month"]): m for m in months}
    inputs, values = [], []
    by_kind: list[list[int]] = [[] for _kind in VALUE_KINDS]
    running_inputs = 0
    running = dict.fromkeys(VALUE_KINDS, 0)
    accepted_from = None
    for index in range(max(by_index) + 1):
        month = by_index.get(index)
        if month is not None:
            running_inputs += sum(month[column] for column in INPUT_COLUMNS)
            for kind in VALUE_KINDS:
                running[kind] += int(Decimal(month[f"value_{kind}"]) * UNITS_PER_EURO)
            if accepted_from is None and month["evidence_level"] is not None:
                accepted_from = month["month"]
        inputs.append(running_inputs)
        values.append(sum(running.values()))
        for index_of_kind, kind in enumerate(VALUE_KINDS):
            by_kind[index_of_kind].append(running[kind])
    return {
        "initiative_id": initiative_id,
        "first_month": first,
        "inputs_cents": inputs,
        "value_units": values,
        "value_units_by_kind": by_kind,
        "accepted_from": accepted_from,
    }


def _store_series(ids: Sequence[int], month_rows: Sequence[dict]) -> None:
    """Replace the series rows of `ids` with those built from their (sorted) monthly rows."""
    per_initiative: dict[int, list[dict]] = defaultdict(list)
    for row in month_rows:
        per_initiative[row["initiative_id"]].append(row)
    db.session.execute(delete(InitiativeSeries).where(InitiativeSeries.initiative_id.in_(ids)))
    bulk_insert(
        InitiativeSeries.__table__, [series_row(i, rows) for i, rows in per_initiative.items()]
    )


# --- funder series ----------------------------------------------------------------------------


def funder_key(initiative_id, user_id, organisation_id) -> tuple | None:
    """(initiative, person, organisation) of a gift: a gift on an organisation's behalf is the
    organisation's (person None), one without is the person's; None for a gift without either."""
    if organisation_id is not None:
        return (initiative_id, None, organisation_id)
    if user_id is not None:
        return (initiative_id, user_id, None)
    return None


def _of_funder(model, key: tuple):
    """The rows of `model` (contributions or funder series) belonging to one funder key."""
    initiative_id, person, organisation = key
    if organisation is not None:
        return and_(model.initiative_id == initiative_id, model.organisation_id == organisation)
    return and_(
        model.initiative_id == initiative_id,
        model.user_id == person,
        model.organisation_id.is_(None),
    )


def funder_series_row(initiative_id, user_id, organisation_id, paid: list[tuple]) -> dict:
    """The `funder_series` row of one funder and initiative from (paid_at, net cents), in order."""
    first = amsterdam_month(paid[0][0])
    monthly: dict[int, int] = defaultdict(int)
    for paid_at, cents in paid:
        monthly[months_between(first, amsterdam_month(paid_at))] += cents
    given = list(accumulate(monthly.get(index, 0) for index in range(max(monthly) + 1)))
    return {
        "initiative_id": initiative_id,
        "user_id": user_id,
        "organisation_id": organisation_id,
        "first_month": first,
        "given_cents": given,
        "first_paid_at": paid[0][0],
        "last_paid_at": paid[-1][0],
    }


def _rebuild_funders(gifts_scope, series_scope) -> None:
    gifts = db.session.execute(
        select(
            Contribution.initiative_id,
            Contribution.user_id,
            Contribution.organisation_id,
            Contribution.paid_at,
            Contribution.net_cents,
        )
        .where(gifts_scope, Contribution.paid_at.is_not(None))
        .order_by(Contribution.paid_at, Contribution.id)
    )
    per_funder: dict[tuple, list[tuple[datetime, int]]] = defaultdict(list)
    for initiative_id, user_id, organisation_id, paid_at, cents in gifts:
        key = funder_key(initiative_id, user_id, organisation_id)
        if key is not None:
            per_funder[key].append((as_utc(paid_at), int(cents)))
    db.session.execute(
        delete(FunderSeries).where(series_scope, FunderSeries.kind == FunderSeries.GIFT)
    )
    bulk_insert(
        FunderSeries.__table__, [funder_series_row(*key, paid) for key, paid in per_funder.items()]
    )


def rebuild_funder_series(initiative_id: int, user_id: int | None, organisation_id: int | None):
    """Rebuild one funder's series in one initiative from that funder's paid gifts."""
    key = funder_key(initiative_id, user_id, organisation_id)
    if key is None:
        return
    lock_initiatives([initiative_id])
    _rebuild_funders(_of_funder(Contribution, key), _of_funder(FunderSeries, key))


def _update_funder_month(
    initiative_id: int, user_id: int | None, organisation_id: int | None, paid_at: datetime
) -> None:
    """Recount one funder's net paid gifts in the month of `paid_at`, and rewrite the running
    totals of their series from that month on; the caller holds the initiative's lock.

    Idempotent like the full rebuild (`rebuild_funder_series`), which it falls back to when the
    series row is missing or the month has no paid gift left (a purged gift may move the first
    or last month): a gift's month and funder are fixed once paid, so the other months stand.
    """
    key = funder_key(initiative_id, user_id, organisation_id)
    if key is None:
        return
    low, high = amsterdam_month_bounds(amsterdam_month(paid_at))
    count, cents, earliest, latest = db.session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(Contribution.net_cents), 0),
            func.min(Contribution.paid_at),
            func.max(Contribution.paid_at),
        ).where(
            _of_funder(Contribution, key), Contribution.paid_at >= low, Contribution.paid_at < high
        )
    ).one()
    table = FunderSeries.__table__
    row = db.session.execute(
        select(
            table.c.id, table.c.first_month, table.c.given_cents, table.c.first_paid_at,
            table.c.last_paid_at,
        ).where(_of_funder(FunderSeries, key), table.c.kind == FunderSeries.GIFT)
    ).first()  # fmt: skip
    if row is None or not count:
        _rebuild_funders(_of_funder(Contribution, key), _of_funder(FunderSeries, key))
        return
    db.session.execute(
        update(table)
        .where(table.c.id == row.id)
        .values(
            **with_month(
                row.first_month, row.given_cents, as_utc(row.first_paid_at),
                as_utc(row.last_paid_at), int(cents), as_utc(earliest), as_utc(latest),
            )
        )
    )  # fmt: skip


def with_month(
    first_month: date,
    given: Sequence[int],
    first_paid_at: datetime,
    last_paid_at: datetime,
    month_cents: int,
    month_first: datetime,
    month_last: datetime,
) -> dict:
    """A funder series (first month, running totals, first and last payment) with the month of
    `month_first`..`month_last` recounted to `month_cents`: the months before it keep their
    totals, the later ones move by the difference. The recounted month is the truth for its own
    payments, so it may replace the first or last payment when it holds the first or last month.
    """
    month = amsterdam_month(month_first)
    last_month = amsterdam_month(last_paid_at)
    new_first = min(first_month, month)
    monthly: dict[int, int] = defaultdict(int)
    offset = months_between(new_first, first_month)
    previous = 0
    for index, total in enumerate(given):
        monthly[offset + index] = int(total) - previous
        previous = int(total)
    monthly[months_between(new_first, month)] = month_cents
    end = months_between(new_first, max(last_month, month))
    if month <= first_month:
        first_paid_at = month_first
    if month >= last_month:
        last_paid_at = month_last
    return {
        "first_month": new_first,
        "given_cents": list(accumulate(monthly.get(index, 0) for index in range(end + 1))),
        "first_paid_at": first_paid_at,
        "last_paid_at": last_paid_at,
    }


def rebuild_initiative_funders(initiative_ids: Iterable[int]) -> None:
    """Rebuild the series of every funder of these initiatives."""
    ids = sorted(set(initiative_ids))
    lock_initiatives(ids)
    for chunk in chunks(ids):
        _rebuild_funders(
            Contribution.initiative_id.in_(chunk), FunderSeries.initiative_id.in_(chunk)
        )


def rebuild_all(batch: int = 2000) -> int:
    """Rebuild every initiative's figures and funder series, committing per batch."""
    ids = all_initiative_ids()
    for chunk in chunks(ids, batch):
        rebuild_initiatives(chunk)
        rebuild_initiative_funders(chunk)
        db.session.commit()
    return len(ids)
