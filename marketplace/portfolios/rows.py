"""A portfolio's holdings as stored: one `funder_series` row per holding (a funder's gifts, or
its capital invested of one kind, in one initiative) with its initiative's running figures, and
the list slices that line them up over a period of months."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from marketplace.accounts.models import User
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
from marketplace.portfolios.watchlist import InitiativeRef
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
    keyed by (initiative id, kind): one query."""
    query = (
        select(FunderSeries, Initiative.name, Initiative.slug, Initiative.theme, InitiativeSeries)
        .join(Initiative, Initiative.id == FunderSeries.initiative_id)
        .outerjoin(InitiativeSeries, InitiativeSeries.initiative_id == FunderSeries.initiative_id)
        .where(*of_funder(funder, FunderSeries))
    )
    if initiative_id is not None:
        query = query.where(FunderSeries.initiative_id == initiative_id)
    rows = {}
    for gifts, name, slug, theme, figures in db.session.execute(query):
        ref = InitiativeRef(gifts.initiative_id, name, slug, Theme(theme))
        row = HoldingRow(
            initiative=ref,
            kind=gifts.kind or GIFT,
            gifts_from=gifts.first_month,
            given=list(gifts.given_cents),
            first_paid_at=as_utc(gifts.first_paid_at),
            last_paid_at=as_utc(gifts.last_paid_at),
            figures_from=figures.first_month if figures else None,
            inputs=list(figures.inputs_cents) if figures else [0],
            values=list(figures.value_units) if figures else [0],
            by_kind=[list(k) for k in figures.value_units_by_kind] if figures else [],
            accepted_from=figures.accepted_from if figures else None,
        )
        rows[row.key] = row
    return rows


def running_monthly(funder: Funder) -> set[int]:
    """The initiatives the funder gives to every month (an active monthly gift)."""
    return set(
        db.session.scalars(
            select(RecurringGift.initiative_id).where(
                *of_funder(funder, RecurringGift), RecurringGift.status == RecurringStatus.ACTIVE
            )
        )
    )


def aligned(totals: list[int], offsets: list[int]) -> list[int]:
    """The running totals at months `offsets` months after the series' first month: 0 before the
    series starts, its last total after it ends (`offsets` ascending)."""
    first, count = offsets[0], len(offsets)
    if offsets[-1] - first == count - 1:  # consecutive months: slice
        before = min(max(-first, 0), count)
        start = max(first, 0)
        part = totals[start : start + count - before]
        return [0] * before + part + [totals[-1]] * (count - before - len(part))
    last = len(totals) - 1
    return [totals[min(k, last)] if k >= 0 else 0 for k in offsets]


@dataclass(frozen=True)
class Aligned:
    given: list[int]
    inputs: list[int]
    value_units: list[int]


def align(row: HoldingRow, months: list[date]) -> Aligned:
    steps = [months_between(months[0], m) for m in months]
    gift_offset = months_between(row.gifts_from, months[0])
    figures_offset = months_between(row.figures_from or months[0], months[0])
    offsets = [figures_offset + step for step in steps]
    return Aligned(
        given=aligned(row.given, [gift_offset + step for step in steps]),
        inputs=aligned(row.inputs, offsets),
        value_units=aligned(row.values, offsets),
    )
