"""A new visitor registers, logs in, creates an initiative, publishes it and finds it listed, and
on the map near its postcode (geocoded by the PDOK fake the live server uses)."""

import email
import re
from email import policy
from pathlib import Path

from playwright.sync_api import expect


def confirmation_link(live_server, address: str) -> str:
    """The confirmation link of the mail sent to `address` (written as .eml without SMTP)."""
    folder = Path(live_server.app.config["MAIL_OUTBOX_DIR"])
    for path in sorted(folder.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == address:
            return re.search(r"http://\S+/account/confirm/\S+", message.get_content()).group(0)
    raise AssertionError(f"no mail to {address}")


def test_register_create_publish_and_find_initiative(live_server, page):
    page.goto(live_server.url + "/")
    expect(page.locator("h1")).to_contain_text("Financier")  # Dutch by default

    page.click("text=Registreren")
    page.fill("#name", "Sanne Bakker")
    page.fill("#email", "sanne@example.org")
    page.fill("#password", "een-goed-wachtwoord")
    page.fill("#confirm", "een-goed-wachtwoord")
    page.click("button:has-text('Account aanmaken')")
    expect(page.locator(".flash-success")).to_contain_text("sanne@example.org")

    # The address is confirmed through the link in the mail before the first log-in.
    page.goto(confirmation_link(live_server, "sanne@example.org"))
    expect(page.locator(".flash-success")).to_contain_text("bevestigd")
    page.fill("#email", "sanne@example.org")
    page.fill("#password", "een-goed-wachtwoord")
    page.click("main button:has-text('Inloggen')")
    expect(page.locator(".flash-success")).to_be_visible()

    page.goto(live_server.url + "/initiatives/new")
    page.fill("#name", "Moestuin De Regenboog")
    page.select_option("#theme", "community")
    page.fill("#summary", "Een buurtmoestuin voor iedereen.")
    page.fill("#municipality", "Zwolle")
    page.fill("#postcode", "8011 AB")
    page.fill("#funding_goal", "2500")
    page.click("button:has-text('Opslaan')")
    expect(page.locator("h1")).to_have_text("Moestuin De Regenboog")
    expect(page.get_by_test_id("status")).to_be_visible()

    page.get_by_test_id("publish").click()
    expect(page.locator(".flash-success")).to_contain_text("gepubliceerd")

    page.goto(live_server.url + "/initiatives?q=regenboog")
    card = page.get_by_test_id("initiative-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Moestuin De Regenboog")
    card.locator("a").click()
    expect(page).to_have_url(re.compile(r"/initiatives/moestuin-de-regenboog$"))
    expect(page.get_by_test_id("funding-progress")).to_contain_text("2.500,00")

    page.goto(live_server.url + "/exchange/map")
    search = page.get_by_test_id("nearby-search")
    search.locator("input[name=q]").fill("Zwolle")
    search.locator("button[type=submit]").click()
    nearby = page.get_by_test_id("nearby-results")
    expect(nearby).to_contain_text("Moestuin De Regenboog")
