"""A funder's portfolio: holdings, attributed social value, totals and monthly series.

A funder is a person (their own gifts, i.e. without an organisation) or an Organisation (the
gifts made on its behalf). The arithmetic is `portfolios.attribution` (pure); the figures are the
shared read model's running totals (`figures`: one `funder_series` row per holding and one
`initiative_series` row per initiative), lined up per month with list slices. So a portfolio
costs one query per page whatever its number of gifts, on PostgreSQL and SQLite alike.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from operator import add

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.community.follows import InitiativeRef, initiatives_followed
from marketplace.donations.models import Contribution
from marketplace.errors import NotFound
from marketplace.exchange import indices
from marketplace.exchange.peers import Comparison, peer_groups
from marketplace.extensions import db
from marketplace.figures.models import UNITS_PER_EURO_EXPONENT, VALUE_KINDS, FunderSeries
from marketplace.investments.ledger import today
from marketplace.investments.summaries import InvestmentHolding, investment_holdings
from marketplace.organisations.models import Organisation
from marketplace.organisations.services import require_member
from marketplace.portfolios import attribution
from marketplace.portfolios.periods import current_month, period_months
from marketplace.portfolios.rows import (
    GIFT,
    ZERO,
    Aligned,
    Funder,
    HoldingRow,
    Months,
    align,
    euros,
    holding_rows,
    running_monthly,
)
from marketplace.timeutil import month_start, next_month
from marketplace.volunteering.hours import hours_by_initiative


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
    series: list[attribution.SeriesPoint] = field(default_factory=list)
    # gift | member_share | loan | bond; for an investment `given_cents` is the capital that
    # counts as input (principal not yet repaid) and `investment` its money side.
    kind: str = GIFT
    investment: InvestmentHolding | None = None
    hours: Decimal | None = None  # time given: the confirmed hours (`given_cents` their value)


@dataclass(frozen=True)
class LiveFacts:
    """What a portfolio shows beside the shared figures, read anew for every answer: the monthly
    gifts running, the money side of investments (it moves with the date), the hours given and
    the initiatives followed. A few small queries; `portfolios.cached` keys answers on them."""

    running: frozenset[int] = frozenset()
    money: dict[tuple, InvestmentHolding] = field(default_factory=dict)
    hours: dict[int, Decimal] = field(default_factory=dict)
    watchlist: list[InitiativeRef] = field(default_factory=list)


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


def organisation_portfolio_owner(org_id, user) -> Organisation:
    """The organisation whose portfolio `user` may read (any member role); NotFound otherwise."""
    return require_member(org_id, user)


def live_facts(funder: Funder, kinds: set[str], as_of: date) -> LiveFacts:
    """The live facts of a funder holding `kinds` (gift, time, loan, ...) as at `as_of`."""
    watchlist = initiatives_followed(funder)
    if not kinds:
        return LiveFacts(watchlist=watchlist)
    return LiveFacts(
        running=frozenset(running_monthly(funder)),
        money=_investments(funder, as_of) if kinds - {GIFT, FunderSeries.TIME} else {},
        hours=_hours(funder) if FunderSeries.TIME in kinds else {},
        watchlist=watchlist,
    )


def _series_points(months, aligned: Aligned) -> list[attribution.SeriesPoint]:
    """A holding's monthly attribution from its aligned running totals."""
    points = []
    for month, given, inputs, units in zip(
        months, aligned.given, aligned.inputs, aligned.value_units, strict=True
    ):
        value = euros(units)
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


def _holding(row: HoldingRow, aligned: Aligned, as_of: date, facts: LiveFacts, groups) -> Holding:
    given_cents, inputs_cents = aligned.given[-1], aligned.inputs[-1]
    initiative_value = euros(aligned.value_units[-1])
    attributed = attribution.attributed_value(given_cents, inputs_cents, initiative_value)
    accepted = row.accepted_from is not None and row.accepted_from <= as_of
    band = indices.size_band(inputs_cents)
    return Holding(
        initiative=row.initiative,
        given_cents=given_cents,
        first_gift_at=row.first_paid_at,
        last_gift_at=row.last_paid_at,
        monthly_running=row.kind == GIFT and row.initiative.id in facts.running,
        share=attribution.share(given_cents, inputs_cents),
        attributed_value=attributed,
        social_return=attribution.social_return(attributed, given_cents) if accepted else None,
        by_value_kind={
            kind: attribution.attributed_value(given_cents, inputs_cents, value)
            for kind, value in row.kinds.items()
        },
        inputs_cents=inputs_cents,
        initiative_value=initiative_value,
        has_accepted_report=accepted,
        size_band=band,
        comparison=groups.get((row.initiative.theme.value, band)),
        kind=row.kind,
        investment=facts.money.get(row.key),
    )


def build_portfolio(
    funder: Funder,
    *,
    months: Sequence[date] | None = None,
    first: date | None = None,
    last: date | None = None,
    with_comparison: bool = True,
    with_holding_series: bool = False,
    facts: LiveFacts | None = None,
) -> Portfolio:
    """Holdings (as at the last month), totals and the monthly series of a funder's portfolio.

    `months` (ascending first-of-month dates) or `first`/`last` select the period; by default it
    runs from the month of the first gift to the current month. Per-holding series are computed
    only when asked for (`with_holding_series`, or later with `holding_series`). `facts` are the
    live facts when the caller has read them already.
    """
    if months is None:
        as_of = month_start(last or current_month())  # where the period ends, from gifts or not
        rows = holding_rows(funder, as_of)
        months = period_months(first, last, (row.gifts_from for row in rows.values()))
    else:
        months = [month_start(m) for m in months]
        as_of = months[-1] if months else month_start(last or current_month())
        rows = holding_rows(funder, as_of)
    held = sorted(key for key, row in rows.items() if row.gifts_from <= as_of)
    if facts is None:
        facts = live_facts(funder, {kind for _i, kind in held}, as_of)
    groups = peer_groups() if (held and with_comparison) else {}

    holdings: list[Holding] = []
    total_given = [0] * len(months)
    total_units = [ZERO] * len(months)  # attributed value in 1/10,000 euro, summed
    steps = Months.of(months) if months else None
    for key in held if months else ():
        row = rows[key]
        aligned = align(row, steps)
        total_given = list(map(add, total_given, aligned.given))
        total_units = list(map(add, total_units, _attributed_units(aligned)))
        holding = _holding(row, aligned, as_of, facts, groups)
        if row.kind == FunderSeries.TIME:
            holding.hours = facts.hours.get(row.initiative.id)
        if with_holding_series:
            holding.series = _series_points(months, aligned)
        holdings.append(holding)
    # Each term is value × given / inputs, 10^4 times larger; scaling the sums back is exact.
    total_value = [t.scaleb(-UNITS_PER_EURO_EXPONENT) if t else t for t in total_units]
    return _portfolio(funder, months, holdings, total_given, total_value, facts.watchlist)


def _hours(funder: Funder) -> dict[int, Decimal]:
    """A person's confirmed volunteer hours per initiative (organisations give no time)."""
    if isinstance(funder, Organisation):
        return {}
    return {h.initiative_id: h.hours for h in hours_by_initiative(funder.id)}


def _attributed_units(aligned: Aligned) -> list[Decimal]:
    return [
        Decimal(units * given) / inputs if given > 0 and inputs > 0 and units else ZERO
        for given, inputs, units in zip(
            aligned.given, aligned.inputs, aligned.value_units, strict=True
        )
    ]


def holding_series(portfolio: Portfolio, holding: Holding) -> list[attribution.SeriesPoint]:
    """One holding's monthly series over the portfolio's months (one query)."""
    if not portfolio.months:
        return []
    row = holding_rows(portfolio.funder, None, holding.initiative.id).get(
        (holding.initiative.id, holding.kind)
    )
    aligned = align(row, Months.of(portfolio.months)) if row else None
    return _series_points(portfolio.months, aligned) if aligned else []


def _investments(funder: Funder, as_of: date) -> dict[tuple, InvestmentHolding]:
    """The money side of the funder's investments, at the end of the `as_of` month (or today)."""
    end = min(next_month(as_of) - timedelta(days=1), today())
    if isinstance(funder, Organisation):
        return investment_holdings(None, funder.id, end)
    return investment_holdings(funder.id, None, end)


def _portfolio(funder, months, holdings, total_given, total_value, watchlist) -> Portfolio:
    holdings.sort(key=lambda h: (-h.given_cents, h.initiative.name, h.kind))
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


def holding_of(portfolio: Portfolio, initiative_id: int, kind: str = GIFT) -> Holding:
    for holding in portfolio.holdings:
        if holding.initiative.id == initiative_id and holding.kind == kind:
            return holding
    raise NotFound(_("This holding does not exist."))


def funders_with_holdings() -> Iterable[Funder]:
    """Every person and organisation with at least one paid gift or investment (for scheduled
    reports)."""
    paid = Contribution.paid_at.is_not(None)
    invested = FunderSeries.kind != GIFT
    person_ids = (
        select(Contribution.user_id)
        .where(paid, Contribution.organisation_id.is_(None), Contribution.user_id.is_not(None))
        .union(
            select(FunderSeries.user_id).where(
                invested, FunderSeries.organisation_id.is_(None), FunderSeries.user_id.is_not(None)
            )
        )
    )
    organisation_ids = (
        select(Contribution.organisation_id)
        .where(paid, Contribution.organisation_id.is_not(None))
        .union(
            select(FunderSeries.organisation_id).where(
                invested, FunderSeries.organisation_id.is_not(None)
            )
        )
    )
    yield from db.session.scalars(select(User).where(User.id.in_(person_ids)).order_by(User.id))
    yield from db.session.scalars(
        select(Organisation).where(Organisation.id.in_(organisation_ids)).order_by(Organisation.id)
    )
