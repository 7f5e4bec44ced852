"""An investor on a phone (390 px) subscribes to a loan: the checks in order (knowledge test,
loss simulation, sheet and risk warning), pays with the simulator, sees the subscription
reserved and revokes it in the reflection period. No page scrolls sideways."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from marketplace.accounts.models import Role
from marketplace.accounts.services import create_user
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative, InitiativeStatus, Theme
from marketplace.investments import offers
from marketplace.investments.knowledge import load_test
from marketplace.timeutil import utcnow

PASSWORD = "een-goed-wachtwoord"
PHONE = {"width": 390, "height": 844}


def seed(app) -> int:
    with app.app_context():
        owner = create_user("eigenaar-invest@example.org", PASSWORD, "Eigenaar", confirmed=True)
        admin = create_user(
            "beheer-invest@example.org", PASSWORD, "Beheer", Role.ADMIN, confirmed=True
        )
        create_user("lener-invest@example.org", PASSWORD, "Lieke Lener", confirmed=True)
        initiative = Initiative(
            slug="energie-van-hier", name="Energie van Hier", legal_name="Coöperatie Energie U.A.",
            theme=Theme.ENERGY, summary="Zon op daken.", description="Wij leggen panelen.",
            municipality="Deventer", funding_goal_cents=100000, status=InitiativeStatus.PUBLISHED,
        )  # fmt: skip
        initiative.owners.append(owner)
        db.session.add(initiative)
        db.session.commit()
        now = utcnow()
        offer = offers.create_offer(
            owner,
            initiative.id,
            {
                "kind": "loan", "title": "Zonnedak sporthal", "target": "20000.00",
                "minimum": "100.00", "maximum": "5000.00", "interest_rate": "4.50",
                "term_months": 60, "repayment": "annuity", "frequency": "monthly",
                "opens_at": (now - timedelta(days=1)).isoformat(),
                "closes_at": (now + timedelta(days=14)).isoformat(),
                "use_of_proceeds": "Panelen op de sporthal.", "risks": "Minder zon.",
            },
        )  # fmt: skip
        offers.submit_offer(owner, offer.id)
        offers.approve_offer(admin, offer.id)
        return offer.id


def fits_the_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def test_subscribe_on_a_phone_with_the_checks_in_order(live_server, browser):
    offer_id = seed(live_server.app)
    context = browser.new_context(
        locale="nl-NL", timezone_id="Europe/Amsterdam", viewport=PHONE, is_mobile=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    url = live_server.url
    page.goto(url + "/account/login")
    page.fill("#email", "lener-invest@example.org")
    page.fill("#password", PASSWORD)
    page.click("main button:has-text('Inloggen')")

    page.goto(url + "/offers")
    fits_the_phone(page)
    expect(page.get_by_test_id("risk-warning")).to_contain_text("Let op!")
    page.get_by_role("link", name="Zonnedak sporthal").click()
    expect(page.get_by_test_id("sheet")).to_contain_text("Deel A")
    expect(page.get_by_test_id("licence")).to_be_visible()
    fits_the_phone(page)
    page.get_by_test_id("subscribe-link").click()

    # 1. The knowledge test comes first.
    expect(page.get_by_test_id("step-needed")).to_contain_text("kennistoets")
    fits_the_phone(page)
    page.get_by_test_id("go-knowledge-test").click()
    for question in load_test().questions:
        page.check(f"input[name='q-{question.id}'][value='{question.correct}']")
    page.get_by_test_id("test-submit").click()
    expect(page.get_by_test_id("test-result")).to_contain_text("Gehaald")
    fits_the_phone(page)
    page.get_by_test_id("continue-subscribing").click()

    # 2. Then the loss simulation.
    expect(page.get_by_test_id("step-needed")).to_contain_text("verliescapaciteit")
    page.get_by_test_id("go-loss-simulation").click()
    page.fill("#net_income", "36000")
    page.fill("#liquid_assets", "20000")
    page.fill("#commitments", "6000")
    page.get_by_test_id("simulate").click()
    expect(page.get_by_test_id("loss-capacity")).to_contain_text("5.000,00")
    fits_the_phone(page)
    page.get_by_test_id("continue-subscribing").click()

    # 3. Amount, the sheet and the risk warning; then pay.
    expect(page.get_by_test_id("subscribe-form")).to_be_visible()
    fits_the_phone(page)
    page.fill("#amount", "500")
    page.get_by_test_id("subscribe-submit").click()
    expect(page.locator("#read_sheet-error")).to_be_visible()  # the sheet must be read first
    page.check("#read_sheet")
    page.get_by_test_id("subscribe-submit").click()
    expect(page.get_by_test_id("simulator")).to_contain_text("TEST")
    page.get_by_test_id("simulate-paid").click()

    expect(page).to_have_url(re.compile(r"/investments/subscriptions/\d+/return"))
    expect(page.get_by_test_id("status-label")).to_have_text("Gereserveerd tot het aanbod sluit")
    fits_the_phone(page)
    page.get_by_test_id("revoke").click()
    expect(page.locator(".flash-success")).to_contain_text("herroepen")
    expect(page.get_by_test_id("subscription-status").first).to_contain_text("Herroepen")
    fits_the_phone(page)
    page.goto(url + f"/offers/{offer_id}")
    expect(page.get_by_test_id("subscribed")).to_contain_text("0,00")
    page.goto(url + f"/investments/statements/{utcnow().year}")
    expect(page.get_by_test_id("statement-pdf")).to_be_visible()
    fits_the_phone(page)
    page.goto(url + "/investments/knowledge-test")
    fits_the_phone(page)
    context.close()
