"""Valuation and the social-return figures, checked by hand for small cases."""

from datetime import date
from decimal import Decimal

import pytest

from marketplace.figures import social_return
from marketplace.impact import catalog, declarations, review
from marketplace.impact.models import ValueKind
from tests.gifts import paid_gift


@pytest.fixture
def small_case(make_metric, declare, initiative, owner, verifier, make_report):
    """One fiscal outcome: 10 × €100 × (1 − 0.25) × (1 − 0.20) = €600 in year 1, one year.

    PV = 600 / 1.0225 = 586.797066...; declared input €200 on 15 Jan 2024.
    """
    fiscal = make_metric(code="gp_visits", proxy="100.00")
    declare(initiative, fiscal, deadweight="0.25", attribution="0.20")
    declarations.add_input(
        initiative, owner, {"source": "Gemeente", "amount": "200.00", "received_on": "2024-01-15"}
    )
    report = make_report(initiative, owner, [(fiscal, 10)])
    review.review_outcome_report(report.id, verifier, "accepted", "", 2)
    return {"metric": fiscal, "report": report}


def test_social_return_small_case_by_hand(client, initiative, small_case):
    body = client.get(f"/api/v1/initiatives/{initiative.id}/social-return").get_json()
    assert body["inputs"] == "200.00"
    assert body["present_value"] == "586.80"
    assert body["net_present_value"] == "386.80"
    assert body["sroi_ratio"] == "2.9340"  # 586.797066 / 200
    assert body["payback_months"] == "4.00"  # 200 × 12 / 600
    assert body["discount_rate"] == "0.0225"
    assert body["by_value_kind"] == {
        "fiscal": "586.80", "wellbeing": "0.00", "environmental": "0.00", "economic": "0.00",
    }  # fmt: skip
    assert body["by_metric"] == [
        {
            "metric": "gp_visits", "name": "Meting 1", "unit": "person", "value_kind": "fiscal",
            "quantity": "10", "present_value": "586.80", "valued": True,
            "proxy_versions": [small_case["metric"].proxies[0].id],
        }
    ]  # fmt: skip
    deadweight_down = body["sensitivity"][0]
    # 10 × 100 × 0.85 × 0.80 = 680; / 1.0225 = 665.0367; / 200 = 3.3252
    assert deadweight_down == {
        "parameter": "deadweight", "change": "-10pp", "sroi_ratio": "3.3252",
        "present_value": "665.04",
    }  # fmt: skip
    assert len(body["sensitivity"]) == 10
    series = body["series"]
    assert series[0] == {
        "month": "2024-01",
        "inputs": "200.00",
        "social_value": "0.00",
        "sroi_ratio": "0.0000",
    }
    assert series[2] == {
        "month": "2024-03",
        "inputs": "200.00",
        "social_value": "586.80",
        "sroi_ratio": "2.9340",
    }
    today = date.today()
    assert series[-1]["month"] == f"{today.year:04d}-{today.month:02d}"
    assert body["evidence_levels"][0]["evidence_level"] == 2


def test_series_stops_at_the_given_month_and_counts_platform_gifts(initiative, small_case):
    paid_gift(initiative, 30000, date(2024, 2, 10))
    figures = social_return.social_return(initiative, today=date(2024, 4, 10))
    assert [p["month"] for p in figures.series] == [
        date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1), date(2024, 4, 1)
    ]  # fmt: skip
    assert [p["inputs"] for p in figures.series] == [
        Decimal("200.00"), Decimal("500.00"), Decimal("500.00"), Decimal("500.00")
    ]  # fmt: skip
    assert figures.inputs == Decimal("500.00")
    assert figures.inputs_platform == Decimal("300.00")
    assert figures.inputs_declared == Decimal("200.00")


def test_zero_inputs_gives_no_ratio(client, make_metric, declare, initiative, owner, verifier,
                                    make_report):  # fmt: skip
    metric = make_metric()
    declare(initiative, metric)
    report = make_report(initiative, owner, [(metric, 1)])
    review.review_outcome_report(report.id, verifier, "accepted", "", 1)
    body = client.get(f"/api/v1/initiatives/{initiative.id}/social-return").get_json()
    assert body["inputs"] == "0.00"
    assert body["sroi_ratio"] is None
    assert body["present_value"] == "97.80"  # 100 / 1.0225
    assert body["series"][0]["sroi_ratio"] is None


def test_nothing_reported_is_an_empty_but_valid_document(client, initiative):
    body = client.get(f"/api/v1/initiatives/{initiative.id}/social-return").get_json()
    assert body["present_value"] == "0.00"
    assert body["sroi_ratio"] is None
    assert body["payback_months"] is None
    assert body["series"] == []
    assert body["sensitivity"] == []


def test_only_accepted_reports_count(client, make_metric, declare, initiative, owner, make_report):
    metric = make_metric()
    declare(initiative, metric)
    make_report(initiative, owner, [(metric, 10)])  # submitted, not reviewed
    body = client.get(f"/api/v1/initiatives/{initiative.id}/social-return").get_json()
    assert body["present_value"] == "0.00"


def test_a_proxy_change_after_acceptance_does_not_change_past_valuation(
    client, initiative, small_case, make_user
):
    before = client.get(f"/api/v1/initiatives/{initiative.id}/social-return").get_json()
    metric = small_case["metric"]
    catalog.update_metric(metric, {"proxy_value": "500.00", "valid_from": "2024-01-01"})
    catalog.update_metric(metric, {"proxy_value": "900.00"})
    after = client.get(f"/api/v1/initiatives/{initiative.id}/social-return").get_json()
    assert after["present_value"] == before["present_value"] == "586.80"
    line = small_case["report"].values[0]
    assert line.proxy_id == metric.proxies[0].id
    assert line.proxy.value == Decimal("100.00")


def test_filter_change_after_acceptance_does_not_change_past_valuation(
    client, initiative, owner, small_case
):
    declarations.declare_outcome(initiative, owner, {"metric": "gp_visits", "deadweight": "0.9"})
    body = client.get(f"/api/v1/initiatives/{initiative.id}/social-return").get_json()
    assert body["present_value"] == "586.80"


def test_reports_are_valued_with_the_proxy_version_valid_at_period_end(
    make_metric, declare, initiative, owner, verifier, make_report
):
    metric = make_metric(code="hours", proxy="10.00", valid_from=date(2020, 1, 1))
    catalog.update_metric(metric, {"proxy_value": "20.00", "valid_from": "2024-04-01"})
    declare(initiative, metric)
    q1 = make_report(initiative, owner, [(metric, 1)])
    q2 = make_report(
        initiative, owner, [(metric, 1)], start=date(2024, 4, 1), end=date(2024, 6, 30)
    )
    for report in (q1, q2):
        review.review_outcome_report(report.id, verifier, "accepted", "", 2)
    assert q1.values[0].proxy.value == Decimal("10.00")
    assert q2.values[0].proxy.value == Decimal("20.00")
    assert q1.values[0].proxy_id != q2.values[0].proxy_id


def test_metric_without_proxy_counts_zero_until_a_proxy_exists(
    client, make_metric, declare, initiative, owner, verifier, make_report
):
    lonely = make_metric(code="lonely", proxy=None, value_kind=ValueKind.WELLBEING)
    declare(initiative, lonely)
    report = make_report(initiative, owner, [(lonely, 4)])
    review.review_outcome_report(report.id, verifier, "accepted", "", 2)
    body = client.get(f"/api/v1/initiatives/{initiative.id}/social-return").get_json()
    assert body["present_value"] == "0.00"
    assert body["by_metric"][0]["valued"] is False
    assert body["unvalued_metrics"] == ["lonely"]

    catalog.update_metric(lonely, {"proxy_value": "1022.50", "source_title": "Studie"})
    body = client.get(f"/api/v1/initiatives/{initiative.id}/social-return").get_json()
    assert body["present_value"] == "4000.00"  # 4 × 1022.50 / 1.0225
    assert body["unvalued_metrics"] == []
    assert [e.action for e in report.events][-1] == "revalued"


def test_discount_rate_comes_from_config(app, client, initiative, small_case, monkeypatch):
    monkeypatch.setitem(app.config, "SROI_DISCOUNT_RATE", "0")
    body = client.get(f"/api/v1/initiatives/{initiative.id}/social-return").get_json()
    assert body["present_value"] == "600.00"
    assert body["discount_rate"] == "0"
