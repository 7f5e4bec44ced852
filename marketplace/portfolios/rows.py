"""A portfolio's holdings as stored: one `funder_series` row per holding (a funder's gifts, or
its capital invested of one kind, in one initiative) with its initiative's running figures, and
the list slices that line them up over a period of months."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

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
    by_kind: list[list[int]]
    accepted_from: date | None

    @property
    def key(self) -> tuple[int, str]:
        return (self.initiative.id, self.kind)

    def kinds_at(self, as_of: date) -> dict[str, Decimal]:
        """Each kind's cumulative value at `as_of` (zero before the initiative's first month)."""
        if self.figures_from is None or as_of < self.figures_from:
            return dict.fromkeys(VALUE_KINDS, ZERO)
        k = min(months_between(self.figures_from, as_of), len(self.values) - 1)
        return {kind: euros(self.by_kind[n][k]) for n, kind in enumerate(VALUE_KINDS)}


def holding_rows(funder: Funder, initiative_id: int | None = None) -> dict[tuple, HoldingRow]:
    """Every holding of the funder (or those in one initiative), with its initiative's series,
    keyed by (initiative id, kind): one query, read as plain tuples."""
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
            InitiativeSeries.value_units_by_kind,
            InitiativeSeries.accepted_from,
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
        figures_from, inputs, values, by_kind, accepted_from,
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
            by_kind=by_kind if figures_from else [],
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
