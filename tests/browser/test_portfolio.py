"""A foundation staff member logs in, opens the foundation's portfolio and sees the chart."""

from datetime import UTC, datetime

from playwright.sync_api import expect

from marketplace.accounts.services import create_user
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative, InitiativeStatus, Theme
from marketplace.organisations.services import create_organisation
from tests.gifts import paid_gift

PASSWORD = "een-goed-wachtwoord"


def seed(app) -> int:
    with app.app_context():
        staff = create_user("fonds-browser@example.org", PASSWORD, "Fatima Fonds", confirmed=True)
        org = create_organisation(staff, "Stichting Fonds Browser", "foundation")
        initiative = Initiative(
            slug="buurtkeuken-browser",
            name="Buurtkeuken Browser",
            theme=Theme.CARE,
            municipality="Utrecht",
            status=InitiativeStatus.PUBLISHED,
        )
        initiative.owners.append(
            create_user("owner-browser@example.org", PASSWORD, "Olaf", confirmed=True)
        )
        db.session.add(initiative)
        db.session.commit()
        for month, cents in ((1, 50000), (3, 25000), (6, 25000)):
            paid_at = datetime(2024, month, 12, 10, tzinfo=UTC)
            paid_gift(initiative, cents, paid_at, user=staff, organisation=org)
        return org.id


def test_foundation_member_sees_portfolio_chart(live_server, page):
    org_id = seed(live_server.app)
    page.goto(live_server.url + "/account/login")
    page.fill("#email", "fonds-browser@example.org")
    page.fill("#password", PASSWORD)
    page.click("main button:has-text('Inloggen')")
    expect(page.locator(".flash-success")).to_be_visible()

    page.goto(live_server.url + "/organisations")
    page.click("text=Stichting Fonds Browser")
    expect(page.locator("h1")).to_contain_text("Stichting Fonds Browser")
    assert page.url.endswith(f"/organisations/{org_id}/portfolio")

    canvas = page.locator("#portfolio-chart")
    expect(canvas).to_be_visible()
    expect(canvas).to_have_attribute("data-ready", "true")  # Chart.js drew it
    box = canvas.bounding_box()
    assert box["width"] > 200 and box["height"] > 100
    points = page.evaluate("window.portfolioChart.data.datasets[0].data.length")
    assert points >= 6
    expect(page.get_by_test_id("total-given")).to_contain_text("1.000,00")
    expect(page.get_by_test_id("holdings")).to_contain_text("Buurtkeuken Browser")
