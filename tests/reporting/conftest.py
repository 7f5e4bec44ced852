"""Reporting fixtures: paid gifts, accepted outcome reports (the SMTP server: tests/conftest)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from marketplace.accounts.models import Role
from marketplace.extensions import db
from marketplace.impact import reports, review
from marketplace.impact.models import InitiativeOutcome, Metric, MetricProxy, ValueKind
from marketplace.initiatives.models import Theme
from marketplace.organisations.models import Organisation
from tests.gifts import paid_gift


@pytest.fixture
def pay():
    """A paid contribution, through the payment status path."""

    def do(user, initiative, cents, paid_at, organisation_id=None):
        organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
        return paid_gift(initiative, cents, paid_at, user=user, organisation=organisation)

    return do


@pytest.fixture
def accepted_outcome(make_user):
    """An accepted outcome report of `quantity` people valued at EUR 100 each (fiscal)."""

    def do(initiative, owner, quantity, start, end, reviewed_at, level=2):
        metric = Metric(
            code=f"reporting_metric_{initiative.id}",
            theme=Theme.CARE,
            name_nl="Eenzame ouderen bereikt",
            name_en="Lonely elderly reached",
            unit="person",
            value_kind=ValueKind.FISCAL,
        )
        metric.proxies.append(
            MetricProxy(value=Decimal("100"), price_year=2024, valid_from=date(2020, 1, 1))
        )
        db.session.add(metric)
        db.session.add(
            InitiativeOutcome(
                initiative_id=initiative.id,
                metric=metric,
                deadweight=Decimal(0),
                displacement=Decimal(0),
                attribution=Decimal(0),
                drop_off=Decimal(0),
                duration_years=1,
            )
        )
        db.session.commit()
        report = reports.create_outcome_report(
            initiative,
            owner,
            {
                "period_start": start.isoformat(),
                "period_end": end.isoformat(),
                "values": [{"metric": metric.code, "quantity": str(quantity)}],
                "evidence_url": "https://example.org/evidence.pdf",
                "note": "",
                "submit": True,
            },
        )
        verifier = make_user(role=Role.VERIFIER)
        report = review.review_outcome_report(report.id, verifier, "accepted", "", level)
        report.reviewed_at = reviewed_at
        db.session.commit()
        return report

    return do


def at(year, month, day, hour=12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def declare(initiative, when):
    """The initiative declares an outcome metric at `when` (so reminders concern it)."""
    metric = Metric(
        code=f"rem_{initiative.id}",
        theme=Theme.CARE,
        name_nl="x",
        name_en="x",
        unit="p",
        value_kind=ValueKind.FISCAL,
    )
    metric.proxies.append(MetricProxy(value=Decimal(1), valid_from=date(2020, 1, 1)))
    db.session.add(
        InitiativeOutcome(
            initiative_id=initiative.id,
            metric=metric,
            deadweight=0,
            displacement=0,
            attribution=0,
            drop_off=0,
            duration_years=1,
            created_at=when,
        )
    )
    db.session.commit()
