"""An owner submits an outcome report with evidence, a verifier accepts it, and the initiative page
shows the social return with its chart (Chart.js under the CSP) and plain-language sentence."""

import re
from decimal import Decimal

from playwright.sync_api import expect

from marketplace.accounts.models import Role
from marketplace.accounts.services import create_user
from marketplace.extensions import db
from marketplace.impact import declarations
from marketplace.impact.models import Metric, MetricProxy, ValueKind
from marketplace.initiatives.models import Initiative, InitiativeStatus, Theme

PASSWORD = "een-goed-wachtwoord"


def seed(app):
    from datetime import date

    with app.app_context():
        owner = create_user(
            "eigenaar-impact@example.org", PASSWORD, "Olga Eigenaar", confirmed=True
        )
        create_user(
            "verificateur-impact@example.org", PASSWORD, "Victor", Role.VERIFIER, confirmed=True
        )
        initiative = Initiative(
            slug="buurtkamer-impact", name="Buurtkamer Impact", theme=Theme.CARE,
            municipality="Utrecht", status=InitiativeStatus.PUBLISHED, funding_goal_cents=100000,
        )  # fmt: skip
        initiative.owners.append(owner)
        metric = Metric(
            code="gp_visit_browser", theme=Theme.CARE, name_nl="Vermeden huisartsconsult",
            name_en="GP consultation avoided", unit="consult", value_kind=ValueKind.FISCAL,
        )  # fmt: skip
        metric.proxies.append(
            MetricProxy(
                value=Decimal("102.25"),
                price_year=2024,
                source_title="Testbron",
                valid_from=date(2020, 1, 1),
            )  # fmt: skip
        )
        db.session.add_all([initiative, metric])
        db.session.commit()
        declarations.declare_outcome(
            initiative, owner, {"metric": metric.code, "justification": "Test"}
        )
        declarations.add_input(
            initiative,
            owner,
            {"source": "Gemeente", "amount": "100.00", "received_on": "2024-01-05"},
        )


def log_in(page, base, email):
    page.goto(base + "/account/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()


def log_out(page):
    page.locator("form[action$='/account/logout'] button").click()


def test_owner_submits_verifier_accepts_page_shows_social_return(live_server, page):
    seed(live_server.app)
    base = live_server.url

    log_in(page, base, "eigenaar-impact@example.org")
    page.goto(base + "/initiatives/buurtkamer-impact")
    page.get_by_test_id("report-outcomes").click()
    page.select_option("#period", "quarter")
    page.fill("#period_start", "2024-01-01")
    page.fill("#quantity-gp_visit_browser", "2")
    page.set_input_files(
        "#evidence",
        files=[{"name": "kwartaal.pdf", "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"}],
    )  # fmt: skip
    page.fill("#note", "Eerste kwartaal")
    page.get_by_test_id("submit-report").click()
    expect(page.get_by_test_id("report-status")).to_have_text(re.compile(r"\S"))
    expect(page.get_by_test_id("evidence-file")).to_have_text("kwartaal.pdf")
    report_url = page.url
    log_out(page)

    log_in(page, base, "verificateur-impact@example.org")
    page.goto(base + "/verify")
    expect(page.get_by_test_id("review-queue")).to_contain_text("Buurtkamer Impact")
    page.goto(report_url)
    page.get_by_test_id("decision-accepted").check()
    page.select_option("#evidence_level", "3")
    page.get_by_test_id("review-submit").click()
    expect(page.locator(".flash-success")).to_be_visible()
    log_out(page)

    page.goto(base + "/initiatives/buurtkamer-impact")
    block = page.get_by_test_id("social-return")
    expect(block).to_be_visible()
    # 2 × €102.25 / 1.0225 = €200.00 of value for €100.00 of inputs: € 2,00 per euro.
    expect(page.get_by_test_id("present-value")).to_have_text(re.compile(r"€\s200,00"))
    expect(page.get_by_test_id("sroi-ratio")).to_have_text("2,00")
    expect(page.get_by_test_id("impact-sentence")).to_contain_text("2,00")
    expect(page.get_by_test_id("evidence-levels")).to_contain_text("3")
    expect(page.locator("#impact-chart")).to_have_attribute("data-ready", "true")
    expect(block.locator("a[href='/methodology']")).to_be_visible()
