"""A portfolio's holdings as stored: one `funder_series` row per holding (a funder's gifts, or
its capital invested of one kind, in one initiative) with its initiative's running figures, and
the list slices that line them up over a period of months."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Integer, cast, func, select, type_coerce
from sqlalchemy.dialects.postgresql import ARRAY

from marketplace.accounts.models import User
from marketplace.community.follows import InitiativeRef
from marketplace.db import fetch_rows
from marketplace.donations.models import RecurringGift, RecurringStatus
from marketplace.extensions import db
from marketplace.figures.models import (
    UNITS_PER_EURO_EXPONENT,
    VALUE_KINDS,
    FunderSeries,
    InitiativeSeries,
)
from marketplace.initiatives.models import Initiative, Theme
from marketplace.organisations.models import Organisation
from marketplace.timeutil import as_utc, months_between

ZERO = Decimal(0)
GIFT = FunderSeries.GIFT
Funder = User | Organisation


def of_funder(funder: Funder, model):
    if isinstance(funder, Organisation):
        return (model.organisation_id == funder.id,)
    return (model.user_id == funder.id, model.organisation_id.is_(None))


def euros(units: int) -> Decimal:
    """1/10,000-euro units as the Decimal the monthly rows sum to (four decimals)."""
    return Decimal(units).scaleb(-UNITS_PER_EURO_EXPONENT)


@dataclass(frozen=True)
class HoldingRow:
    """One holding as stored: the funder's running amounts and the initiative's running figures.

    `given` is what counts as the funder's input: net paid gifts, or for an investment the
    capital not yet repaid (`investments.inputs`)."""

    initiative: InitiativeRef
    kind: str
    gifts_from: date
    given: list[int]
    first_paid_at: datetime
    last_paid_at: datetime
    figures_from: date | None
    inputs: list[int]
    values: list[int]
    kinds: dict[str, Decimal]  # each kind's cumulative value at the portfolio's last month
    accepted_from: date | None

    @property
    def key(self) -> tuple[int, str]:
        return (self.initiative.id, self.kind)


def _month_index(figures_from: date | None, as_of: date, length: int) -> int | None:
    """Where `as_of` is in an initiative's running totals (the last one after they end); None
    before its first month."""
    if figures_from is None or as_of < figures_from:
        return None
    return min(months_between(figures_from, as_of), length - 1)


def _kinds_at_in_sql(as_of: date) -> list:
    """The value units of each kind at `as_of`, picked out by PostgreSQL: 4 numbers a holding
    instead of 4 × its months (a portfolio of 1,000 holdings reads half as much)."""
    first = InitiativeSeries.first_month
    months = cast(
        as_of.year * 12
        + as_of.month
        - func.extract("year", first) * 12
        - func.extract("month", first),
        Integer,
    )
    length = func.array_length(type_coerce(InitiativeSeries.value_units, ARRAY(BigInteger)), 1)
    index = func.least(func.greatest(months, 0), length - 1) + 1
    by_kind = type_coerce(InitiativeSeries.value_units_by_kind, ARRAY(BigInteger, dimensions=2))
    return [by_kind[n + 1][index] for n in range(len(VALUE_KINDS))]


def _kinds(figures_from, as_of, values, picked, picked_in_sql: bool) -> dict[str, Decimal]:
    """Each kind's value at `as_of` from what was read: the numbers picked out by PostgreSQL,
    or (SQLite) the whole running totals by kind."""
    k = _month_index(figures_from, as_of, len(values)) if as_of is not None else None
    if k is None:
        return dict.fromkeys(VALUE_KINDS, ZERO)
    if picked_in_sql:
        return {kind: euros(units) for kind, units in zip(VALUE_KINDS, picked, strict=True)}
    return {kind: euros(picked[0][n][k]) for n, kind in enumerate(VALUE_KINDS)}


def holding_rows(
    funder: Funder, as_of: date | None, initiative_id: int | None = None
) -> dict[tuple, HoldingRow]:
    """Every holding of the funder (or those in one initiative), with its initiative's series
    and each kind's value at `as_of` (none asked: zeros), keyed by (initiative id, kind): one
    query, read as plain tuples."""
    in_sql = db.session.get_bind().dialect.name == "postgresql"
    if as_of is None:
        kinds = []
    elif in_sql:
        kinds = _kinds_at_in_sql(as_of)
    else:
        kinds = [InitiativeSeries.value_units_by_kind]
    query = (
        select(
            FunderSeries.initiative_id,
            FunderSeries.kind,
            FunderSeries.first_month,
            FunderSeries.given_cents,
            FunderSeries.first_paid_at,
            FunderSeries.last_paid_at,
            Initiative.name,
            Initiative.slug,
            Initiative.theme,
            InitiativeSeries.first_month,
            InitiativeSeries.inputs_cents,
            InitiativeSeries.value_units,
            InitiativeSeries.accepted_from,
            *kinds,
        )
        .join(Initiative, Initiative.id == FunderSeries.initiative_id)
        .outerjoin(InitiativeSeries, InitiativeSeries.initiative_id == FunderSeries.initiative_id)
        .where(*of_funder(funder, FunderSeries))
    )
    if initiative_id is not None:
        query = query.where(FunderSeries.initiative_id == initiative_id)
    rows = {}
    for (
        held_in, kind, gifts_from, given, first_paid, last_paid, name, slug, theme,
        figures_from, inputs, values, accepted_from, *picked,
    ) in fetch_rows(query):  # fmt: skip
        row = HoldingRow(
            initiative=InitiativeRef(held_in, name, slug, Theme(theme)),
            kind=kind or GIFT,
            gifts_from=gifts_from,
            given=given,
            first_paid_at=as_utc(first_paid),
            last_paid_at=as_utc(last_paid),
            figures_from=figures_from,
            inputs=inputs if figures_from else [0],
            values=values if figures_from else [0],
            kinds=_kinds(figures_from, as_of, values or [0], picked, in_sql),
            accepted_from=accepted_from,
        )
        rows[row.key] = row
    return rows


def held_keys(funder: Funder) -> list[tuple[int, str]]:
    """(initiative id, kind) of every holding of the funder, without their series (one query)."""
    return sorted(
        (initiative_id, kind or GIFT)
        for initiative_id, kind in db.session.execute(
            select(FunderSeries.initiative_id, FunderSeries.kind).where(
                *of_funder(funder, FunderSeries)
            )
        )
    )


def running_monthly(funder: Funder) -> set[int]:
    """The initiatives the funder gives to every month (an active monthly gift)."""
    return set(
        db.session.scalars(
            select(RecurringGift.initiative_id).where(
                *of_funder(funder, RecurringGift), RecurringGift.status == RecurringStatus.ACTIVE
            )
        )
    )


def aligned(totals: list[int], shift: int, steps: list[int], consecutive: bool) -> list[int]:
    """The running totals at months `shift + step` months after the series' first month: 0
    before the series starts, its last total after it ends (`steps` ascending)."""
    count = len(steps)
    if consecutive:  # a slice
        first = shift + steps[0]
        before = min(max(-first, 0), count)
        start = max(first, 0)
        part = totals[start : start + count - before]
        return [0] * before + part + [totals[-1]] * (count - before - len(part))
    last = len(totals) - 1
    return [totals[min(shift + k, last)] if shift + k >= 0 else 0 for k in steps]


@dataclass(frozen=True)
class Aligned:
    given: list[int]
    inputs: list[int]
    value_units: list[int]


@dataclass(frozen=True)
class Months:
    """The months of a portfolio, with their distance from the first (computed once)."""

    months: list[date]
    steps: list[int]
    consecutive: bool

    @classmethod
    def of(cls, months: list[date]) -> "Months":
        steps = [months_between(months[0], m) for m in months]
        return cls(months, steps, steps[-1] - steps[0] == len(steps) - 1)


def align(row: HoldingRow, months: Months) -> Aligned:
    first = months.months[0]
    gift_shift = months_between(row.gifts_from, first)
    figures_shift = months_between(row.figures_from or first, first)
    steps, consecutive = months.steps, months.consecutive
    return Aligned(
        given=aligned(row.given, gift_shift, steps, consecutive),
        inputs=aligned(row.inputs, figures_shift, steps, consecutive),
        value_units=aligned(row.values, figures_shift, steps, consecutive),
    )
