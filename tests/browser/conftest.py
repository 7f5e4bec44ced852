"""Browser tests: real headless Chromium (Debian's `chromium`) driven by Playwright.

The app runs in a thread on a free port with its own SQLite database and CSRF switched on, as a
visitor would meet it. Without Chromium the tests are skipped with a reason, except in CI (CI=true),
where a missing browser is a failure.
"""

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from marketplace import create_app
from marketplace.extensions import db
from tests.fakes import fake_pdok

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for candidate in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(candidate)
        if found:
            return found
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser_path():
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI (apt-get install chromium)")
        pytest.skip("Chromium is not installed: apt-get install chromium to run browser tests")
    return path


@pytest.fixture(scope="session")
def live_pdok():
    """The PDOK Locatieserver fake the live server geocodes with (real HTTP, never PDOK)."""
    with fake_pdok() as fake:
        yield fake


def make_live_server(instance: Path, geocoder_url: str = "") -> "LiveServer":
    """An app on a free port with its own SQLite database in `instance`, not yet started."""
    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "live-test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'live.db'}",
            "MAIL_SERVER": "",
            "MAIL_OUTBOX_DIR": str(instance / "outbox"),
            "UPLOAD_FOLDER": str(instance / "uploads"),
            "PAYMENT_PROVIDER": "simulator",
            "LOGIN_RATE_LIMIT": "10000 per minute",
            "PASSWORD_HASH_COST": "test",
            "GEOCODER_URL": geocoder_url,
        }
    )
    with app.app_context():
        db.create_all()
    server = LiveServer(app)
    app.config["PUBLIC_BASE_URL"] = server.url
    return server


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, browser_path, live_pdok):
    server = make_live_server(tmp_path_factory.mktemp("live"), live_pdok.api_url)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser(browser_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


# --- phone layout and accessibility, for any page ------------------------------------------------

PHONE_WIDTH = 390
AXE_SCRIPT = (
    Path(__file__).resolve().parents[2] / "marketplace/static/vendor/axe-core/axe.min.js"
).read_text(encoding="utf-8")
# Elements sticking out on the right that are not inside a box that scrolls or clips them.
_OVERFLOWING_JS = """() => {
  const width = document.documentElement.clientWidth, found = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let parent = el.parentElement, clipped = false;
    for (; parent && parent !== document.body; parent = parent.parentElement) {
      if (getComputedStyle(parent).overflowX !== 'visible') { clipped = true; break; }
    }
    if (!clipped) found.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`
      + ` right=${Math.round(box.right)}: ${(el.textContent || '').trim().slice(0, 40)}`);
  }
  return found.slice(0, 8);
}"""


def scroll_width_ok(page, url: str, width: int = PHONE_WIDTH) -> bool:
    """Open `url` at a phone's width: True when the page does not scroll sideways."""
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(url)
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def overflowing_elements(page) -> list[str]:
    """What sticks out on the right of the current page (for a failing test's message)."""
    return page.evaluate(_OVERFLOWING_JS)


def squeezed_cells(page, min_width: int = 40) -> list[str]:
    """Table cells squeezed so narrow that their words break letter by letter (a table made to
    fit by crushing a column rather than by stacking or scrolling); visually hidden headers of
    stacked tables (1 px) do not count."""
    return page.evaluate(
        """(minWidth) => [...document.querySelectorAll('main td, main th')]
          .filter(c => c.offsetParent !== null && c.textContent.trim().length > 3)
          .filter(c => { const w = c.getBoundingClientRect().width; return w > 1 && w < minWidth; })
          .map(c => `${c.tagName.toLowerCase()} ${Math.round(c.getBoundingClientRect().width)}px:`
            + ` ${c.textContent.trim().slice(0, 30)}`)""",
        min_width,
    )


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core (vendored, injected here only: no page of the app loads it) on the current
    page; the violations of the given impacts as {id, impact, help, targets}."""
    page.evaluate(AXE_SCRIPT)  # evaluate, not a script tag: the app's CSP forbids inline scripts
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))"
    )
    return [v for v in found if v["impact"] in impacts]


def log_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(base_url + "/account/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_selector(".flash-success")


@pytest.fixture(scope="session")
def realistic_server(tmp_path_factory, browser_path):
    """A server of its own with the demo data, long names and last month's impact reports."""
    from tests.browser.realistic import seed_realistic

    server = make_live_server(tmp_path_factory.mktemp("realistic"))
    server.ids = seed_realistic(server.app)
    server.start()
    yield server
    server.stop()
