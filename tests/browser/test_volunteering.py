"""On a phone: a neighbour finds a task near a postcode and signs up, the owner confirms the
hours, and the hours appear as time given in the volunteer's portfolio and among the
initiative's inputs and on their public profile."""

from playwright.sync_api import expect

from marketplace.accounts.services import create_user
from marketplace.extensions import db
from marketplace.impact.catalog import import_catalog
from marketplace.initiatives.models import Initiative, InitiativeStatus, Theme
from marketplace.volunteering import tasks

PASSWORD = "een-goed-wachtwoord"
PHONE = {"width": 390, "height": 844}


def seed(app) -> int:
    with app.app_context():
        import_catalog()  # as `db upgrade` does: the volunteer hour's proxy values the hours
        owner = create_user("eigenaar-taak@example.org", PASSWORD, "Olga Eigenaar", confirmed=True)
        create_user("buur-taak@example.org", PASSWORD, "Bram Buur", confirmed=True)
        initiative = Initiative(
            slug="moestuin-de-taak", name="Moestuin De Taak", legal_name="Stichting Moestuin",
            theme=Theme.COMMUNITY, summary="Een moestuin.", description="Wij tuinieren.",
            municipality="Utrecht", postcode="3511 AB", funding_goal_cents=100000,
            status=InitiativeStatus.PUBLISHED,
        )  # fmt: skip
        initiative.owners.append(owner)
        db.session.add(initiative)
        db.session.commit()
        task = tasks.create_task(
            owner,
            {
                "initiative_id": initiative.id, "title": "Onkruid wieden",
                "description": "Samen de bedden **schoon** maken.", "postcode": "3511 AB",
                "starts_at": None, "duration_minutes": 120, "capacity": 4,
            },
        )  # flexible: its hours count in the month they are confirmed  # fmt: skip
        return task.id


def phone_page(browser, base_url: str, email: str):
    context = browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam", viewport=PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(base_url + "/account/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator(".flash-success")).to_be_visible()
    return page


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_find_sign_up_confirm_and_see_time_given(live_server, browser):
    task_id = seed(live_server.app)
    base = live_server.url

    neighbour = phone_page(browser, base, "buur-taak@example.org")
    neighbour.goto(base + "/tasks")
    neighbour.fill("input[name=near]", "3511AA")
    neighbour.select_option("select[name=radius_km]", "5")
    neighbour.click("[data-testid=task-search] button[type=submit]")
    results = neighbour.get_by_test_id("task-results")
    expect(results).to_contain_text("Onkruid wieden")
    expect(neighbour.get_by_test_id("tasks-map")).to_have_attribute("data-count", "1")
    assert fits(neighbour)
    results.get_by_role("link", name="Onkruid wieden").click()
    expect(neighbour.get_by_test_id("task")).to_contain_text("schoon")
    neighbour.get_by_test_id("sign-up").click()
    expect(neighbour.get_by_test_id("signup-status")).to_contain_text("Aangemeld")
    assert fits(neighbour)

    owner = phone_page(browser, base, "eigenaar-taak@example.org")
    owner.goto(base + "/tasks/manage")
    row = owner.locator(f"[data-task-id='{task_id}'] li", has_text="Bram Buur")
    row.locator("input[name=hours]").fill("1,5")
    row.get_by_role("button", name="Uren bevestigen").click()
    expect(owner.locator(".flash-success")).to_be_visible()
    expect(owner.get_by_test_id("confirmed-hours")).to_contain_text("1,50")
    assert fits(owner)

    neighbour.goto(base + "/portfolio")
    holding = neighbour.locator("[data-testid=holdings] tr[data-kind=time]")
    expect(holding).to_contain_text("Gegeven tijd")
    expect(holding.get_by_test_id("holding-hours")).to_contain_text("1,50")
    expect(holding).to_contain_text("28,20")  # 1.5 h at the volunteer hour's € 18.80

    neighbour.goto(base + "/initiatives/moestuin-de-taak")
    expect(neighbour.get_by_test_id("inputs-volunteer")).to_contain_text("28,20")
    assert fits(neighbour)

    neighbour.goto(base + "/account/public-profile")
    neighbour.fill("input[name=handle]", "bram-buur")
    neighbour.check("input[name=public]")
    neighbour.check("input[name=shown_sections][value=hours]")
    neighbour.locator("main form button[type=submit]").click()
    expect(neighbour.locator(".flash-success")).to_be_visible()
    neighbour.goto(base + "/people/bram-buur")
    hours = neighbour.locator("[data-section=hours]")
    expect(hours.get_by_test_id("profile-hours")).to_contain_text("Moestuin De Taak")
    expect(hours.get_by_test_id("profile-hours")).to_contain_text("1,5")
    assert fits(neighbour)
