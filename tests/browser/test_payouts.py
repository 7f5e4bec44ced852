"""A donor adds the suggested tip and sees what reaches the initiative before paying; the owner
connects a test account and the held gift is transferred; a person deletes their account."""

import re

from playwright.sync_api import expect

from marketplace.accounts.services import create_user
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative, InitiativeStatus, Theme

PASSWORD = "een-goed-wachtwoord"


def seed(app):
    with app.app_context():
        owner = create_user(
            "eigenaar-payouts@example.org", PASSWORD, "Olga Eigenaar", confirmed=True
        )
        create_user("gever-payouts@example.org", PASSWORD, "Gijs Gever", confirmed=True)
        initiative = Initiative(
            slug="buurtkeuken-uitbetaling", name="Buurtkeuken Uitbetaling",
            legal_name="Stichting Buurtkeuken", theme=Theme.CARE, summary="Samen koken.",
            description="Wij koken.", municipality="Deventer", funding_goal_cents=100000,
            anbi=True, rsin="002441484", status=InitiativeStatus.PUBLISHED,
        )  # fmt: skip
        initiative.owners.append(owner)
        db.session.add(initiative)
        db.session.commit()


def log_in(page, url, email):
    page.goto(url + "/account/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button:has-text('Inloggen')")


def test_a_tipped_gift_is_held_then_transferred_when_the_owner_connects(live_server, page):
    seed(live_server.app)
    url = live_server.url
    log_in(page, url, "gever-payouts@example.org")
    page.goto(url + "/initiatives/buurtkeuken-uitbetaling")
    page.click("button.preset[data-amount='25']")
    page.click("button.tip-suggest")
    expect(page.locator("#tip")).to_have_value("1.25")
    summary = page.get_by_test_id("give-summary")
    expect(summary.locator("[data-total]")).to_contain_text("26,25")
    expect(summary.locator("[data-share]")).to_contain_text("25,00")
    page.get_by_test_id("give-submit").click()
    expect(page.get_by_test_id("simulator-destination")).to_contain_text("platform")
    page.get_by_test_id("simulate-paid").click()
    expect(page.get_by_test_id("status-label")).to_have_text("Betaald")
    page.context.clear_cookies()

    log_in(page, url, "eigenaar-payouts@example.org")
    page.goto(url + "/initiatives/buurtkeuken-uitbetaling")
    expect(page.get_by_test_id("owner-onboarding-status")).to_be_hidden()
    page.get_by_test_id("payouts-link").click()
    expect(page.get_by_test_id("held")).to_contain_text("25,00")
    page.get_by_test_id("connect").click()
    expect(page.get_by_test_id("simulator-onboarding")).to_contain_text("TEST")
    page.get_by_test_id("onboard-active").click()
    expect(page).to_have_url(re.compile(r"/initiatives/buurtkeuken-uitbetaling/payouts$"))
    expect(page.get_by_test_id("onboarding-status")).to_have_attribute("data-status", "active")
    expect(page.get_by_test_id("transferred")).to_contain_text("25,00")
    expect(page.get_by_test_id("held")).to_contain_text("0,00")
    page.get_by_test_id("statements").get_by_role("link", name="bekijken").first.click()
    expect(page.get_by_test_id("statement-summary")).to_contain_text("25,00")


def test_a_person_deletes_their_account_with_their_password(live_server, page):
    with live_server.app.app_context():
        create_user("weg@example.org", PASSWORD, "Wim Weg", confirmed=True)
    url = live_server.url
    log_in(page, url, "weg@example.org")
    page.goto(url + "/account")
    expect(page.get_by_test_id("logins")).to_contain_text("127.0.0.1")
    page.get_by_test_id("delete-account").click()
    page.fill("#password", "niet-mijn-wachtwoord")
    page.check("#understood")
    page.get_by_test_id("confirm-delete").click()
    expect(page.locator("#password-error")).to_be_visible()
    page.fill("#password", PASSWORD)
    page.check("#understood")
    page.get_by_test_id("confirm-delete").click()
    expect(page.locator(".flash-success")).to_contain_text("verwijderd")
    log_in(page, url, "weg@example.org")
    expect(page.locator(".flash-error")).to_be_visible()
