"""axe-core inside the browser on the key pages, with realistic data: no serious or critical
violation (contrast, ARIA, names, ...) and a heading order a screen reader can skim. At a desktop
width, and at a phone's where tables stack."""

import pytest

from tests.browser.conftest import PHONE_WIDTH, axe_violations, log_in
from tests.browser.realistic import FOUNDATION_EMAIL, PASSWORD

DESKTOP = 1280
# (path, logged in as the demo foundation's staff member, widths)
PAGES = [
    ("/", False, [DESKTOP]),
    ("/initiatives", False, [DESKTOP, PHONE_WIDTH]),
    ("/initiatives/{slug}", False, [DESKTOP]),
    ("/initiatives/{slug}", True, [DESKTOP, PHONE_WIDTH]),  # with the give form
    ("/initiatives/{slug}/give", True, [DESKTOP]),
    ("/account/login", False, [DESKTOP]),
    ("/exchange/", False, [DESKTOP, PHONE_WIDTH]),
    ("/exchange/map", False, [DESKTOP]),
    ("/exchange/map?q=3011", False, [DESKTOP]),
    ("/methodology", False, [PHONE_WIDTH]),
    ("/organisations/{organisation_id}/portfolio", True, [DESKTOP, PHONE_WIDTH]),
    ("/impact-reports/{report_id}", True, [DESKTOP, PHONE_WIDTH]),
    ("/tasks?near=1092AA&radius_km=10", False, [PHONE_WIDTH]),
]
CASES = [
    pytest.param(path, logged_in, width, id=f"{path}-{'staff' if logged_in else 'anon'}-{width}")
    for path, logged_in, widths in PAGES
    for width in widths
]


def violations(page) -> list[dict]:
    """Serious and critical violations, and the heading order (moderate, but named in issue 13:
    a screen reader user skims a page by its headings)."""
    found = axe_violations(page, impacts=("moderate", "serious", "critical"))
    return [v for v in found if v["impact"] != "moderate" or v["id"] == "heading-order"]


@pytest.mark.parametrize(("path", "logged_in", "width"), CASES)
def test_page_has_no_serious_violation(realistic_server, page, path, logged_in, width):
    if logged_in:
        log_in(page, realistic_server.url, FOUNDATION_EMAIL, PASSWORD)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(realistic_server.url + path.format(**realistic_server.ids))
    page.wait_for_load_state("load")
    assert violations(page) == []
