"""No key page scrolls sideways on a 390 px phone, with realistic data (long Dutch names, big
amounts, wide tables): the layout check is `scrollWidth <= innerWidth` on each page."""

import pytest

from tests.browser.conftest import (
    log_in,
    overflowing_elements,
    scroll_width_ok,
    squeezed_cells,
)
from tests.browser.realistic import FOUNDATION_EMAIL, PASSWORD

PUBLIC_PAGES = [
    "/initiatives",
    "/initiatives/{slug}",
    "/initiatives/buurtzorgcooperatie-oosterpark",  # a demo initiative with comparables
    "/initiatives/{slug}/give",
    "/exchange/",
    "/exchange/map",
    "/exchange/map?q=3011",
    "/methodology",
    "/tasks",
    "/tasks?near=1092AA&radius_km=10",
    "/events",
    "/events/1",  # the demo's past Campus, with reviews
    "/people/ingrid",  # a demo public profile
    "/organisations/{organisation_id}/profile",
    "/offline",
]
FOUNDATION_PAGES = [
    "/initiatives/{slug}",  # with the give form
    "/initiatives/{slug}/give",
    "/organisations/{organisation_id}/portfolio",
    "/organisations/{organisation_id}/portfolio/holdings/{initiative_id}",
    "/impact-reports/{report_id}",
    "/my/signups",
    "/events/1",  # checked in: the ticket and the review form
    "/events/mine",
    "/events/new",
    "/feed",
    "/feed/settings",
    "/account/public-profile",
]


@pytest.fixture
def phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    return page


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_fits_a_phone(realistic_server, phone, path):
    url = realistic_server.url + path.format(**realistic_server.ids)
    assert scroll_width_ok(phone, url), overflowing_elements(phone)
    assert squeezed_cells(phone) == []


@pytest.mark.parametrize("path", FOUNDATION_PAGES)
def test_foundation_page_fits_a_phone(realistic_server, phone, path):
    log_in(phone, realistic_server.url, FOUNDATION_EMAIL, PASSWORD)
    url = realistic_server.url + path.format(**realistic_server.ids)
    assert scroll_width_ok(phone, url), overflowing_elements(phone)
    assert squeezed_cells(phone) == []
    assert phone.locator("main").inner_text().strip()  # a real page, not an empty error
