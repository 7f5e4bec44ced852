"""A donor gives with the payment simulator from the initiative page; the progress bar moves."""

import re

from playwright.sync_api import expect

from marketplace.accounts.services import create_user
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative, InitiativeStatus, Theme

PASSWORD = "een-goed-wachtwoord"


def seed(app):
    with app.app_context():
        owner = create_user("eigenaar-donate@example.org", PASSWORD, "Eigenaar", confirmed=True)
        create_user("gever-donate@example.org", PASSWORD, "Gerda Gever", confirmed=True)
        initiative = Initiative(
            slug="speeltuin-de-donatie", name="Speeltuin De Donatie",
            legal_name="Stichting Speeltuin",
            theme=Theme.COMMUNITY, summary="Een speeltuin.", description="Wij bouwen.",
            municipality="Zwolle", funding_goal_cents=100000, anbi=True, rsin="002441484",
            status=InitiativeStatus.PUBLISHED,
        )  # fmt: skip
        initiative.owners.append(owner)
        db.session.add(initiative)
        db.session.commit()


def test_donate_with_the_simulator_moves_the_progress_bar(live_server, page):
    seed(live_server.app)
    page.goto(live_server.url + "/account/login")
    page.fill("#email", "gever-donate@example.org")
    page.fill("#password", PASSWORD)
    page.click("main button:has-text('Inloggen')")

    page.goto(live_server.url + "/initiatives/speeltuin-de-donatie")
    expect(page.get_by_test_id("raised")).to_contain_text("0,00")
    page.click("button.preset[data-amount='25']")
    expect(page.locator("#amount")).to_have_value("25")
    page.get_by_test_id("give-submit").click()

    expect(page.get_by_test_id("simulator")).to_contain_text("TEST")
    page.get_by_test_id("simulate-paid").click()

    expect(page).to_have_url(re.compile(r"/donations/\d+/return"))
    expect(page.get_by_test_id("status-label")).to_have_text("Betaald")
    page.get_by_test_id("back-to-initiative").click()
    expect(page.get_by_test_id("raised")).to_contain_text("25,00")
    bar = page.locator("[data-testid=funding-progress] progress")
    expect(bar).to_have_attribute("value", "2500")  # cents of the goal: fractions show
    expect(page.get_by_test_id("donor-wall")).to_contain_text("Gerda Gever")


def test_a_guest_gives_once_with_a_dutch_amount_and_sees_it_paid(live_server, page):
    with live_server.app.app_context():
        owner = create_user("eigenaar-gast@example.org", PASSWORD, "Eigenaar")
        initiative = Initiative(
            slug="buurtbus-gast", name="Buurtbus Gast", legal_name="Stichting Buurtbus",
            theme=Theme.COMMUNITY, summary="Een bus.", description="Wij rijden.",
            municipality="Zwolle", funding_goal_cents=500000, status=InitiativeStatus.PUBLISHED,
        )  # fmt: skip
        initiative.owners.append(owner)
        db.session.add(initiative)
        db.session.commit()
    page.goto(live_server.url + "/initiatives/buurtbus-gast")
    expect(page.get_by_test_id("guest-note")).to_be_visible()
    page.fill("#amount", "1.500,00")
    page.fill("#donor_name", "Gijs Gast")
    page.fill("#donor_email", "gijs-gast@example.org")
    page.get_by_test_id("give-submit").click()  # with its CSRF token, as a visitor's browser

    expect(page.get_by_test_id("simulator")).to_contain_text("1.500,00")
    page.get_by_test_id("simulate-paid").click()
    expect(page).to_have_url(re.compile(r"/donations/\d+/return\?token="))
    expect(page.get_by_test_id("status-label")).to_have_text("Betaald")
    expect(page.get_by_test_id("guest-register")).to_be_visible()
    page.get_by_test_id("back-to-initiative").click()
    expect(page.get_by_test_id("raised")).to_contain_text("1.500,00")
