"""The figures a report shows, read from the shared figures and the portfolios domain.

A funder's figures come from `build_portfolio` as of the period's end; an initiative's from its
running totals (`figures.models.InitiativeSeries`). What many reports of one run share
(initiative series, peer medians, evidence levels, the period's highlights) is read once per run
(`FigureCache`).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from marketplace.donations.models import Contribution
from marketplace.extensions import db
from marketplace.figures.models import UNITS_PER_EURO_EXPONENT, InitiativeSeries
from marketplace.figures.read import raised_cents
from marketplace.impact.models import OutcomeReport, OutcomeReportValue, ReportStatus
from marketplace.initiatives.models import Initiative, InitiativeStatus
from marketplace.investments.summaries import InvestmentHolding
from marketplace.portfolios.attribution import social_return as attributed_return
from marketplace.portfolios.build import build_portfolio
from marketplace.timeutil import amsterdam_day_bounds, month_range, month_start, months_between

ZERO = Decimal(0)


@dataclass(frozen=True)
class InitiativeFigures:
    """An initiative's running inputs and value per month from `first_month` (None: no figures)."""

    first_month: date | None
    inputs: list[int]
    value_units: list[int]

    def _index(self, month: date) -> int | None:
        if self.first_month is None or month < self.first_month:
            return None
        return min(months_between(self.first_month, month), len(self.inputs) - 1)

    def inputs_until(self, month: date) -> int:
        k = self._index(month)
        return 0 if k is None else self.inputs[k]

    def value_until(self, month: date) -> Decimal:
        k = self._index(month)
        return ZERO if k is None else Decimal(self.value_units[k]).scaleb(-UNITS_PER_EURO_EXPONENT)

    def ratio_until(self, month: date) -> Decimal | None:
        inputs = self.inputs_until(month)
        return self.value_until(month) * 100 / inputs if inputs > 0 else None


NO_FIGURES = InitiativeFigures(None, [], [])


def _initiative_figures(query) -> dict[int, InitiativeFigures]:
    return {
        row.initiative_id: InitiativeFigures(
            row.first_month, list(row.inputs_cents), list(row.value_units)
        )
        for row in db.session.scalars(query)
    }


class FigureCache:
    """Per-run cache of initiative figures and peer medians (keyed by initiative / theme)."""

    def __init__(self) -> None:
        self.initiatives: dict[int, InitiativeFigures] = {}
        self.peer_medians: dict[tuple[str, date], Decimal | None] = {}
        self._rows: dict[int, Initiative] = {}
        self._evidence_levels: dict[date, dict[int, int]] = {}
        self._highlights: dict[tuple[date, date], dict[int, list[Highlight]]] = {}

    def initiative_rows(self, ids: list[int]) -> dict[int, Initiative]:
        """The Initiative rows of `ids` (each loaded once per run)."""
        missing = [i for i in ids if i not in self._rows]
        if missing:
            for initiative in db.session.scalars(
                select(Initiative).where(Initiative.id.in_(missing))
            ):
                self._rows[initiative.id] = initiative
        return {i: self._rows[i] for i in ids}

    def evidence_levels(self, end: date) -> dict[int, int]:
        if end not in self._evidence_levels:
            self._evidence_levels[end] = _evidence_levels(end)
        return self._evidence_levels[end]

    def highlights(self, start: date, end: date) -> dict[int, list["Highlight"]]:
        if (start, end) not in self._highlights:
            self._highlights[(start, end)] = _highlights(start, end)
        return self._highlights[(start, end)]

    def initiative(self, initiative: Initiative) -> InitiativeFigures:
        found = self.initiatives.get(initiative.id)
        if found is None:
            found = _initiative_figures(
                select(InitiativeSeries).where(InitiativeSeries.initiative_id == initiative.id)
            ).get(initiative.id, NO_FIGURES)
            self.initiatives[initiative.id] = found
        return found

    def peer_median(self, initiative: Initiative, month: date) -> Decimal | None:
        """Median social return of published initiatives with the same theme (with outcomes)."""
        key = (initiative.theme.value, month)
        if key not in self.peer_medians:
            peers = _initiative_figures(
                select(InitiativeSeries)
                .join(Initiative, Initiative.id == InitiativeSeries.initiative_id)
                .where(
                    Initiative.theme == initiative.theme,
                    Initiative.status == InitiativeStatus.PUBLISHED,
                )
            )
            self.initiatives.update(peers)
            ratios = [
                ratio
                for figures in peers.values()
                if (ratio := figures.ratio_until(month)) is not None and ratio > 0
            ]
            self.peer_medians[key] = median(ratios) if ratios else None
        return self.peer_medians[key]


@dataclass
class Highlight:
    period_start: date
    period_end: date
    evidence_level: int | None
    lines: list[tuple[str, Decimal, str]]  # metric name, quantity, unit


@dataclass
class HoldingFigures:
    initiative: Initiative
    given_cents: int
    given_in_period_cents: int
    attributed_value: Decimal
    attributed_in_period: Decimal
    social_return: Decimal | None
    initiative_return: Decimal | None
    peer_median: Decimal | None
    evidence_level: int | None
    highlights: list[Highlight] = field(default_factory=list)
    kind: str = "gift"  # gift | member_share | loan | bond
    investment: InvestmentHolding | None = None  # the money side of an investment

    @property
    def compared_with_peers(self) -> str:
        if self.initiative_return is None or self.peer_median is None:
            return "unknown"
        if self.initiative_return > self.peer_median:
            return "above"
        if self.initiative_return < self.peer_median:
            return "below"
        return "equal"


@dataclass
class SeriesPoint:
    month: date
    given_cents: int
    attributed_value: Decimal


@dataclass
class PortfolioFigures:
    period_start: date
    period_end: date
    holdings: list[HoldingFigures]
    series: list[SeriesPoint]

    @property
    def given_cents(self) -> int:
        return sum(h.given_cents for h in self.holdings)

    @property
    def given_in_period_cents(self) -> int:
        return sum(h.given_in_period_cents for h in self.holdings)

    @property
    def attributed_value(self) -> Decimal:
        return sum((h.attributed_value for h in self.holdings), ZERO)

    @property
    def attributed_in_period(self) -> Decimal:
        return sum((h.attributed_in_period for h in self.holdings), ZERO)

    @property
    def social_return(self) -> Decimal | None:
        return attributed_return(self.attributed_value, self.given_cents)

    @property
    def investments(self) -> list[HoldingFigures]:
        """The holdings that are investments (member shares, loans, bonds)."""
        return [h for h in self.holdings if h.investment is not None]


def _evidence_levels(end: date) -> dict[int, int]:
    """Per initiative: the best evidence level of its outcome reports accepted up to `end`."""
    rows = db.session.execute(
        select(OutcomeReport.initiative_id, func.max(OutcomeReport.evidence_level))
        .where(
            OutcomeReport.status == ReportStatus.ACCEPTED,
            OutcomeReport.period_end <= end,
            OutcomeReport.evidence_level.is_not(None),
        )
        .group_by(OutcomeReport.initiative_id)
    )
    return {initiative_id: level for initiative_id, level in rows}


def _highlights(start: date, end: date) -> dict[int, list[Highlight]]:
    """Outcome reports accepted within the period (new accepted outcomes), per initiative."""
    low, high = amsterdam_day_bounds(start, end)
    result: dict[int, list[Highlight]] = defaultdict(list)
    reports = db.session.scalars(
        select(OutcomeReport)
        .options(selectinload(OutcomeReport.values).joinedload(OutcomeReportValue.metric))
        .where(
            OutcomeReport.status == ReportStatus.ACCEPTED,
            OutcomeReport.reviewed_at >= low,
            OutcomeReport.reviewed_at < high,
        )
        .order_by(OutcomeReport.period_start, OutcomeReport.id)
    )
    for report in reports:
        lines = [(v.metric.name, Decimal(v.quantity), v.metric.unit_label) for v in report.values]
        result[report.initiative_id].append(
            Highlight(report.period_start, report.period_end, report.evidence_level, lines)
        )
    return dict(result)


@dataclass
class InitiativeReportFigures:
    initiative: Initiative
    period_start: date
    period_end: date
    received_in_period_cents: int
    received_cents: int
    donors_in_period: int
    social_return: Decimal | None
    peer_median: Decimal | None
    series: list[SeriesPoint]


def initiative_figures(
    initiative: Initiative, start: date, end: date, cache: FigureCache | None = None
) -> InitiativeReportFigures:
    """Funding received (in the period and in total) and social return against similar ones."""
    cache = cache or FigureCache()
    low, high = amsterdam_day_bounds(start, end)
    received_in_period, donors = db.session.execute(
        select(
            func.coalesce(func.sum(Contribution.net_cents), 0),
            func.count(Contribution.user_id.distinct()),
        ).where(
            Contribution.initiative_id == initiative.id,
            Contribution.paid_at >= low,
            Contribution.paid_at < high,
        )
    ).one()
    figures = cache.initiative(initiative)
    end_month = month_start(end)
    series = [
        SeriesPoint(month, figures.inputs_until(month), figures.value_until(month))
        for month in (month_range(figures.first_month, end_month) if figures.first_month else [])
    ]
    return InitiativeReportFigures(
        initiative=initiative,
        period_start=start,
        period_end=end,
        received_in_period_cents=int(received_in_period),
        received_cents=raised_cents(initiative.id, until=end_month),
        donors_in_period=int(donors),
        social_return=figures.ratio_until(end_month),
        peer_median=cache.peer_median(initiative, end_month),
        series=series,
    )


def funder_figures(funder, start: date, end: date, cache: FigureCache | None = None):
    """A funder's report figures: `build_portfolio` (the portfolios domain) as of the period's
    end, with what changed within the period, evidence levels and highlights."""
    cache = cache or FigureCache()
    end_month = month_start(end)
    before_month = month_start(start - timedelta(days=1))
    portfolio = build_portfolio(funder, last=end_month, with_holding_series=True)
    if not portfolio.holdings:
        return PortfolioFigures(start, end, [], [])
    initiatives = cache.initiative_rows([h.initiative.id for h in portfolio.holdings])
    evidence_levels = cache.evidence_levels(end)
    highlights = cache.highlights(start, end)
    holdings = []
    for holding in portfolio.holdings:
        at = {p.month: p for p in holding.series}
        before = at.get(before_month)
        given_before = before.given_cents if before else 0
        value_before = before.attributed_value if before else ZERO
        initiative_return = (
            holding.initiative_value * 100 / holding.inputs_cents
            if holding.has_accepted_report and holding.inputs_cents > 0
            else None
        )
        holdings.append(
            HoldingFigures(
                initiative=initiatives[holding.initiative.id],
                given_cents=holding.given_cents,
                given_in_period_cents=holding.given_cents - given_before,
                attributed_value=holding.attributed_value,
                attributed_in_period=holding.attributed_value - value_before,
                social_return=holding.social_return,
                initiative_return=initiative_return,
                peer_median=holding.comparison.median if holding.comparison else None,
                evidence_level=evidence_levels.get(holding.initiative.id),
                highlights=highlights.get(holding.initiative.id, []),
                kind=holding.kind,
                investment=holding.investment,
            )
        )
    series = [SeriesPoint(p.month, p.given_cents, p.attributed_value) for p in portfolio.series]
    return PortfolioFigures(start, end, holdings, series)
