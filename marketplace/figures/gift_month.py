"""One gift changed: recount the month it was paid in, for its initiative and for its funder.

A webhook's figure work (`listeners.on_contribution_changed`): the initiative's monthly row and
running totals, and the funder's running totals from that month on, from the gifts of that
month only. The full rebuilds in `build` give the same rows; tests compare the two.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from itertools import accumulate

from sqlalchemy import func, select, update

from marketplace.donations.models import Contribution
from marketplace.extensions import db
from marketplace.figures.build import (
    funder_key,
    lock_initiatives,
    of_funder,
    rebuild_funders,
    series_row,
    store_series,
)
from marketplace.figures.models import (
    INPUT_COLUMNS,
    VALUE_KINDS,
    ZERO,
    FunderSeries,
    InitiativeMonth,
    InitiativeSeries,
)
from marketplace.timeutil import amsterdam_month, amsterdam_month_bounds, as_utc, months_between


def update_gift(
    initiative_id: int, user_id: int | None, organisation_id: int | None, paid_at: datetime
) -> None:
    """A gift paid at `paid_at` changed: recount the net paid gifts of its month, for the
    initiative's monthly row and running totals and for its funder's series.

    One advisory lock serves both; each count reads one month of gifts from a covering index,
    so a payment costs the same for an initiative (or a donor) with 100 or 150,000 gifts.
    """
    lock_initiatives([initiative_id])
    month = amsterdam_month(paid_at)
    low, high = amsterdam_month_bounds(month)
    in_month = (Contribution.paid_at >= low, Contribution.paid_at < high)
    count, cents = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Contribution.net_cents), 0)).where(
            Contribution.initiative_id == initiative_id, *in_month
        )
    ).one()  # from the index on (initiative, paid_at) alone
    _write_gift_month(initiative_id, month, count, cents)
    key = funder_key(initiative_id, user_id, organisation_id)
    if key is None:
        return
    funder_month = db.session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(Contribution.net_cents), 0),
            func.min(Contribution.paid_at),
            func.max(Contribution.paid_at),
        ).where(of_funder(Contribution, key), Contribution.paid_at.is_not(None), *in_month)
    ).one()  # from the funder's portfolio index alone (not the initiative's month: all funders)
    _write_funder_month(key, *funder_month)


def _write_gift_month(initiative_id: int, month: date, count: int, cents: int) -> None:
    """Store the month's recount (`count` paid gifts, net `cents`), then the running totals."""
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
    """`store_series` for one initiative in one statement when its row exists (an UPDATE)."""
    row = series_row(initiative_id, month_rows)
    if row is None:
        store_series([initiative_id], month_rows)
        return
    table = InitiativeSeries.__table__
    values = {name: value for name, value in row.items() if name != "initiative_id"}
    updated = db.session.execute(
        update(table).where(table.c.initiative_id == initiative_id).values(**values)
    ).rowcount
    if not updated:
        db.session.execute(table.insert(), [row])


def _write_funder_month(
    key: tuple, count: int, cents: int, earliest: datetime | None, latest: datetime | None
) -> None:
    """Store one funder's recount of a month (`count` paid gifts, net `cents`, paid from
    `earliest` to `latest`): the running totals of their series change from that month on.

    Idempotent like the full rebuild (`rebuild_funder_series`), which it falls back to when the
    series row is missing or the month has no paid gift left (a purged gift may move the first
    or last month): a gift's month and funder are fixed once paid, so the other months stand.
    """
    table = FunderSeries.__table__
    row = db.session.execute(
        select(
            table.c.id, table.c.first_month, table.c.given_cents, table.c.first_paid_at,
            table.c.last_paid_at,
        ).where(of_funder(FunderSeries, key), table.c.kind == FunderSeries.GIFT)
    ).first()  # fmt: skip
    if row is None or not count:
        rebuild_funders(of_funder(Contribution, key), of_funder(FunderSeries, key))
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
