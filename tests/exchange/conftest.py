"""Exchange fixtures: metrics, paid gifts, declared inputs and accepted reports, at exact values.

The discount rate is set to 0 for these tests so that a report line is worth quantity × proxy and
every figure can be checked by hand.
"""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from marketplace.donations.models import Contribution, ContributionStatus
from marketplace.exchange.services import current_month
from marketplace.extensions import db
from marketplace.impact.models import (
    InitiativeInput,
    Metric,
    MetricProxy,
    OutcomeReport,
    OutcomeReportValue,
    ReportPeriod,
    ReportStatus,
    ValueKind,
)
from marketplace.initiatives.models import Theme


def months_ago(n: int) -> date:
    month = current_month()
    year, index = divmod(month.year * 12 + month.month - 1 - n, 12)
    return date(year, index + 1, 1)


def month_end(month: date) -> date:
    year, index = divmod(month.year * 12 + month.month, 12)
    return date.fromordinal(date(year, index + 1, 1).toordinal() - 1)


@pytest.fixture(autouse=True)
def zero_discount_rate(app):
    saved = app.config.get("SROI_DISCOUNT_RATE")
    app.config["SROI_DISCOUNT_RATE"] = "0"
    yield
    app.config["SROI_DISCOUNT_RATE"] = saved


@pytest.fixture
def make_metric():
    counter = {"n": 0}

    def factory(proxy="100", value_kind=ValueKind.FISCAL, theme=Theme.CARE, code=None):
        counter["n"] += 1
        metric = Metric(
            code=code or f"x_metric_{counter['n']}",
            theme=theme,
            name_nl=f"Meting {counter['n']}",
            name_en=f"Metric {counter['n']}",
            unit="person",
            value_kind=value_kind,
        )
        metric.proxies.append(
            MetricProxy(value=Decimal(proxy), price_year=2024, valid_from=date(2000, 1, 1))
        )
        db.session.add(metric)
        db.session.commit()
        return metric

    return factory


@pytest.fixture
def pay():
    def do(initiative, cents, month, refunded_cents=0):
        contribution = Contribution(
            initiative_id=initiative.id,
            amount_cents=cents,
            refunded_cents=refunded_cents,
            status=ContributionStatus.PARTIALLY_REFUNDED
            if refunded_cents
            else ContributionStatus.PAID,
            provider="simulator",
            paid_at=datetime(month.year, month.month, 15, 12, tzinfo=UTC),
        )
        db.session.add(contribution)
        db.session.commit()
        return contribution

    return do


@pytest.fixture
def declare_input():
    def do(initiative, cents, month):
        row = InitiativeInput(
            initiative_id=initiative.id, source="Gemeente", amount_cents=cents, received_on=month
        )
        db.session.add(row)
        db.session.commit()
        return row

    return do


@pytest.fixture
def accepted_report():
    """An accepted one-month report ending in `month`, valued quantity × proxy (rate 0)."""

    def do(initiative, lines, month, level=3, status=ReportStatus.ACCEPTED):
        report = OutcomeReport(
            initiative_id=initiative.id,
            period=ReportPeriod.MONTH,
            period_start=month,
            period_end=month_end(month),
            status=status,
            evidence_level=level if status == ReportStatus.ACCEPTED else None,
            evidence_url="https://example.org/evidence.pdf",
        )
        for metric, quantity in lines:
            report.values.append(
                OutcomeReportValue(
                    metric_id=metric.id,
                    quantity=Decimal(quantity),
                    proxy_id=metric.proxies[0].id if status == ReportStatus.ACCEPTED else None,
                    deadweight=Decimal(0),
                    displacement=Decimal(0),
                    attribution=Decimal(0),
                    drop_off=Decimal(0),
                    duration_years=1,
                )
            )
        db.session.add(report)
        db.session.commit()
        return report

    return do
