"""Building the shared figures from the sources: gifts, declared inputs, accepted report lines.

Two ways, with the same result:
- `rebuild_initiatives`: every month of some initiatives from all their sources (after a report
  review, a declared input, a proxy change; nightly for all, and for initiatives marked stale);
- `gift_month.update_gift`: the one month a gift was paid in, from the gifts of that month only,
  so a payment costs the same for an initiative with 100 or 150,000 gifts.
Both then rewrite the initiative's running totals (`InitiativeSeries`) from its monthly rows.
`update_gift` also recounts that month in the gift's funder's series; here funder series are
rebuilt in full per funder (`rebuild_funder_series`) or per initiative.

Callers own the transaction. Each function takes a transaction-level advisory lock per
initiative on PostgreSQL first (rows are rebuilt by delete + insert or read-then-write, which two
transactions must not interleave); on SQLite the database write lock already serialises them.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import accumulate

from sqlalchemy import Date, and_, cast, delete, func, select

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
        store_series(chunk, rows)
    return set(ids)


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


def store_series(ids: Sequence[int], month_rows: Sequence[dict]) -> None:
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


def of_funder(model, key: tuple):
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


def rebuild_funders(gifts_scope, series_scope) -> None:
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
    rebuild_funders(of_funder(Contribution, key), of_funder(FunderSeries, key))


def rebuild_initiative_funders(initiative_ids: Iterable[int]) -> None:
    """Rebuild the series of every funder of these initiatives."""
    ids = sorted(set(initiative_ids))
    lock_initiatives(ids)
    for chunk in chunks(ids):
        rebuild_funders(
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
