"""Exchange fixtures: metrics, paid gifts, declared inputs and accepted reports, at exact values.

The discount rate is set to 0 for these tests so that a report line is worth quantity × proxy and
every figure can be checked by hand.
"""

from datetime import date
from decimal import Decimal

import pytest

from marketplace.accounts.models import Role
from marketplace.exchange.quotes import current_month
from marketplace.extensions import db
from marketplace.impact import declarations, reports, review
from marketplace.impact.models import Metric, MetricProxy, ReportStatus, ValueKind
from marketplace.initiatives.models import Theme
from marketplace.money import format_cents
from tests.gifts import paid_gift


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
        return paid_gift(
            initiative, cents, date(month.year, month.month, 15), refunded=refunded_cents
        )

    return do


@pytest.fixture
def declare_input():
    def do(initiative, cents, month):
        owner = initiative.owners[0]
        data = {"source": "Gemeente", "amount": format_cents(cents), "received_on": str(month)}
        return declarations.add_input(initiative, owner, data)

    return do


@pytest.fixture
def accepted_report(make_user):
    """A one-month report ending in `month`, through the real path: declared, reported,
    submitted and (unless another status is asked for) accepted by a verifier. Each line is worth
    quantity × proxy (filters 0, one year, rate 0)."""
    verifier = {}

    def do(initiative, lines, month, level=3, status=ReportStatus.ACCEPTED):
        owner = initiative.owners[0]
        declared = {o.metric_id for o in declarations.declared_outcomes(initiative)}
        for metric, _quantity in lines:
            if metric.id not in declared:
                declarations.declare_outcome(initiative, owner, {"metric": metric.code})
        report = reports.create_outcome_report(
            initiative,
            owner,
            {
                "period_start": str(month),
                "period_end": str(month_end(month)),
                "values": [{"metric": m.code, "quantity": str(q)} for m, q in lines],
                "evidence_url": "https://example.org/evidence.pdf",
                "submit": status != ReportStatus.DRAFT,
            },
        )
        if status in (ReportStatus.ACCEPTED, ReportStatus.REJECTED):
            verifier.setdefault("user", make_user(role=Role.VERIFIER))
            report = review.review_outcome_report(
                report.id,
                verifier["user"],
                status.value,
                reason="Onvoldoende bewijs" if status == ReportStatus.REJECTED else "",
                evidence_level=level if status == ReportStatus.ACCEPTED else None,
            )
        return report

    return do
