"""Portfolio fixtures: organisations, paid gifts (with refunds), inputs, accepted reports."""

from datetime import date
from decimal import Decimal

import pytest

from marketplace.accounts.models import Role
from marketplace.extensions import db
from marketplace.impact import declarations, reports, review
from marketplace.impact.models import Metric, MetricProxy, ValueKind
from marketplace.money import format_cents
from marketplace.organisations.services import create_organisation
from tests.gifts import paid_gift


@pytest.fixture(autouse=True)
def no_discounting(app, monkeypatch):
    """Value = quantity × proxy exactly, so amounts can be asserted to the cent."""
    monkeypatch.setitem(app.config, "SROI_DISCOUNT_RATE", "0")


@pytest.fixture
def make_org(make_user):
    def factory(owner=None, name="Stichting Fonds Sociale Buurt", kind="foundation"):
        return create_organisation(owner or make_user(), name, kind)

    return factory


@pytest.fixture
def give():
    """A paid contribution: give(user, initiative, 100_00, date(2024, 1, 15), refunded=...)."""

    def do(user, initiative, cents, paid_on, organisation=None, refunded=0, charged_back=0):
        return paid_gift(
            initiative,
            cents,
            paid_on,
            user=user,
            organisation=organisation,
            refunded=refunded,
            charged_back=charged_back,
        )

    return do


@pytest.fixture
def declare_input():
    def do(initiative, cents, received_on):
        data = {
            "source": "Gemeente",
            "amount": format_cents(cents),
            "received_on": str(received_on),
        }
        declarations.add_input(initiative, initiative.owners[0], data)

    return do


@pytest.fixture
def accept_value(make_user):
    """An accepted outcome report worth exactly `euros` (quantity 1 × proxy) ending `period_end`."""
    counter = {"n": 0}
    verifier = {}

    def do(initiative, euros, period_start, period_end, kind=ValueKind.FISCAL):
        counter["n"] += 1
        code = f"pf_metric_{initiative.id}_{counter['n']}"
        metric = Metric(
            code=code,
            theme=initiative.theme,
            name_nl=code,
            name_en=code,
            unit="case",
            value_kind=kind,
            default_duration_years=1,
        )
        metric.proxies.append(
            MetricProxy(value=Decimal(euros), price_year=2024, valid_from=date(2000, 1, 1))
        )
        db.session.add(metric)
        db.session.commit()
        owner = initiative.owners[0]
        declarations.declare_outcome(initiative, owner, {"metric": code, "duration_years": 1})
        report = reports.create_outcome_report(
            initiative,
            owner,
            {
                "period_start": period_start.isoformat(),
                "period_end": period_end.isoformat(),
                "values": [{"metric": code, "quantity": "1"}],
                "evidence_url": "https://example.org/evidence.pdf",
                "note": "Rapport",
                "submit": True,
            },
        )
        if "user" not in verifier:
            verifier["user"] = make_user(role=Role.VERIFIER)
        return review.review_outcome_report(
            report.id, verifier["user"], "accepted", evidence_level=2
        )

    return do
