"""The health check behind `GET /healthz`: can the app reach its database, within a second?

It uses its own engine (same URL, no pool, short connect and statement timeouts), never the app's
pool, so a database that hangs cannot tie up the connections that pages need; and the probe runs
in a thread the answer does not wait for beyond `HEALTHZ_DB_TIMEOUT`, because libpq's connect
timeout cannot be shorter than two seconds.
"""

import threading

from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

CONNECT_TIMEOUT_SECONDS = 2  # libpq's minimum; the thread below bounds the wait anyway
STATEMENT_TIMEOUT_MS = 1000


def _connect_args(url: str) -> dict:
    backend = make_url(url).get_backend_name()
    if backend == "postgresql":
        return {
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
        }
    if backend == "sqlite":
        return {"timeout": 1}
    return {}


def health_engine(app: Flask) -> Engine:
    """One engine per app for the health check, made at its first use."""
    engine = app.extensions.get("healthz_engine")
    if engine is None:
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        engine = create_engine(url, poolclass=NullPool, connect_args=_connect_args(url))
        app.extensions["healthz_engine"] = engine
    return engine


def database_reachable(app: Flask) -> bool:
    """True when `SELECT 1` answers within HEALTHZ_DB_TIMEOUT seconds."""
    engine = health_engine(app)
    done = threading.Event()
    result = {"ok": False}

    def probe() -> None:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            result["ok"] = True
        except Exception:  # noqa: S110 (any failure means: not reachable)
            pass
        finally:
            done.set()

    threading.Thread(target=probe, name="healthz-probe", daemon=True).start()
    done.wait(float(app.config["HEALTHZ_DB_TIMEOUT"]))
    return result["ok"]


def health_report(app: Flask) -> tuple[dict, int]:
    """The body and status of `GET /healthz`."""
    if database_reachable(app):
        return {"status": "ok", "database": "ok"}, 200
    return {"status": "unavailable", "database": "unreachable"}, 503
