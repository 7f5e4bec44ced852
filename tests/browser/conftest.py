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


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, browser_path, live_pdok):
    instance = tmp_path_factory.mktemp("live")
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
            "GEOCODER_URL": live_pdok.api_url,
        }
    )
    with app.app_context():
        db.create_all()
    server = LiveServer(app)
    app.config["PUBLIC_BASE_URL"] = server.url
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
