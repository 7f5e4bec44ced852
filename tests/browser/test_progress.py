"""A small gift shows on the progress bar: € 25 of € 3.000 reads "0,8%" and the bar has a
visible sliver of the brand colour (the native bar would draw 0.8% of its width: 2 pixels)."""

import io
from datetime import UTC, datetime

from PIL import Image
from playwright.sync_api import expect

from marketplace.accounts.services import create_user
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative, InitiativeStatus, Theme
from tests.gifts import paid_gift

BRAND = (0x0B, 0x6E, 0x4F)


def brand_columns(png: bytes) -> int:
    """How many pixel columns of the image contain the brand colour."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    pixels = image.load()
    return sum(
        1
        for x in range(width)
        if any(
            all(abs(a - b) <= 8 for a, b in zip(pixels[x, y], BRAND, strict=True))
            for y in range(height)
        )
    )


def test_a_small_gift_shows_as_a_fraction_and_a_sliver(live_server, page):
    with live_server.app.app_context():
        initiative = Initiative(
            slug="sliver-speeltuin", name="Speeltuin De Sliver", theme=Theme.SPORT,
            municipality="Deventer", funding_goal_cents=300_000,
            status=InitiativeStatus.PUBLISHED,
        )  # fmt: skip
        initiative.owners.append(create_user("sliver@example.org", "een-goed-wachtwoord", "S"))
        db.session.add(initiative)
        db.session.commit()
        paid_gift(initiative, 2_500, datetime(2026, 3, 1, 12, tzinfo=UTC))

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/initiatives/sliver-speeltuin")
    progress = page.get_by_test_id("funding-progress")
    expect(progress).to_contain_text("van € 3.000,00 opgehaald (0,8%)")
    bar = progress.locator("progress")
    expect(bar).to_have_attribute("value", "2500")
    expect(bar).to_have_attribute("max", "300000")
    assert brand_columns(bar.screenshot()) >= 6
