"""An initiative's social return: inputs from the monthly figures, value from its report lines.

What the initiative page and `GET /api/v1/initiatives/{id}/social-return` show. Its cost depends on
the number of months and accepted report lines, never on the number of gifts: the money comes
from `initiative_months`, the value from `impact.valuation` (the one valuation path).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.figures.models import InitiativeMonth
from marketplace.impact import sroi
from marketplace.impact.models import Metric, OutcomeReport, ReportStatus, ValueKind
from marketplace.impact.valuation import ValuedLine, accepted_lines, discount_rate
from marketplace.initiatives.models import Initiative
from marketplace.money import cents_to_decimal
from marketplace.timeutil import month_range, month_start, to_amsterdam, utcnow


@dataclass(frozen=True)
class SocialReturn:
    inputs: Decimal
    inputs_platform: Decimal
    inputs_declared: Decimal
    result: sroi.SroiResult
    sensitivity: list[sroi.SensitivityCase]
    by_metric: list[dict]
    series: list[dict]
    unvalued_metrics: list[str]
    evidence_levels: list[dict]
    inputs_volunteer: Decimal = Decimal(0)  # confirmed volunteer hours, valued (volunteer_hour)

    @property
    def fiscal_value(self) -> Decimal:
        return self.result.by_value_kind.get(ValueKind.FISCAL.value, Decimal(0))

    @property
    def value_per_euro(self) -> Decimal | None:
        return self.result.sroi_ratio

    @property
    def fiscal_per_euro(self) -> Decimal | None:
        return self.fiscal_value / self.inputs if self.inputs else None

    @property
    def has_outcomes(self) -> bool:
        return bool(self.by_metric)


def _inputs_by_month(initiative_id: int) -> tuple[dict[date, int], int, int, int]:
    """Inputs per month from every source, and the platform (gifts), declared and volunteer
    time totals."""
    months: dict[date, int] = {}
    platform = declared = volunteer = 0
    for row in db.session.scalars(
        select(InitiativeMonth).where(InitiativeMonth.initiative_id == initiative_id)
    ):
        months[row.month] = row.inputs_cents
        platform += row.platform_cents
        declared += row.declared_cents
        volunteer += row.volunteer_cents or 0
    return months, platform, declared, volunteer


def _by_metric(lines: list[ValuedLine], result: sroi.SroiResult) -> list[dict]:
    metrics = {
        metric.id: metric
        for metric in db.session.scalars(
            select(Metric).where(Metric.id.in_({line.metric_id for line in lines}))
        )
    }
    by_metric: dict[str, dict] = {}
    for line, valued in zip(lines, result.by_outcome, strict=True):
        metric = metrics[line.metric_id]
        entry = by_metric.setdefault(
            metric.code,
            {
                "metric": metric.code,
                "name": metric.name,
                "unit": metric.unit,
                "value_kind": metric.value_kind.value,
                "quantity": Decimal(0),
                "present_value": Decimal(0),
                "valued": True,
                "proxy_versions": [],
            },
        )
        entry["quantity"] += line.outcome.quantity
        entry["present_value"] += valued.present_value
        entry["valued"] = entry["valued"] and line.valued
        if line.proxy_id not in entry["proxy_versions"]:
            entry["proxy_versions"].append(line.proxy_id)
    return list(by_metric.values())


def _series(
    months_in: dict[date, int], value_months: dict[date, Decimal], today: date
) -> list[dict]:
    """Cumulative inputs, value and ratio per month, from the first month with either."""
    starts = list(months_in) + list(value_months)
    if not starts:
        return []
    series = []
    total_in = 0
    total_value = Decimal(0)
    for month in month_range(min(starts), max([month_start(today), *starts])):
        total_in += months_in.get(month, 0)
        total_value += value_months.get(month, Decimal(0))
        inputs_so_far = cents_to_decimal(total_in)
        series.append(
            {
                "month": month,
                "inputs": inputs_so_far,
                "social_value": total_value,
                "sroi_ratio": total_value / inputs_so_far if inputs_so_far else None,
            }
        )
    return series


def _evidence_levels(initiative_id: int) -> list[dict]:
    return [
        {
            "report_id": report.id,
            "period_start": report.period_start,
            "period_end": report.period_end,
            "evidence_level": report.evidence_level,
        }
        for report in db.session.scalars(
            select(OutcomeReport)
            .where(
                OutcomeReport.initiative_id == initiative_id,
                OutcomeReport.status == ReportStatus.ACCEPTED,
            )
            .order_by(OutcomeReport.period_start)
        )
    ]


def social_return(initiative: Initiative, today: date | None = None) -> SocialReturn:
    """The initiative's social return: totals, breakdowns, sensitivity and the monthly series."""
    rate = discount_rate()
    lines = accepted_lines([initiative.id])
    months_in, platform_cents, declared_cents, volunteer_cents = _inputs_by_month(initiative.id)
    inputs = cents_to_decimal(sum(months_in.values()))
    outcomes = [line.outcome for line in lines]
    result = sroi.evaluate(outcomes, inputs, rate)
    value_months: dict[date, Decimal] = defaultdict(Decimal)
    for line, valued in zip(lines, result.by_outcome, strict=True):
        value_months[line.month] += valued.present_value
    by_metric = _by_metric(lines, result)
    return SocialReturn(
        inputs=inputs,
        inputs_platform=cents_to_decimal(platform_cents),
        inputs_declared=cents_to_decimal(declared_cents),
        result=result,
        sensitivity=sroi.sensitivity(outcomes, inputs, rate) if outcomes else [],
        by_metric=by_metric,
        series=_series(months_in, value_months, today or to_amsterdam(utcnow()).date()),
        unvalued_metrics=[m["metric"] for m in by_metric if not m["valued"]],
        evidence_levels=_evidence_levels(initiative.id),
        inputs_volunteer=cents_to_decimal(volunteer_cents),
    )
