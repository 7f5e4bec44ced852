from datetime import date

import pytest
from sqlalchemy import func, select

from marketplace import signals
from marketplace.accounts.models import Role
from marketplace.errors import InvalidInput, InvalidTransition, NotAllowed
from marketplace.extensions import db
from marketplace.impact import declarations, reports, review
from marketplace.impact.models import OutcomeReport, ReportStatus

REPORT = {
    "period_start": "2024-01-01",
    "period_end": "2024-03-31",
    "evidence_url": "https://example.org/bewijs.pdf",
    "note": "Eerste kwartaal",
    "submit": True,
}


@pytest.fixture
def metric(make_metric, initiative, declare):
    metric = make_metric(code="meals")
    declare(initiative, metric)
    return metric


def report_body(metric, quantity="120", **extra):
    return {**REPORT, "values": [{"metric": metric.code, "quantity": quantity}], **extra}


def test_owner_submits_and_verifier_accepts_through_the_api(
    client, auth_headers, owner, verifier, initiative, metric
):
    url = f"/api/v1/initiatives/{initiative.id}/outcome-reports"
    created = client.post(url, json=report_body(metric), headers=auth_headers(owner))
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["status"] == "submitted"
    assert body["period"] == "quarter"
    assert body["values"] == [
        {
            "metric": "meals", "quantity": "120", "proxy_id": None, "proxy_value": None,
            "deadweight": None, "displacement": None, "attribution": None, "drop_off": None,
            "duration_years": None,
        }
    ]  # fmt: skip
    review = client.post(
        f"/api/v1/outcome-reports/{body['id']}/review",
        json={"decision": "accepted", "evidence_level": 2},
        headers=auth_headers(verifier),
    )
    assert review.status_code == 200, review.get_json()
    reviewed = review.get_json()
    assert reviewed["status"] == "accepted"
    assert reviewed["evidence_level"] == 2
    assert reviewed["values"][0]["proxy_value"] == "100.00"
    assert reviewed["values"][0]["proxy_id"] == metric.proxies[0].id
    assert [e["action"] for e in reviewed["events"]] == ["created", "submitted", "accepted"]
    assert reviewed["events"][2]["user_id"] == verifier.id


def test_only_owners_report(client, auth_headers, make_user, initiative, metric):
    url = f"/api/v1/initiatives/{initiative.id}/outcome-reports"
    stranger = client.post(url, json=report_body(metric), headers=auth_headers(make_user()))
    assert stranger.status_code == 403
    admin = make_user(role=Role.ADMIN)
    assert (
        client.post(url, json=report_body(metric), headers=auth_headers(admin)).status_code == 403
    )
    verifier = make_user(role=Role.VERIFIER)
    assert (
        client.post(url, json=report_body(metric), headers=auth_headers(verifier)).status_code
        == 403
    )
    assert client.post(url, json=report_body(metric)).status_code == 401
    assert db.session.scalar(select(func.count()).select_from(OutcomeReport)) == 0


def test_only_verifiers_review(
    client, auth_headers, make_user, owner, initiative, metric, make_report
):
    report = make_report(initiative, owner, [(metric, 10)])
    url = f"/api/v1/outcome-reports/{report.id}/review"
    decision = {"decision": "accepted", "evidence_level": 3}
    assert client.post(url, json=decision, headers=auth_headers(owner)).status_code == 403
    assert client.post(url, json=decision, headers=auth_headers(make_user())).status_code == 404
    assert report.status == ReportStatus.SUBMITTED


def test_nobody_reviews_their_own_initiatives_report(
    client, auth_headers, make_user, make_initiative, declare, make_metric, make_report
):
    verifier_owner = make_user(role=Role.VERIFIER)
    admin_owner = make_user(role=Role.ADMIN)
    initiative = make_initiative(owner=verifier_owner)
    initiative.owners.append(admin_owner)
    db.session.commit()
    metric = make_metric()
    declare(initiative, metric)
    report = make_report(initiative, verifier_owner, [(metric, 5)])
    url = f"/api/v1/outcome-reports/{report.id}/review"
    for reviewer in (verifier_owner, admin_owner):
        response = client.post(
            url, json={"decision": "accepted", "evidence_level": 1}, headers=auth_headers(reviewer)
        )
        assert response.status_code == 403
    with pytest.raises(NotAllowed):
        review.review_outcome_report(report.id, verifier_owner, "accepted", "", 1)
    assert report.status == ReportStatus.SUBMITTED


def test_rejection_needs_a_reason_and_owner_fixes_and_resubmits(
    client, auth_headers, owner, verifier, initiative, metric, make_report
):
    report = make_report(initiative, owner, [(metric, 10)])
    url = f"/api/v1/outcome-reports/{report.id}/review"
    no_reason = client.post(url, json={"decision": "rejected"}, headers=auth_headers(verifier))
    assert no_reason.status_code == 422
    assert "reason" in no_reason.get_json()["errors"]
    rejected = client.post(
        url,
        json={"decision": "rejected", "reason": "Bewijs ontbreekt voor maart."},
        headers=auth_headers(verifier),
    )
    assert rejected.get_json()["status"] == "rejected"
    assert rejected.get_json()["rejection_reason"] == "Bewijs ontbreekt voor maart."

    fixed = client.patch(
        f"/api/v1/outcome-reports/{report.id}",
        json={"values": [{"metric": "meals", "quantity": "8"}], "submit": True},
        headers=auth_headers(owner),
    )
    assert fixed.status_code == 200, fixed.get_json()
    assert fixed.get_json()["status"] == "submitted"
    events = fixed.get_json()["events"]
    assert [e["action"] for e in events] == [
        "created",
        "submitted",
        "rejected",
        "updated",
        "submitted",
    ]
    assert events[3]["changes"] == {"values": {"meals": ["10.0000", "8"]}}
    assert events[3]["user_id"] == owner.id


def test_accepted_report_is_final(owner, verifier, initiative, metric, make_report):
    report = make_report(initiative, owner, [(metric, 10)])
    review.review_outcome_report(report.id, verifier, "accepted", "", 4)
    with pytest.raises(InvalidTransition):
        review.review_outcome_report(report.id, verifier, "rejected", "oops", None)
    with pytest.raises(InvalidTransition):
        reports.update_outcome_report(report, owner, {"note": "changed"})


def test_accepting_requires_evidence_level(owner, verifier, initiative, metric, make_report):
    report = make_report(initiative, owner, [(metric, 10)])
    with pytest.raises(InvalidInput) as error:
        review.review_outcome_report(report.id, verifier, "accepted", "", None)
    assert "evidence_level" in error.value.errors
    with pytest.raises(InvalidInput):
        review.review_outcome_report(report.id, verifier, "accepted", "", 6)


def test_submit_requires_evidence(owner, initiative, metric):
    data = {**report_body(metric), "evidence_url": ""}
    with pytest.raises(InvalidInput) as error:
        reports.create_outcome_report(initiative, owner, data)
    assert "evidence" in error.value.errors
    assert db.session.scalar(select(func.count()).select_from(OutcomeReport)) == 0
    draft = reports.create_outcome_report(initiative, owner, {**data, "submit": False})
    assert draft.status == ReportStatus.DRAFT


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("2024-01-02", "2024-01-31", "period_end"),  # not a calendar period
        ("2024-02-01", "2024-04-30", "period_end"),  # three months, not a quarter
        ("2024-01-01", "2024-13-01", "period_end"),
        ("2999-01-01", "2999-01-31", "period_start"),  # the future
    ],
)
def test_periods_must_be_calendar_months_quarters_or_years(
    owner, initiative, metric, start, end, field
):
    with pytest.raises(InvalidInput) as error:
        reports.create_outcome_report(
            initiative, owner, report_body(metric, period_start=start, period_end=end)
        )
    assert field in error.value.errors


def test_month_quarter_and_year_are_recognised():
    assert reports.period_of(date(2024, 2, 1), date(2024, 2, 29)).value == "month"
    assert reports.period_of(date(2024, 4, 1), date(2024, 6, 30)).value == "quarter"
    assert reports.period_of(date(2023, 1, 1), date(2023, 12, 31)).value == "year"
    assert reports.period_of(date(2024, 1, 1), date(2024, 6, 30)) is None


def test_overlapping_periods_are_refused(owner, initiative, metric, make_report):
    make_report(initiative, owner, [(metric, 10)])
    with pytest.raises(InvalidInput) as error:
        reports.create_outcome_report(
            initiative,
            owner,
            report_body(metric, period_start="2024-02-01", period_end="2024-02-29"),
        )
    assert "period_start" in error.value.errors


def test_values_must_be_declared_metrics_with_valid_quantities(
    client, auth_headers, owner, initiative, metric, make_metric
):
    other = make_metric(code="not_declared")
    body = {
        **REPORT,
        "values": [
            {"metric": other.code, "quantity": "1"},
            {"metric": metric.code, "quantity": "-3"},
            {"metric": metric.code, "quantity": "1.123456"},
        ],
    }
    response = client.post(
        f"/api/v1/initiatives/{initiative.id}/outcome-reports",
        json=body,
        headers=auth_headers(owner),
    )
    assert response.status_code == 422
    messages = response.get_json()["errors"]["values"]
    assert len(messages) == 3
    assert messages[0].startswith("Regel 1:")


def test_reports_are_private_until_accepted(
    client, auth_headers, make_user, owner, verifier, initiative, metric, make_report
):
    report = make_report(initiative, owner, [(metric, 10)])
    assert client.get(f"/api/v1/outcome-reports/{report.id}").status_code == 401
    stranger = auth_headers(make_user())
    assert client.get(f"/api/v1/outcome-reports/{report.id}", headers=stranger).status_code == 404
    assert (
        client.get(
            f"/api/v1/outcome-reports/{report.id}", headers=auth_headers(verifier)
        ).status_code
        == 200
    )
    public = client.get(f"/api/v1/initiatives/{initiative.id}/outcome-reports").get_json()
    assert public == []
    review.review_outcome_report(report.id, verifier, "accepted", "", 2)
    public = client.get(f"/api/v1/initiatives/{initiative.id}/outcome-reports").get_json()
    assert [r["id"] for r in public] == [report.id]
    assert "events" not in public[0]
    queue = client.get("/api/v1/outcome-reports", headers=stranger)
    assert queue.status_code == 403


def test_declare_outcome_defaults_from_metric_and_updates(
    client, auth_headers, owner, make_user, initiative, make_metric
):
    make_metric(code="tutoring", deadweight="0.25", attribution="0.5", duration_years=2)
    url = f"/api/v1/initiatives/{initiative.id}/outcomes"
    created = client.post(
        url, json={"metric": "tutoring", "justification": "Zelfde als landelijk"},
        headers=auth_headers(owner),
    )  # fmt: skip
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["deadweight"], body["attribution"], body["duration_years"]) == ("0.25", "0.5", 2)
    updated = client.post(
        url, json={"metric": "tutoring", "deadweight": "0.1"}, headers=auth_headers(owner)
    )
    assert updated.status_code == 200
    assert updated.get_json()["deadweight"] == "0.1"
    assert updated.get_json()["attribution"] == "0.5"
    bad = client.post(
        url, json={"metric": "tutoring", "drop_off": "2"}, headers=auth_headers(owner)
    )
    assert bad.status_code == 422
    unknown = client.post(url, json={"metric": "nope"}, headers=auth_headers(owner))
    assert unknown.status_code == 422
    stranger = client.post(url, json={"metric": "tutoring"}, headers=auth_headers(make_user()))
    assert stranger.status_code == 403
    listed = client.get(url).get_json()
    assert [o["metric"] for o in listed] == ["tutoring"]


def test_declare_inputs(client, auth_headers, owner, make_user, initiative):
    url = f"/api/v1/initiatives/{initiative.id}/inputs"
    body = {
        "source": "Gemeente Utrecht",
        "amount": "2500.00",
        "received_on": "2024-01-15",
        "kind": "money",
    }
    created = client.post(url, json=body, headers=auth_headers(owner))
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["amount"] == "2500.00"
    assert created.get_json()["kind"] == "money"
    bad = client.post(
        url,
        json={**body, "amount": "12.3456", "received_on": "gisteren"},
        headers=auth_headers(owner),
    )
    assert bad.status_code == 422
    assert {"amount", "received_on"} <= set(bad.get_json()["errors"])
    assert client.post(url, json=body, headers=auth_headers(make_user())).status_code == 403
    listed = client.get(url, headers=auth_headers(owner)).get_json()
    assert len(listed) == 1


def test_review_and_input_changes_send_named_signals_after_their_commit(
    owner, verifier, initiative, metric, make_report
):
    received = []

    def receiver(sender, **facts):
        received.append(facts)

    with (
        signals.outcome_report_reviewed.connected_to(receiver),
        signals.inputs_changed.connected_to(receiver),
    ):
        report = make_report(initiative, owner, [(metric, 10)])
        assert received == []
        review.review_outcome_report(report.id, verifier, "accepted", "", 2)
        declarations.add_input(
            initiative, owner, {"source": "Eigen geld", "amount": "10", "received_on": "2024-01-01"}
        )
    assert received == [
        {"report_id": report.id, "initiative_id": initiative.id, "status": "accepted"},
        {"initiative_id": initiative.id},
    ]
