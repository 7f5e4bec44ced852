"""Schemathesis over /api/v1/openapi.json, in-process (WSGI), as a normal user and as an admin.

Fails on any 5xx and on any response the document does not describe (status code, content type,
headers, body schema). Bounded for CI: a fixed number of examples per operation, derandomized,
so every run sends the same requests. Small generated ids are mapped onto rows the caller can
see (their initiative, organisation, gift, report, ...), so the generated bodies reach the
services instead of stopping at a 404; large ones stay as generated and must be a clean 404/422.
"""

import tempfile
from datetime import date
from decimal import Decimal

import pytest
import schemathesis
from flask.ctx import _cv_app
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from marketplace import create_app
from marketplace.accounts.models import Role
from marketplace.extensions import db, limiter
from marketplace.impact import declarations, reports
from marketplace.impact.models import InitiativeOutcome, Metric, MetricProxy, ValueKind
from marketplace.initiatives.models import InitiativeStatus, Theme
from marketplace.organisations.models import MemberRole, Membership
from marketplace.organisations.services import create_organisation, invite_member
from marketplace.reporting.models import Cadence, OwnerType, Report, ReportState
from marketplace.volunteering import signups, tasks
from tests.gifts import paid_gift

pytestmark = pytest.mark.schemathesis

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MAPPED_IDS = range(1, 9)  # generated ids in this range are replaced by ids of seeded rows


def openapi_document() -> dict:
    """The document as the app serves it; it depends on the code only, not on a database."""
    with tempfile.TemporaryDirectory() as instance:
        config = {
            "SECRET_KEY": "x",
            "INSTANCE_PATH": instance,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
        }
        return create_app(config).test_client().get("/api/v1/openapi.json").get_json()


schema = schemathesis.openapi.from_dict(openapi_document())


def seed_metric(n: int) -> Metric:
    metric = Metric(
        code=f"st_metric_{n}",
        theme=Theme.CARE,
        name_nl="Eenzame ouderen bezocht",
        name_en="Lonely elderly visited",
        unit="person",
        iris_id="",
        value_kind=ValueKind.FISCAL,
        default_deadweight=Decimal("0.1"),
        default_displacement=Decimal(0),
        default_attribution=Decimal(0),
        default_drop_off=Decimal(0),
        default_duration_years=1,
    )
    metric.proxies.append(
        MetricProxy(
            value=Decimal("120.00"),
            price_year=2024,
            basis="basis",
            source_title="source",
            source_url="https://example.org/source",
            valid_from=date(2020, 1, 1),
        )
    )
    db.session.add(metric)
    db.session.commit()
    return metric


@pytest.fixture(params=["user", "admin"])
def api_caller(request, make_user, make_initiative, auth_headers):
    """The caller's headers, and the ids of what they own or may see, by path parameter."""
    role = Role.ADMIN if request.param == "admin" else Role.USER
    user = make_user(role=role)
    colleague = make_user()
    initiative = make_initiative(owner=user)
    draft = make_initiative(owner=user, status=InitiativeStatus.DRAFT)
    org = create_organisation(user, f"Fonds van {user.name}", "foundation")
    db.session.add(Membership(organisation_id=org.id, user_id=colleague.id, role=MemberRole.MEMBER))
    db.session.commit()
    invitation, _token = invite_member(org.id, user, f"new-{user.email}", "viewer")
    metric = seed_metric(user.id)
    zero = Decimal(0)
    outcome = InitiativeOutcome(
        initiative_id=initiative.id, metric=metric, deadweight=zero, displacement=zero,
        attribution=zero, drop_off=zero, duration_years=1, justification="Because.",
    )  # fmt: skip
    db.session.add(outcome)
    db.session.commit()
    money_in = declarations.add_input(
        initiative, user, {"source": "Gemeente", "amount": "1000.00", "received_on": "2024-01-10"}
    )
    values = [{"metric": metric.code, "quantity": "12"}]
    outcome_report = reports.create_outcome_report(
        initiative, user, {"period_start": "2024-01-01", "period_end": "2024-01-31",
                           "values": values, "evidence_url": "https://example.org/e"}
    )  # fmt: skip
    gift = paid_gift(initiative, 2500, date(2024, 2, 1), user=user)
    archived = Report(
        owner_type=OwnerType.USER, owner_id=user.id, cadence=Cadence.MONTHLY,
        period_start=date(2024, 1, 1), period_end=date(2024, 1, 31), status=ReportState.BUILT,
        title="Impact januari", html="<p>Impact</p>", pdf=b"%PDF-1.4\n%%EOF\n",
    )  # fmt: skip
    db.session.add(archived)
    db.session.commit()
    task = tasks.create_task(
        user, {"initiative_id": initiative.id, "title": "Helpen", "postcode": "3511 AB",
               "duration_minutes": 120, "capacity": 2}
    )  # fmt: skip
    own_signup, _new = signups.sign_up(task.id, user)
    ids = {
        "initiative_id": [initiative.id, draft.id],
        "organisation_id": [org.id],
        "user_id": [colleague.id, user.id],
        "invitation_id": [invitation.id],
        "input_id": [money_in.id],
        "donation_id": [gift.id],
        "outcome_report_id": [outcome_report.id],
        "archived_report_id": [archived.id],
        "code": [metric.code],
        "task_id": [task.id],
        "signup_id": [own_signup.id],
    }
    return auth_headers(user), ids


@pytest.fixture
def wsgi_app(app, monkeypatch):
    """The app as a WSGI callable whose requests each get a fresh `g` (see FreshGlobalsClient),
    with the checkout rate limit out of the way (it has its own test) so gifts reach checkout."""
    monkeypatch.setitem(app.config, "CHECKOUT_RATE_LIMIT", "100000 per minute")

    def call(environ, start_response):
        context = _cv_app.get()
        saved, context.g = context.g, app.app_ctx_globals_class()
        try:
            return app(environ, start_response)
        finally:
            context.g = saved

    yield call
    limiter.reset()


def aim_at_seeded_rows(case, ids: dict) -> None:
    """Replace small generated ids (and any metric code) by ids of rows that exist."""
    for name, value in (case.path_parameters or {}).items():
        key = name
        if name == "report_id":
            key = "outcome_report_id" if "outcome-reports" in case.path else "archived_report_id"
        if name == "code" and isinstance(value, str) and len(value) % 2 == 0:
            case.path_parameters[name] = ids["code"][0]
        elif key in ids and isinstance(value, int) and value in MAPPED_IDS:
            case.path_parameters[name] = ids[key][(value - 1) % len(ids[key])]
    if isinstance(case.body, dict):
        for name in ("initiative_id", "organisation_id"):
            value = case.body.get(name)
            if isinstance(value, int) and not isinstance(value, bool) and value in MAPPED_IDS:
                case.body[name] = ids[name][(value - 1) % len(ids[name])]


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_matches_its_document(case, api_caller, wsgi_app):
    headers, ids = api_caller
    aim_at_seeded_rows(case, ids)
    case.call_and_validate(app=wsgi_app, headers=headers, checks=CHECKS)
