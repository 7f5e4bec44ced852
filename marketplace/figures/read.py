"""Reading the shared figures: monthly rows, cumulative points, an initiative's totals."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.figures.models import (
    UNITS_PER_EURO_EXPONENT,
    VALUE_KINDS,
    ZERO,
    InitiativeMonth,
    InitiativeSeries,
)
from marketplace.timeutil import month_start, months_between

CHUNK = 500  # initiative ids per IN (...) query


def monthly_figures(initiative_ids: Iterable[int]) -> dict[int, list[InitiativeMonth]]:
    """Each initiative's monthly rows, ordered by month (initiatives without rows get [])."""
    ids = sorted(set(initiative_ids))
    result: dict[int, list[InitiativeMonth]] = {i: [] for i in ids}
    for start in range(0, len(ids), CHUNK):
        rows = db.session.scalars(
            select(InitiativeMonth)
            .where(InitiativeMonth.initiative_id.in_(ids[start : start + CHUNK]))
            .order_by(InitiativeMonth.initiative_id, InitiativeMonth.month)
        )
        for row in rows:
            result[row.initiative_id].append(row)
    return result


def raised_cents(initiative_id: int, until: date | None = None) -> int:
    """Net paid gifts to an initiative (up to and including the month `until`), read from its
    monthly figures: the same cost whatever its number of gifts."""
    query = select(func.coalesce(func.sum(InitiativeMonth.platform_cents), 0)).where(
        InitiativeMonth.initiative_id == initiative_id
    )
    if until is not None:
        query = query.where(InitiativeMonth.month <= month_start(until))
    return int(db.session.scalar(query) or 0)


@dataclass(frozen=True)
class FigurePoint:
    """Cumulative figures of one initiative up to and including `month`."""

    month: date
    platform_cents: int
    declared_cents: int
    inputs_cents: int  # from every source (INPUT_COLUMNS), not only gifts and declared inputs
    value_fiscal: Decimal
    value_wellbeing: Decimal
    value_environmental: Decimal
    value_economic: Decimal
    evidence_level: int | None
    has_accepted_report: bool

    @property
    def value_total(self) -> Decimal:
        return sum(self.by_value_kind.values(), ZERO)

    @property
    def by_value_kind(self) -> dict[str, Decimal]:
        return {kind: getattr(self, f"value_{kind}") for kind in VALUE_KINDS}


def cumulative_series(rows: Sequence[InitiativeMonth], months: Sequence[date]) -> list[FigurePoint]:
    """Cumulative totals at each of `months` (ascending) from one initiative's monthly rows.

    Rows before the first requested month are included in the first point.
    """
    ordered = sorted(rows, key=lambda r: r.month)
    points: list[FigurePoint] = []
    platform = declared = inputs = 0
    values = dict.fromkeys(VALUE_KINDS, ZERO)
    level: int | None = None
    accepted = False
    position = 0
    for raw in months:
        month = month_start(raw)
        while position < len(ordered) and ordered[position].month <= month:
            row = ordered[position]
            platform += row.platform_cents
            declared += row.declared_cents
            inputs += row.inputs_cents
            for kind in VALUE_KINDS:
                values[kind] += Decimal(getattr(row, f"value_{kind}"))
            if row.evidence_level is not None:
                level = row.evidence_level if level is None else max(level, row.evidence_level)
                accepted = True
            position += 1
        points.append(
            FigurePoint(month, platform, declared, inputs, *values.values(), level, accepted)
        )
    return points


def _euros(units: int) -> Decimal:
    return Decimal(units).scaleb(-UNITS_PER_EURO_EXPONENT)


@dataclass(frozen=True)
class Running:
    """One initiative's running totals (`InitiativeSeries`), read at any month."""

    first_month: date
    inputs: list[int]
    value_units: list[int]
    by_kind: list[list[int]]
    accepted_from: date | None

    @property
    def last_month(self) -> date:
        year, index = divmod(self.first_month.month - 1 + len(self.inputs) - 1, 12)
        return date(self.first_month.year + year, index + 1, 1)

    def _at(self, month: date) -> int | None:
        if month < self.first_month:
            return None
        return min(months_between(self.first_month, month), len(self.inputs) - 1)

    def inputs_at(self, month: date) -> int:
        k = self._at(month)
        return 0 if k is None else self.inputs[k]

    def value_at(self, month: date) -> Decimal:
        k = self._at(month)
        return ZERO if k is None else _euros(self.value_units[k])

    def kinds_at(self, month: date) -> dict[str, Decimal]:
        k = self._at(month)
        return {
            kind: ZERO if k is None else _euros(self.by_kind[n][k])
            for n, kind in enumerate(VALUE_KINDS)
        }


def running_totals(initiative_ids: Iterable[int]) -> dict[int, Running]:
    """The running totals of these initiatives (those without figures are left out)."""
    ids = sorted(set(initiative_ids))
    found: dict[int, Running] = {}
    for start in range(0, len(ids), CHUNK):
        for row in db.session.scalars(
            select(InitiativeSeries).where(
                InitiativeSeries.initiative_id.in_(ids[start : start + CHUNK])
            )
        ):
            found[row.initiative_id] = Running(
                row.first_month,
                list(row.inputs_cents),
                list(row.value_units),
                [list(kind) for kind in row.value_units_by_kind],
                row.accepted_from,
            )
    return found
