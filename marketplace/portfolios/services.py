"""Portfolios: a funder's holdings, their attributed social value, totals and monthly series.

A funder is a person (User: their own gifts, i.e. without an organisation) or an Organisation (the
gifts made on its behalf). The arithmetic is `marketplace.portfolios.attribution` (pure); the
figures come precomputed from `marketplace.exchange.figures`, so a portfolio costs a fixed handful
of queries whatever its number of holdings.

On PostgreSQL `build_portfolio` reads one row per holding: the funder's and the initiative's
running monthly totals (tables funder_series and initiative_series, integer arrays read in binary)
and lines them up per month with list slices. `build_portfolio_reference` is the plain Python
computation from the monthly rows (initiative_months and the contributions; used on SQLite, and in
the tests as the reference: the figures must be equal to the last Decimal digit).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from operator import add

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Date, cast, delete, func, select

from marketplace.accounts.models import User
from marketplace.donations.models import Contribution, RecurringGift, RecurringStatus
from marketplace.errors import InvalidInput, NotFound
from marketplace.exchange import indices
from marketplace.exchange.figures import UNITS_PER_EURO_EXPONENT, VALUE_KINDS, InitiativeMonth
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative, Theme
from marketplace.organisations.models import Organisation
from marketplace.organisations.services import require_member
from marketplace.portfolios import attribution
from marketplace.portfolios.models import ComparableGroup, Watch
from marketplace.timeutil import (
    as_utc,
    month_range,
    month_start,
    months_between,
    to_amsterdam,
    utcnow,
)

ZERO = Decimal(0)
Funder = User | Organisation
MAX_MONTHS = 240


# --- data shapes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class InitiativeRef:
    id: int
    name: str
    slug: str
    theme: Theme


@dataclass(frozen=True)
class Comparison:
    """Quartiles of the social return of initiatives in the same theme and size band."""

    theme: str
    size_band: str
    count: int
    q1: Decimal
    median: Decimal
    q3: Decimal

    def position(self, value: Decimal | None) -> str | None:
        """'top' (above Q3), 'upper' (median..Q3), 'lower' (Q1..median), 'bottom' (below Q1)."""
        if value is None:
            return None
        if value > self.q3:
            return "top"
        if value >= self.median:
            return "upper"
        if value >= self.q1:
            return "lower"
        return "bottom"


@dataclass
class Holding:
    initiative: InitiativeRef
    given_cents: int
    first_gift_at: datetime | None
    last_gift_at: datetime | None
    monthly_running: bool
    share: Decimal
    attributed_value: Decimal
    social_return: Decimal | None
    by_value_kind: dict[str, Decimal]
    inputs_cents: int
    initiative_value: Decimal
    has_accepted_report: bool
    size_band: str
    comparison: Comparison | None = None
    monthly_given: dict[date, int] = field(default_factory=dict, repr=False)
    series: list[attribution.SeriesPoint] = field(default_factory=list)


@dataclass(frozen=True)
class PortfolioPoint:
    month: date
    given_cents: int
    attributed_value: Decimal
    social_return: Decimal | None


@dataclass
class Totals:
    given_cents: int
    attributed_value: Decimal
    social_return: Decimal | None
    by_value_kind: dict[str, Decimal]
    by_theme: dict[str, dict]


@dataclass
class Portfolio:
    funder: Funder
    months: list[date]
    holdings: list[Holding]
    totals: Totals
    series: list[PortfolioPoint]
    watchlist: list[InitiativeRef]

    @property
    def kind(self) -> str:
        return funder_kind(self.funder)

    @property
    def as_of(self) -> date | None:
        return self.months[-1] if self.months else None


def funder_kind(funder: Funder) -> str:
    return "organisation" if isinstance(funder, Organisation) else "user"


# --- access -------------------------------------------------------------------------------------


def organisation_portfolio_owner(org_id, user) -> Organisation:
    """The organisation whose portfolio `user` may read (any member role); NotFound otherwise."""
    return require_member(org_id, user)


# --- the funder's own gifts ---------------------------------------------------------------------


def _funder_filter(funder: Funder, model=Contribution):
    if isinstance(funder, Organisation):
        return (model.organisation_id == funder.id,)
    return (model.user_id == funder.id, model.organisation_id.is_(None))


@dataclass
class _Gifts:
    monthly: dict[date, int] = field(default_factory=dict)
    total: int = 0
    first: datetime | None = None
    last: datetime | None = None


def funder_monthly_gifts(funder: Funder) -> dict[int, _Gifts]:
    """Per initiative: net paid cents per Amsterdam month of payment, first and last payment.

    One grouped query on PostgreSQL; on SQLite the (small) rows are grouped here, because SQLite
    has no time zone support to find the Amsterdam month.
    """
    net = Contribution.amount_cents - Contribution.refunded_cents - Contribution.charged_back_cents
    where = (*_funder_filter(funder), Contribution.paid_at.is_not(None))
    result: dict[int, _Gifts] = defaultdict(_Gifts)
    if db.engine.dialect.name == "postgresql":
        month = cast(
            func.date_trunc("month", func.timezone("Europe/Amsterdam", Contribution.paid_at)), Date
        )
        rows = db.session.execute(
            select(Contribution.initiative_id, month, func.sum(net))
            .where(*where)
            .group_by(Contribution.initiative_id, month)
        )
        for initiative_id, month_value, cents in rows:
            gifts = result[initiative_id]
            gifts.monthly[month_value] = int(cents)
            gifts.total += int(cents)
        for initiative_id, first, last in db.session.execute(
            select(
                Contribution.initiative_id,
                func.min(Contribution.paid_at),
                func.max(Contribution.paid_at),
            )
            .where(*where)
            .group_by(Contribution.initiative_id)
        ):
            result[initiative_id].first = as_utc(first)
            result[initiative_id].last = as_utc(last)
    else:
        rows = db.session.execute(
            select(Contribution.initiative_id, Contribution.paid_at, net).where(*where)
        )
        for initiative_id, paid_at, cents in rows:
            paid_at = as_utc(paid_at)
            month_value = month_start(to_amsterdam(paid_at).date())
            _add(result[initiative_id], month_value, int(cents), paid_at, paid_at)
    return dict(result)


def _add(gifts: _Gifts, month: date, cents: int, first: datetime, last: datetime) -> None:
    gifts.monthly[month] = gifts.monthly.get(month, 0) + cents
    gifts.total += cents
    gifts.first = first if gifts.first is None or first < gifts.first else gifts.first
    gifts.last = last if gifts.last is None or last > gifts.last else gifts.last


def _running_monthly(funder: Funder) -> set[int]:
    return set(
        db.session.scalars(
            select(RecurringGift.initiative_id).where(
                *_funder_filter(funder, RecurringGift),
                RecurringGift.status == RecurringStatus.ACTIVE,
            )
        )
    )


def _initiative_refs(ids: Iterable[int]) -> dict[int, InitiativeRef]:
    ids = list(ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Initiative.id, Initiative.name, Initiative.slug, Initiative.theme).where(
            Initiative.id.in_(ids)
        )
    )
    return {row[0]: InitiativeRef(row[0], row[1], row[2], Theme(row[3])) for row in rows}


def _figures(ids: Sequence[int]) -> dict[int, list[tuple]]:
    """Per initiative: (month, inputs cents, total value, evidence level), as plain tuples."""
    result: dict[int, list[tuple]] = defaultdict(list)
    if not ids:
        return result
    rows = db.session.execute(
        select(
            InitiativeMonth.initiative_id,
            InitiativeMonth.month,
            InitiativeMonth.platform_cents + InitiativeMonth.declared_cents,
            InitiativeMonth.value_fiscal
            + InitiativeMonth.value_wellbeing
            + InitiativeMonth.value_environmental
            + InitiativeMonth.value_economic,
            InitiativeMonth.evidence_level,
        )
        .where(InitiativeMonth.initiative_id.in_(ids))
        .order_by(InitiativeMonth.initiative_id, InitiativeMonth.month)
    )
    for initiative_id, month, inputs, value, level in rows:
        result[initiative_id].append((month, inputs, value, level))
    return result


def _values_by_kind(ids: Sequence[int], as_of: date) -> dict[int, dict[str, Decimal]]:
    """Per initiative: cumulative value of each kind up to and including `as_of` (one query)."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            InitiativeMonth.initiative_id,
            *(func.sum(getattr(InitiativeMonth, f"value_{kind}")) for kind in VALUE_KINDS),
        )
        .where(InitiativeMonth.initiative_id.in_(ids), InitiativeMonth.month <= as_of)
        .group_by(InitiativeMonth.initiative_id)
    )
    return {
        row[0]: {kind: Decimal(row[i] or 0) for i, kind in enumerate(VALUE_KINDS, start=1)}
        for row in rows
    }


# --- months -------------------------------------------------------------------------------------


def current_month() -> date:
    return month_start(to_amsterdam(utcnow()).date())


def parse_month(text: str | None, field_name: str) -> date | None:
    """'2024-05' (or '2024-05-01') -> date(2024, 5, 1); None when empty; InvalidInput otherwise."""
    if not text:
        return None
    try:
        parts = str(text).strip().split("-")
        return date(int(parts[0]), int(parts[1]), 1)
    except (ValueError, IndexError):
        message = _("Use a month like 2024-05.")
        raise InvalidInput(
            _("Please correct the marked fields."), {field_name: [message]}
        ) from None


PERIODS = ("12m", "36m", "60m", "all")


def months_for_period(
    period: str | None = None, start: str | None = None, end: str | None = None
) -> tuple[date | None, date | None]:
    """Resolve a period choice ('12m', '36m', '60m', 'all') or explicit from/to months."""
    last = parse_month(end, "to") or current_month()
    first = parse_month(start, "from")
    if first is None and period and period != "all":
        if period not in PERIODS:
            message = _("Choose a period.")
            raise InvalidInput(_("Please correct the marked fields."), {"period": [message]})
        count = int(period[:-1])
        year, month = divmod(last.year * 12 + last.month - 1 - (count - 1), 12)
        first = date(year, month + 1, 1)
    if first is not None and first > last:
        message = _("The first month must not be after the last.")
        raise InvalidInput(_("Please correct the marked fields."), {"from": [message]})
    return first, last


# --- comparables --------------------------------------------------------------------------------


def refresh_comparables() -> int:
    """Rebuild the quartiles per (theme, size band) from the monthly figures; returns groups."""
    total_inputs = func.sum(InitiativeMonth.platform_cents + InitiativeMonth.declared_cents)
    total_value = func.sum(
        InitiativeMonth.value_fiscal
        + InitiativeMonth.value_wellbeing
        + InitiativeMonth.value_environmental
        + InitiativeMonth.value_economic
    )
    rows = db.session.execute(
        select(
            Initiative.theme, total_inputs, total_value, func.max(InitiativeMonth.evidence_level)
        )
        .join(Initiative, Initiative.id == InitiativeMonth.initiative_id)
        .group_by(InitiativeMonth.initiative_id, Initiative.theme)
    )
    groups: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    for theme, inputs_cents, value, level in rows:
        inputs_cents = int(inputs_cents or 0)
        if inputs_cents <= 0 or level is None:  # not quoted: no accepted report or no inputs
            continue
        ratio = indices.social_return(inputs_cents, Decimal(value or 0))
        groups[(Theme(theme).value, indices.size_band(inputs_cents))].append(ratio)
    now = utcnow()
    db.session.execute(delete(ComparableGroup))
    places = Decimal("0.000001")
    for (theme, band), ratios in groups.items():
        q1, median, q3 = indices.quartiles(ratios)
        db.session.add(
            ComparableGroup(
                theme=theme,
                size_band=band,
                count=len(ratios),
                q1=q1.quantize(places),
                median=median.quantize(places),
                q3=q3.quantize(places),
                computed_at=now,
            )
        )
    if not groups:  # remember that there was nothing, so the next page does not recompute
        db.session.add(
            ComparableGroup(theme="", size_band="", count=0, q1=0, median=0, q3=0, computed_at=now)
        )
    db.session.commit()
    return len(groups)


def comparable_groups() -> dict[tuple[str, str], Comparison]:
    """The precomputed groups; rebuilt first when missing or older than the configured age."""
    rows = list(db.session.scalars(select(ComparableGroup)))
    max_age = current_app.config.get("PORTFOLIO_COMPARABLES_MAX_AGE", 3600)
    oldest = min((as_utc(r.computed_at) for r in rows), default=None)
    if oldest is None or utcnow() - oldest > timedelta(seconds=max_age):
        refresh_comparables()
        rows = list(db.session.scalars(select(ComparableGroup)))
    return {
        (r.theme, r.size_band): Comparison(
            r.theme, r.size_band, r.count, Decimal(r.q1), Decimal(r.median), Decimal(r.q3)
        )
        for r in rows
        if r.count
    }


# --- the portfolio ------------------------------------------------------------------------------


def _cumulative(amounts: list, months: Sequence[date], first_index: int, zero):
    """Running totals at each of `months` from (month, amount) pairs sorted by month."""
    totals = []
    running = zero
    position = 0
    count = len(amounts)
    for month in months:
        while position < count and amounts[position][0] <= month:
            running += amounts[position][first_index]
            position += 1
        totals.append(running)
    return totals


def holding_series(portfolio: "Portfolio", holding: "Holding") -> list[attribution.SeriesPoint]:
    """One holding's monthly series (attribution.monthly_series over the portfolio's months)."""
    if not portfolio.months:
        return []
    monthly_given = holding.monthly_given
    if not monthly_given:
        gifts = funder_monthly_gifts(portfolio.funder).get(holding.initiative.id)
        monthly_given = gifts.monthly if gifts else {}
    rows = _figures([holding.initiative.id]).get(holding.initiative.id, [])
    return attribution.monthly_series(
        monthly_given,
        {row[0]: row[1] for row in rows},
        {row[0]: row[2] for row in rows},
        portfolio.months,
    )


def build_portfolio(
    funder: Funder,
    *,
    months: Sequence[date] | None = None,
    first: date | None = None,
    last: date | None = None,
    with_comparison: bool = True,
    with_holding_series: bool = False,
) -> Portfolio:
    """Holdings (as at the last month), totals and the monthly series of a funder's portfolio.

    `months` (ascending first-of-month dates) or `first`/`last` select the period; by default it
    runs from the month of the first gift to the current month. Per-holding series are computed
    only when asked for (`with_holding_series`, or later with `holding_series`).

    On PostgreSQL the running totals are precomputed (`_build_portfolio_pg`); the Decimal
    arithmetic is that of `build_portfolio_reference`, so every figure is identical.
    """
    if db.engine.dialect.name == "postgresql" and (months is None or len(months) > 0):
        return _build_portfolio_pg(
            funder,
            months=months,
            first=first,
            last=last,
            with_comparison=with_comparison,
            with_holding_series=with_holding_series,
        )
    return build_portfolio_reference(
        funder,
        months=months,
        first=first,
        last=last,
        with_comparison=with_comparison,
        with_holding_series=with_holding_series,
    )


def _period_months(first: date | None, last: date | None, earliest: Iterable[date]) -> list[date]:
    last = last or current_month()
    if first is None:
        starts = list(earliest)
        first = min(starts) if starts else last
    months = month_range(first, last)
    if len(months) > MAX_MONTHS:
        months = months[-MAX_MONTHS:]
    return months


def build_portfolio_reference(
    funder: Funder,
    *,
    months: Sequence[date] | None = None,
    first: date | None = None,
    last: date | None = None,
    with_comparison: bool = True,
    with_holding_series: bool = False,
) -> Portfolio:
    """`build_portfolio` computed in Python from the monthly rows (SQLite, and the reference the
    PostgreSQL path is tested against)."""
    gifts = funder_monthly_gifts(funder)
    if months is None:
        months = _period_months(first, last, (min(g.monthly) for g in gifts.values() if g.monthly))
    months = [month_start(m) for m in months]
    as_of = months[-1] if months else current_month()
    ids = sorted(i for i, g in gifts.items() if g.monthly and min(g.monthly) <= as_of)

    refs = _initiative_refs(ids)
    running = _running_monthly(funder) if ids else set()
    figures = _figures(ids)
    kinds = _values_by_kind(ids, as_of)
    groups = comparable_groups() if (ids and with_comparison) else {}
    watchlist = watchlist_of(funder)

    holdings: list[Holding] = []
    total_given = [0] * len(months)
    total_value = [ZERO] * len(months)
    for initiative_id in ids:
        ref = refs.get(initiative_id)
        if ref is None:
            continue
        rows = figures.get(initiative_id, [])
        monthly_given = gifts[initiative_id].monthly
        given_series = _cumulative(sorted(monthly_given.items()), months, 1, 0)
        inputs_series = _cumulative(rows, months, 1, 0)
        value_series = _cumulative(rows, months, 2, ZERO)
        for index, given in enumerate(given_series):
            total_given[index] += given
            if given > 0 and inputs_series[index] > 0 and value_series[index]:
                total_value[index] += value_series[index] * given / inputs_series[index]
        given_cents = given_series[-1] if months else 0
        inputs_cents = inputs_series[-1] if months else 0
        initiative_value = value_series[-1] if months else ZERO
        accepted = any(row[3] is not None and row[0] <= as_of for row in rows)
        holding = _holding(
            ref,
            given_cents,
            inputs_cents,
            initiative_value,
            accepted,
            kinds.get(initiative_id, dict.fromkeys(VALUE_KINDS, ZERO)),
            gifts[initiative_id].first,
            gifts[initiative_id].last,
            initiative_id in running,
            groups,
        )
        holding.monthly_given = monthly_given
        if with_holding_series:
            holding.series = attribution.monthly_series(
                monthly_given,
                {row[0]: row[1] for row in rows},
                {row[0]: row[2] for row in rows},
                months,
            )
        holdings.append(holding)
    return _portfolio(funder, months, holdings, total_given, total_value, watchlist)


def _holding(
    ref: InitiativeRef,
    given_cents: int,
    inputs_cents: int,
    initiative_value: Decimal,
    accepted: bool,
    kind_values: dict[str, Decimal],
    first_gift_at: datetime | None,
    last_gift_at: datetime | None,
    monthly_running: bool,
    groups: dict[tuple[str, str], Comparison],
) -> Holding:
    attributed = attribution.attributed_value(given_cents, inputs_cents, initiative_value)
    by_kind = {
        kind: attribution.attributed_value(given_cents, inputs_cents, value)
        for kind, value in kind_values.items()
    }
    band = indices.size_band(inputs_cents)
    return Holding(
        initiative=ref,
        given_cents=given_cents,
        first_gift_at=first_gift_at,
        last_gift_at=last_gift_at,
        monthly_running=monthly_running,
        share=attribution.share(given_cents, inputs_cents),
        attributed_value=attributed,
        social_return=attribution.social_return(attributed, given_cents) if accepted else None,
        by_value_kind=by_kind,
        inputs_cents=inputs_cents,
        initiative_value=initiative_value,
        has_accepted_report=accepted,
        size_band=band,
        comparison=groups.get((ref.theme.value, band)),
    )


def _portfolio(funder, months, holdings, total_given, total_value, watchlist) -> Portfolio:
    holdings.sort(key=lambda h: (-h.given_cents, h.initiative.name))
    return Portfolio(
        funder=funder,
        months=months,
        holdings=holdings,
        totals=_totals(holdings),
        series=[
            PortfolioPoint(
                month, given, value, attribution.social_return(value, given) if given else None
            )
            for month, given, value in zip(months, total_given, total_value, strict=True)
        ],
        watchlist=watchlist,
    )


# --- the portfolio on PostgreSQL: one row per holding, running totals precomputed -------------


def _pg_rows(sql: str, params: dict) -> list[tuple]:
    """Plain tuples from the driver on the session's connection, arrays read in binary."""
    connection = db.session.connection().connection.dbapi_connection
    with connection.cursor() as cursor:
        cursor.execute(sql, params, binary=True)
        return cursor.fetchall()


_PG_KINDS_AT = ", ".join(
    f"s.value_units_by_kind[{n}][at.k + 1]" for n in range(1, len(VALUE_KINDS) + 1)
)


def _pg_holdings(funder: Funder, as_of: date) -> list[tuple]:
    """Per initiative the funder gave to: its `funder_series` row (running net gifts per month),
    the initiative's name, slug and theme, its `initiative_series` row (exchange.figures), and
    its value per kind as of `as_of` (NULL before its first month)."""
    if isinstance(funder, Organisation):
        where = "f.organisation_id = %(funder_id)s"
    else:
        where = "f.user_id = %(funder_id)s AND f.organisation_id IS NULL"
    sql = f"""
        SELECT f.initiative_id, f.first_month, f.given_cents, f.first_paid_at, f.last_paid_at,
               i.name, i.slug, i.theme,
               s.first_month, s.inputs_cents, s.value_units, s.accepted_from,
               CASE WHEN at.k >= 0 THEN ARRAY[{_PG_KINDS_AT}] END
        FROM funder_series f
        JOIN initiatives i ON i.id = f.initiative_id
        LEFT JOIN initiative_series s ON s.initiative_id = f.initiative_id
        LEFT JOIN LATERAL (
            SELECT CAST(least(
                (EXTRACT(YEAR FROM %(as_of)s) - EXTRACT(YEAR FROM s.first_month)) * 12
                + EXTRACT(MONTH FROM %(as_of)s) - EXTRACT(MONTH FROM s.first_month),
                cardinality(s.value_units) - 1
            ) AS integer) AS k
        ) AS at ON true
        WHERE {where}
    """  # noqa: S608 (only constants are interpolated)
    return _pg_rows(sql, {"funder_id": funder.id, "as_of": as_of})


def _aligned(totals: list[int], offsets: list[int]) -> list[int]:
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


def _euros(units: int) -> Decimal:
    """1/10,000-euro units as the Decimal the monthly rows sum to (four decimals)."""
    return Decimal(units).scaleb(-UNITS_PER_EURO_EXPONENT)


def _build_portfolio_pg(
    funder: Funder,
    *,
    months: Sequence[date] | None,
    first: date | None,
    last: date | None,
    with_comparison: bool,
    with_holding_series: bool,
) -> Portfolio:
    as_of = month_start(months[-1] if months else (last or current_month()))
    rows = {row[0]: row for row in _pg_holdings(funder, as_of)}
    if months is None:
        months = _period_months(first, last, (row[1] for row in rows.values()))
    months = [month_start(m) for m in months]
    ids = sorted(i for i, row in rows.items() if row[1] <= as_of)

    running = _running_monthly(funder) if ids else set()
    groups = comparable_groups() if (ids and with_comparison) else {}
    watchlist = watchlist_of(funder)

    count = len(months)
    steps = [months_between(months[0], m) for m in months]
    no_figures = (None, [0], [0], None, None)
    holdings: list[Holding] = []
    total_given = [0] * count
    total_units = [ZERO] * count  # attributed value in 1/10,000 euro, summed over the holdings
    for initiative_id in ids:
        _id, gifts_from, given, first_at, last_at, name, slug, theme, *figures = rows[initiative_id]
        figures_from, inputs, values, accepted_from, kinds_at = (
            figures if figures[0] is not None else (months[0], *no_figures[1:])
        )
        gift_offset = months_between(gifts_from, months[0])
        given_series = _aligned(given, [gift_offset + step for step in steps])
        figures_offset = months_between(figures_from, months[0])
        offsets = [figures_offset + step for step in steps]
        inputs_series = _aligned(inputs, offsets)
        value_units = _aligned(values, offsets)
        total_given = list(map(add, total_given, given_series))
        total_units = list(
            map(
                add,
                total_units,
                [
                    Decimal(units * given) / inputs if given > 0 and inputs > 0 and units else ZERO
                    for given, inputs, units in zip(
                        given_series, inputs_series, value_units, strict=True
                    )
                ],
            )
        )
        holding = _holding(
            InitiativeRef(initiative_id, name, slug, Theme(theme)),
            given_series[-1],
            inputs_series[-1],
            _euros(value_units[-1]),
            accepted_from is not None and accepted_from <= as_of,
            dict.fromkeys(VALUE_KINDS, ZERO)
            if kinds_at is None
            else dict(zip(VALUE_KINDS, map(_euros, kinds_at), strict=True)),
            as_utc(first_at),
            as_utc(last_at),
            initiative_id in running,
            groups,
        )
        if with_holding_series:
            holding.series = _series_points(
                months, given_series, inputs_series, [_euros(u) for u in value_units]
            )
        holdings.append(holding)
    # Each term is value × given / inputs as the reference computes it, 10^4 times larger: the
    # same correctly rounded quotient and sums, so scaling the sums back (exactly) gives the
    # reference's figures to the last digit. Months without any term stay ZERO, as there.
    total_value = [t.scaleb(-UNITS_PER_EURO_EXPONENT) if t else t for t in total_units]
    return _portfolio(funder, months, holdings, total_given, total_value, watchlist)


def _series_points(months, given_series, inputs_series, value_series):
    """The points `attribution.monthly_series` makes from the same running totals."""
    points = []
    for month, given, inputs, value in zip(
        months, given_series, inputs_series, value_series, strict=True
    ):
        attributed = attribution.attributed_value(given, inputs, value)
        points.append(
            attribution.SeriesPoint(
                month=month,
                given_cents=given,
                inputs_cents=inputs,
                share=attribution.share(given, inputs),
                social_value=value,
                attributed_value=attributed,
                social_return=attribution.social_return(attributed, given),
            )
        )
    return points


def _totals(holdings: list[Holding]) -> Totals:
    given = sum(h.given_cents for h in holdings)
    value = sum((h.attributed_value for h in holdings), ZERO)
    by_kind = {kind: sum((h.by_value_kind[kind] for h in holdings), ZERO) for kind in VALUE_KINDS}
    by_theme: dict[str, dict] = {}
    for holding in holdings:
        theme = holding.initiative.theme.value
        entry = by_theme.setdefault(
            theme, {"theme": holding.initiative.theme, "given_cents": 0, "attributed_value": ZERO}
        )
        entry["given_cents"] += holding.given_cents
        entry["attributed_value"] += holding.attributed_value
    for entry in by_theme.values():
        entry["social_return"] = attribution.social_return(
            entry["attributed_value"], entry["given_cents"]
        )
    return Totals(
        given_cents=given,
        attributed_value=value,
        social_return=attribution.social_return(value, given),
        by_value_kind=by_kind,
        by_theme=dict(sorted(by_theme.items())),
    )


def holding_of(portfolio: Portfolio, initiative_id: int) -> Holding:
    for holding in portfolio.holdings:
        if holding.initiative.id == initiative_id:
            return holding
    raise NotFound(_("This holding does not exist."))


def funders_with_holdings() -> Iterable[Funder]:
    """Every person and organisation with at least one paid gift (for scheduled reports)."""
    paid = Contribution.paid_at.is_not(None)
    person_ids = select(Contribution.user_id).where(
        paid, Contribution.organisation_id.is_(None), Contribution.user_id.is_not(None)
    )
    organisation_ids = select(Contribution.organisation_id).where(
        paid, Contribution.organisation_id.is_not(None)
    )
    yield from db.session.scalars(
        select(User).where(User.id.in_(person_ids.distinct())).order_by(User.id)
    )
    yield from db.session.scalars(
        select(Organisation)
        .where(Organisation.id.in_(organisation_ids.distinct()))
        .order_by(Organisation.id)
    )


# --- watchlist ----------------------------------------------------------------------------------


def _watch_filter(funder: Funder):
    if isinstance(funder, Organisation):
        return Watch.organisation_id == funder.id
    return Watch.user_id == funder.id


def watchlist_of(funder: Funder) -> list[InitiativeRef]:
    rows = db.session.execute(
        select(Initiative.id, Initiative.name, Initiative.slug, Initiative.theme)
        .join(Watch, Watch.initiative_id == Initiative.id)
        .where(_watch_filter(funder))
        .order_by(Initiative.name)
    )
    return [InitiativeRef(r[0], r[1], r[2], Theme(r[3])) for r in rows]


def is_following(funder: Funder, initiative_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(Watch.id).where(_watch_filter(funder), Watch.initiative_id == initiative_id)
        )
    )


def follow_targets(user: User, initiative_id: int) -> list[dict]:
    """The user and the organisations they may give for, each with whether it follows."""
    from marketplace.organisations.services import giving_organisations

    watching = db.session.execute(
        select(Watch.user_id, Watch.organisation_id).where(
            Watch.initiative_id == initiative_id,
            (Watch.user_id == user.id) | Watch.organisation_id.is_not(None),
        )
    ).all()
    mine = any(row[0] == user.id for row in watching)
    organisations = {row[1] for row in watching if row[1] is not None}
    return [{"organisation": None, "following": mine}] + [
        {"organisation": org, "following": org.id in organisations}
        for org in giving_organisations(user)
    ]


def _watch_target(user: User, organisation_id) -> Funder:
    if organisation_id in (None, ""):
        return user
    return require_member(organisation_id, user, roles=("owner", "member"))


def follow_initiative(user: User, initiative_id: int, organisation_id=None) -> Watch:
    """Put a published initiative on the watchlist of the user or one of their organisations."""
    funder = _watch_target(user, organisation_id)
    initiative = db.session.get(Initiative, initiative_id)
    if initiative is None or not initiative.is_visible_to(user):
        raise NotFound(_("This initiative does not exist."))
    existing = db.session.scalar(
        select(Watch).where(_watch_filter(funder), Watch.initiative_id == initiative.id)
    )
    if existing is not None:
        return existing
    watch = Watch(initiative_id=initiative.id, created_by_id=user.id)
    if isinstance(funder, Organisation):
        watch.organisation_id = funder.id
    else:
        watch.user_id = funder.id
    db.session.add(watch)
    db.session.commit()
    return watch


def unfollow_initiative(user: User, initiative_id: int, organisation_id=None) -> None:
    funder = _watch_target(user, organisation_id)
    db.session.execute(
        delete(Watch).where(_watch_filter(funder), Watch.initiative_id == initiative_id)
    )
    db.session.commit()
