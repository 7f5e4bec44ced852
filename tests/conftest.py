"""Test fixtures: an app from the factory, a real database, one rolled-back transaction per test.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set. Each test runs
inside an outer transaction that is rolled back afterwards (SQLAlchemy's "join a session into an
external transaction" recipe); services' commits only release savepoints. Tests that need real
commits from several threads or processes use the `committed_db` marker instead.
"""

import email
import os
import re
import socket
import threading
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask.ctx import _cv_app
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import text
from sqlalchemy.orm import scoped_session, sessionmaker

from marketplace import create_app
from marketplace.accounts.models import Role
from marketplace.accounts.services import create_api_token, create_user
from marketplace.extensions import cache, db
from marketplace.initiatives.models import Initiative, InitiativeStatus, Theme
from tests.fakes import fake_pdok

TEST_PASSWORD = "correct-horse-battery"


def pytest_configure(config):
    config.addinivalue_line("markers", "committed_db: test commits for real; tables are emptied")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "LOGIN_RATE_LIMIT": "10000 per minute",
            "MAIL_SERVER": "",
            "MAIL_OUTBOX_DIR": str(instance / "outbox"),
            "UPLOAD_FOLDER": str(instance / "uploads"),
            "PAYMENT_PROVIDER": "simulator",
            "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
            "PASSWORD_HASH_COST": "test",
            # Pages are cached across requests; tests roll back what pages depend on, so the
            # session-wide app does not cache (tests/test_pagecache.py turns it on).
            "CACHE_TYPE": "NullCache",
            "CACHE_NO_NULL_WARNING": True,
            # No geocoder unless a test starts the PDOK fake (`pdok`): never the real service.
            "GEOCODER_URL": "",
        }
    )
    app.test_client_class = FreshGlobalsClient
    with app.app_context():
        reset_schema()
    return app


def reset_schema() -> None:
    """A clean schema at the start of the session (PostgreSQL keeps tables between runs)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()
    db.create_all()


@pytest.fixture(autouse=True)
def _transaction(request, app):
    """Run each test in an outer transaction that is rolled back (or, if marked, truncate)."""
    if request.node.get_closest_marker("browser"):
        yield  # browser tests talk to their own live server and database
        return
    with app.app_context():
        if request.node.get_closest_marker("committed_db"):
            yield
            db.session.remove()
            truncate_all_tables()
            return
        connection = db.engine.connect()
        outer = connection.begin()
        original_session = db.session
        # A plain SQLAlchemy session: Flask-SQLAlchemy's own ignores an explicit bind.
        db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=_app_ctx_id,
        )
        try:
            yield
        finally:
            db.session.remove()
            db.session = original_session
            outer.rollback()
            connection.close()


def truncate_all_tables() -> None:
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            quoted = ", ".join(f'"{name}"' for name in tables)
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                connection.execute(text(f'DELETE FROM "{name}"'))  # noqa: S608 (our own table names)


class FreshGlobalsClient(FlaskClient):
    """Each request gets a fresh `g`, as in production where every request has its own app
    context (the test's app context stays pushed so that its rolled-back session is shared)."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)  # close the response as a server does (call_on_close)
        context = _cv_app.get(None)
        if context is None:
            return super().open(*args, **kwargs)
        saved = context.g
        context.g = context.app.app_ctx_globals_class()
        try:
            return super().open(*args, **kwargs)
        finally:
            context.g = saved


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def outbox(app):
    """The .eml files written by the mailer (no MAIL_SERVER in tests): a function listing them."""
    folder = Path(app.config["MAIL_OUTBOX_DIR"])
    before = set(folder.glob("*.eml")) if folder.exists() else set()

    def new_messages():
        current = sorted(set(folder.glob("*.eml")) - before) if folder.exists() else []
        return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in current]

    return new_messages


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """Collects every message the SMTP server receives (parsed)."""

    def __init__(self):
        self.messages = []
        self.peers = []  # the client's (address, port) of each message: one per connection
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
            self.peers.append(session.peer)
        return "250 OK"


@pytest.fixture
def pdok(app, monkeypatch):
    """The PDOK Locatieserver fake on a free port; app.config's GEOCODER_URL points at it."""
    with fake_pdok() as fake:
        monkeypatch.setitem(app.config, "GEOCODER_URL", fake.api_url)
        monkeypatch.setitem(app.config, "GEOCODER_TIMEOUT", 1.0)
        yield fake


@pytest.fixture
def smtp(app, monkeypatch):
    """A real SMTP server on a free port; app.config points at it for the test."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    try:
        yield inbox
    finally:
        controller.stop()


_counter = {"n": 0}


def _next(prefix: str) -> str:
    _counter["n"] += 1
    return f"{prefix}{_counter['n']}"


@pytest.fixture
def make_user():
    def factory(email=None, password=TEST_PASSWORD, name=None, role=Role.USER, locale="nl"):
        email = email or f"{_next('user')}@example.org"
        name = name or email.split("@")[0]
        return create_user(email, password, name, Role(role), locale, confirmed=True)

    return factory


@pytest.fixture
def make_initiative(make_user):
    def factory(owner=None, status=InitiativeStatus.PUBLISHED, **fields):
        owner = owner or make_user()
        name = fields.pop("name", None) or _next("Initiatief ")
        values = {
            "slug": re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"),
            "name": name,
            "legal_name": f"Stichting {name}",
            "theme": Theme.CARE,
            "summary": "Buren helpen buren.",
            "description": "Wij helpen.",
            "municipality": "Utrecht",
            "province": "Utrecht",
            "postcode": "3511 AA",
            "funding_goal_cents": 500000,
            "anbi": True,
            "rsin": "002441484",
            "status": status,
        }
        values.update(fields)
        initiative = Initiative(**values)
        initiative.owners.append(owner)
        db.session.add(initiative)
        db.session.commit()
        return initiative

    return factory


@pytest.fixture
def login(client):
    def do_login(user, password=TEST_PASSWORD):
        response = client.post("/account/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return do_login


@pytest.fixture
def auth_headers():
    def headers_for(user) -> dict:
        _token, plaintext = create_api_token(user, "test")
        return {"Authorization": f"Bearer {plaintext}"}

    return headers_for


@pytest.fixture
def in_process_cache(app):
    """The real in-process cache for the test (the suite's app runs without one)."""
    cache.init_app(app, config={**app.config, "CACHE_TYPE": "SimpleCache"})
    cache.clear()
    yield cache
    cache.clear()
    cache.init_app(app, config={**app.config, "CACHE_TYPE": "NullCache"})
