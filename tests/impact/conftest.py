"""Impact fixtures: catalog metrics with proxy versions, declared outcomes, reports, reviewers."""

import io
from datetime import date
from decimal import Decimal

import pytest

from marketplace.accounts.models import Role
from marketplace.extensions import db
from marketplace.impact import reports
from marketplace.impact.models import InitiativeOutcome, Metric, MetricProxy, ValueKind
from marketplace.initiatives.models import Theme

# The smallest valid PDF-looking file and a real 1x1 PNG.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a730000001649444154789c63e4aa"
    "0860606060626060606060000009bc00d6dc9ff4520000000049454e44ae426082"
)


@pytest.fixture
def make_metric():
    counter = {"n": 0}

    def factory(
        code=None,
        proxy="100.00",
        value_kind=ValueKind.FISCAL,
        valid_from=date(2020, 1, 1),
        theme=Theme.CARE,
        **defaults,
    ):
        counter["n"] += 1
        metric = Metric(
            code=code or f"metric_{counter['n']}",
            theme=theme,
            name_nl=f"Meting {counter['n']}",
            name_en=f"Metric {counter['n']}",
            unit="person",
            iris_id="",
            value_kind=value_kind,
            default_deadweight=Decimal(defaults.get("deadweight", "0")),
            default_displacement=Decimal(defaults.get("displacement", "0")),
            default_attribution=Decimal(defaults.get("attribution", "0")),
            default_drop_off=Decimal(defaults.get("drop_off", "0")),
            default_duration_years=defaults.get("duration_years", 1),
        )
        metric.proxies.append(
            MetricProxy(
                value=None if proxy is None else Decimal(proxy),
                price_year=2024,
                basis="Test basis",
                source_title="Test source",
                source_url="https://example.org/source",
                valid_from=valid_from,
            )
        )
        db.session.add(metric)
        db.session.commit()
        return metric

    return factory


@pytest.fixture
def owner(make_user):
    return make_user()


@pytest.fixture
def verifier(make_user):
    return make_user(role=Role.VERIFIER)


@pytest.fixture
def initiative(make_initiative, owner):
    return make_initiative(owner=owner)


@pytest.fixture
def declare():
    def do(initiative, metric, **filters):
        outcome = InitiativeOutcome(
            initiative_id=initiative.id,
            metric=metric,
            deadweight=Decimal(filters.get("deadweight", "0")),
            displacement=Decimal(filters.get("displacement", "0")),
            attribution=Decimal(filters.get("attribution", "0")),
            drop_off=Decimal(filters.get("drop_off", "0")),
            duration_years=filters.get("duration_years", 1),
            justification=filters.get("justification", "Because."),
        )
        db.session.add(outcome)
        db.session.commit()
        return outcome

    return do


@pytest.fixture
def make_report():
    """A report through the service; submitted with a link as evidence unless submit=False."""

    def do(initiative, user, values, start=date(2024, 1, 1), end=date(2024, 3, 31), submit=True):
        data = {
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            "values": [{"metric": m.code, "quantity": str(q)} for m, q in values],
            "evidence_url": "https://example.org/evidence.pdf",
            "note": "Kwartaalrapport",
            "submit": submit,
        }
        return reports.create_outcome_report(initiative, user, data)

    return do


def pdf_upload(data: bytes = PDF_BYTES):
    return io.BytesIO(data)
