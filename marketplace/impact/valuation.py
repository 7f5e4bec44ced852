"""Valuation: how an accepted report line becomes an SROI outcome, and the discount rate.

The one place where report lines meet the engine (`impact.sroi`, pure). The initiative page,
the shared figures, portfolios and reports all value outcomes through `accepted_lines` and
`discount_rate`, so a number means the same wherever it is shown.

A line is valued with what was frozen when its report was accepted: the filters (deadweight,
displacement, attribution, drop-off, duration) and the proxy version valid at the report's period
end. A line whose metric had no proxy counts as zero and says so (`valued` is False).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.impact import sroi
from marketplace.impact.models import (
    Metric,
    MetricProxy,
    OutcomeReport,
    OutcomeReportValue,
    ReportStatus,
)
from marketplace.timeutil import month_start

CHUNK = 500  # initiative ids per IN (...) query


def discount_rate() -> Decimal:
    """The engine's discount rate (`SROI_DISCOUNT_RATE`; the Dutch standard real rate)."""
    return Decimal(str(current_app.config.get("SROI_DISCOUNT_RATE", sroi.DEFAULT_DISCOUNT_RATE)))


@dataclass(frozen=True)
class ValuedLine:
    """One accepted report line, ready for the engine."""

    line_id: int
    report_id: int
    initiative_id: int
    metric_id: int
    proxy_id: int | None
    valued: bool  # False when the metric had no proxy: the line counts as zero
    month: date  # month of the report's period end: when the value is recognised
    outcome: sroi.Outcome


def outcome_of_line(
    code: str,
    value_kind: str,
    quantity,
    proxy,
    deadweight,
    displacement,
    attribution,
    drop_off,
    duration_years,
) -> sroi.Outcome:
    """The engine's outcome for one report line (a line without a proxy value counts as zero)."""
    return sroi.Outcome(
        key=code,
        value_kind=str(getattr(value_kind, "value", value_kind)),
        quantity=Decimal(quantity),
        proxy=Decimal(proxy) if proxy is not None else Decimal(0),
        deadweight=Decimal(deadweight or 0),
        displacement=Decimal(displacement or 0),
        attribution=Decimal(attribution or 0),
        drop_off=Decimal(drop_off or 0),
        duration_years=duration_years or 1,
    )


def accepted_lines(initiative_ids: Iterable[int]) -> list[ValuedLine]:
    """The accepted report lines of these initiatives, ordered by period end, as engine outcomes."""
    ids = sorted(set(initiative_ids))
    lines: list[ValuedLine] = []
    for start in range(0, len(ids), CHUNK):
        rows = db.session.execute(
            select(
                OutcomeReportValue.id,
                OutcomeReport.id,
                OutcomeReport.initiative_id,
                OutcomeReport.period_end,
                Metric.id,
                Metric.code,
                Metric.value_kind,
                OutcomeReportValue.quantity,
                MetricProxy.id,
                MetricProxy.value,
                OutcomeReportValue.deadweight,
                OutcomeReportValue.displacement,
                OutcomeReportValue.attribution,
                OutcomeReportValue.drop_off,
                OutcomeReportValue.duration_years,
            )
            .select_from(OutcomeReportValue)
            .join(OutcomeReport, OutcomeReportValue.report_id == OutcomeReport.id)
            .join(Metric, OutcomeReportValue.metric_id == Metric.id)
            .outerjoin(MetricProxy, OutcomeReportValue.proxy_id == MetricProxy.id)
            .where(
                OutcomeReport.initiative_id.in_(ids[start : start + CHUNK]),
                OutcomeReport.status == ReportStatus.ACCEPTED,
            )
            .order_by(OutcomeReport.period_end, OutcomeReportValue.id)
        )
        for line_id, report_id, initiative_id, period_end, metric_id, code, kind, *rest in rows:
            quantity, proxy_id, proxy, *filters = rest
            lines.append(
                ValuedLine(
                    line_id=line_id,
                    report_id=report_id,
                    initiative_id=initiative_id,
                    metric_id=metric_id,
                    proxy_id=proxy_id,
                    valued=proxy is not None,
                    month=month_start(period_end),
                    outcome=outcome_of_line(code, kind, quantity, proxy, *filters),
                )
            )
    lines.sort(key=lambda line: (line.month, line.line_id))
    return lines


def value_by_month(lines: Iterable[ValuedLine], rate: Decimal) -> dict[tuple[int, date], dict]:
    """Present value per (initiative, month) and kind of value: {kind: Decimal}."""
    values: dict[tuple[int, date], dict] = {}
    for line in lines:
        by_kind = values.setdefault((line.initiative_id, line.month), {})
        kind = line.outcome.value_kind
        by_kind[kind] = by_kind.get(kind, Decimal(0)) + sroi.value_of_outcome(line.outcome, rate)
    return values
