"""The impact pages: methodology, initiative block, report forms, queue, catalog admin."""

import io
from datetime import date

import pytest

from marketplace.accounts.models import Role
from marketplace.impact import catalog, declarations, reports, review
from marketplace.impact.models import ReportStatus


def test_methodology_lists_every_proxy_with_its_source(client):
    catalog.import_catalog()
    page = client.get("/methodology")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('data-testid="proxy-row"') == 43
    assert "https://www.zorginstituutnederland.nl/documenten/2024/01/16/" in html
    assert 'id="attribution"' in html and 'id="exchange-index"' in html
    assert 'id="metric-loneliness_reduced"' in html
    assert "2,25%" in html  # the discount rate, Dutch formatting by default


def test_initiative_page_shows_social_return_sentence_and_chart_data(
    client, make_metric, declare, initiative, owner, verifier, make_report
):
    fiscal = make_metric(code="fiscal_m", proxy="102.25")
    declare(initiative, fiscal)
    declarations.add_input(
        initiative, owner, {"source": "Fonds", "amount": "100.00", "received_on": "2024-01-10"}
    )
    report = make_report(initiative, owner, [(fiscal, 2)])
    review.review_outcome_report(report.id, verifier, "accepted", "", 3)
    response = client.get(f"/initiatives/{initiative.slug}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[-3000:]
    assert 'data-testid="social-return"' in html, html[html.find("<main") :][:3000]
    # 2 × 102.25 / 1.0225 = 200.00 of value for 100.00 in: € 2,00 per euro, all fiscal.
    sentence = html[html.index('data-testid="impact-sentence"') :].split("</p>")[0]
    assert sentence.replace("\xa0", " ").count("€ 2,00") == 2  # per euro, and of it fiscal
    assert 'id="impact-chart-data"' in html
    assert "chart.umd.min.js" in html
    assert "/methodology" in html
    assert "<script>" not in html  # no inline script: CSP


def test_initiative_page_without_outcomes_has_no_block(client, initiative):
    html = client.get(f"/initiatives/{initiative.slug}").get_data(as_text=True)
    assert 'data-testid="social-return"' not in html


def test_owner_reports_through_the_web_form_with_a_pdf(
    client, login, make_metric, declare, initiative, owner
):
    metric = make_metric(code="meals")
    declare(initiative, metric)
    login(owner)
    assert client.get(f"/initiatives/{initiative.slug}/reports/new").status_code == 200
    response = client.post(
        f"/initiatives/{initiative.slug}/reports/new",
        data={
            "period": "quarter",
            "period_start": "2024-01-01",
            "quantity-meals": "120",
            "note": "Q1",
            "action": "submit",
            "evidence": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "q1.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    report = reports.reports_for_initiative(initiative, owner)[0]
    assert report.status == ReportStatus.SUBMITTED
    assert report.period_end == date(2024, 3, 31)
    assert report.evidence_content_type == "application/pdf"


def test_web_form_errors_are_shown_not_500(client, login, make_metric, declare, initiative, owner):
    metric = make_metric(code="meals")
    declare(initiative, metric)
    login(owner)
    response = client.post(
        f"/initiatives/{initiative.slug}/reports/new",
        data={"period": "month", "period_start": "2024-01-05", "quantity-meals": "-1",
              "action": "submit"},
    )  # fmt: skip
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "kalendermaand" in html
    assert reports.reports_for_initiative(initiative, owner) == []


def test_csv_upload_page_shows_row_errors(client, login, make_metric, declare, initiative, owner):
    declare(initiative, make_metric(code="meals"))
    login(owner)
    template = client.get(f"/initiatives/{initiative.slug}/reports/template.csv")
    assert template.headers["Content-Disposition"].startswith("attachment")
    assert "meals" in template.get_data(as_text=True)
    bad = b"period_start,period_end,metric,quantity\n2024-01-01,2024-03-31,nope,1\n"
    response = client.post(
        f"/initiatives/{initiative.slug}/reports/import",
        data={"file": (io.BytesIO(bad), "r.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Row 2" in response.get_data(as_text=True) or "Rij 2" in response.get_data(as_text=True)


def test_verifier_accepts_from_the_queue(
    client, login, make_metric, declare, initiative, owner, verifier, make_report
):
    metric = make_metric()
    declare(initiative, metric)
    report = make_report(initiative, owner, [(metric, 3)])
    login(verifier)
    queue = client.get("/verify")
    assert queue.status_code == 200
    assert f"/reports/{report.id}" in queue.get_data(as_text=True)
    response = client.post(
        f"/reports/{report.id}/review", data={"decision": "accepted", "evidence_level": "2"}
    )
    assert response.status_code == 302
    assert report.status == ReportStatus.ACCEPTED


def test_queue_and_review_are_for_verifiers_only(
    client, login, make_metric, declare, initiative, owner, make_report
):
    metric = make_metric()
    declare(initiative, metric)
    report = make_report(initiative, owner, [(metric, 3)])
    login(owner)
    assert client.get("/verify").status_code == 403
    response = client.post(
        f"/reports/{report.id}/review", data={"decision": "accepted", "evidence_level": "2"}
    )
    assert response.status_code == 403
    assert report.status == ReportStatus.SUBMITTED


@pytest.mark.parametrize("role", [Role.USER, Role.VERIFIER])
def test_catalog_admin_is_for_admins(client, login, make_user, role):
    login(make_user(role=role))
    assert client.get("/admin/metrics").status_code == 403


def test_admin_adds_a_proxy_version_in_the_ui(client, login, make_user, make_metric):
    metric = make_metric(code="hours", proxy="10.00")
    login(make_user(role=Role.ADMIN))
    assert client.get("/admin/metrics").status_code == 200
    assert client.get("/admin/metrics/hours").status_code == 200
    response = client.post(
        "/admin/metrics/hours",
        data={
            "action": "proxy", "proxy-proxy_value": "12.50", "proxy-price_year": "2025",
            "proxy-source_title": "Nieuwe bron", "proxy-valid_from": "2025-01-01",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    assert [str(p.value) for p in metric.proxies] == ["10.000000", "12.500000"]


def test_owner_manages_outcomes_and_inputs_in_the_ui(
    client, login, make_metric, initiative, owner, make_user
):
    make_metric(code="meals", deadweight="0.25")
    login(owner)
    assert client.get(f"/initiatives/{initiative.slug}/impact").status_code == 200
    response = client.post(
        f"/initiatives/{initiative.slug}/impact/outcomes",
        data={"outcome-metric": "meals", "outcome-justification": "Landelijk gemiddelde"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert declarations.declared_outcomes(initiative)[0].deadweight == 0.25
    response = client.post(
        f"/initiatives/{initiative.slug}/impact/inputs",
        data={"input-source": "Gemeente", "input-amount": "1000", "input-received_on": "2024-01-01",
              "input-kind": "money"},
    )  # fmt: skip
    assert response.status_code == 302
    assert declarations.declared_inputs(initiative)[0].amount_cents == 100000
    login(make_user())
    assert client.get(f"/initiatives/{initiative.slug}/impact").status_code == 403
