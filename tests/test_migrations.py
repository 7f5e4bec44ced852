"""The migrations build exactly the schema the models describe (and can be undone), and a
fresh install gets the shipped metric catalog from `db upgrade` alone."""

import csv
import json
import os
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def flask(*args: str, database_url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "migration-test"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_migrations_match_models_and_downgrade(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrations.db'}"
    upgrade = flask("db", "upgrade", database_url=url)
    assert upgrade.returncode == 0, upgrade.stderr[-2000:]
    check = flask("db", "check", database_url=url)
    assert check.returncode == 0, check.stdout[-2000:] + check.stderr[-2000:]
    downgrade = flask("db", "downgrade", "base", database_url=url)
    assert downgrade.returncode == 0, downgrade.stderr[-2000:]


CATALOG_REVISION = "a1f9cdb3fb7c"  # the data migration that loads the shipped metric catalog
API_METRICS = """
import json
from wsgi import app
response = app.test_client().get("/api/v1/metrics")
print(json.dumps({"status": response.status_code, "metrics": response.json}))
"""


def shipped_catalog() -> dict[str, dict]:
    with (ROOT / "marketplace" / "data" / "metrics.csv").open(encoding="utf-8") as handle:
        return {row["code"]: row for row in csv.DictReader(handle)}


def api_metrics(database_url: str) -> list[dict]:
    """GET /api/v1/metrics from the app as `wsgi.py` builds it on that database."""
    answer = subprocess.run(
        [sys.executable, "-c", API_METRICS],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "migration-test"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert answer.returncode == 0, answer.stderr[-2000:]
    result = json.loads(answer.stdout.strip().splitlines()[-1])
    assert result["status"] == 200
    return result["metrics"]


def test_db_upgrade_alone_gives_the_whole_catalog_with_its_proxies(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade = flask("db", "upgrade", database_url=url)
    assert upgrade.returncode == 0, upgrade.stderr[-2000:]
    shipped = shipped_catalog()
    metrics = {m["code"]: m for m in api_metrics(url)}
    assert set(metrics) == set(shipped)
    for code, row in shipped.items():
        expected = Decimal(row["proxy_eur"]) if row["proxy_eur"] else None
        proxy = metrics[code]["proxy_value"]
        assert (Decimal(proxy) if proxy is not None else None) == expected, code
        assert metrics[code]["source"] == row["source_title"].strip()
    again = flask("metrics", "import", database_url=url)  # still the way to update
    assert again.returncode == 0, again.stderr[-2000:]
    assert f"0 created, 0 updated (0 new proxy versions), {len(shipped)} unchanged" in again.stdout


def test_catalog_migration_keeps_an_existing_catalog(tmp_path):
    path = tmp_path / "existing.db"
    url = f"sqlite:///{path}"
    before = flask("db", "upgrade", f"{CATALOG_REVISION}-1", database_url=url)
    assert before.returncode == 0, before.stderr[-2000:]
    imported = flask("metrics", "import", database_url=url)
    assert imported.returncode == 0, imported.stderr[-2000:]
    with sqlite3.connect(path) as connection:  # an admin changed one metric, another is gone
        connection.execute("UPDATE metrics SET name_en = 'Changed' WHERE code = 'volunteer_hour'")
        connection.execute(
            "DELETE FROM metric_proxies WHERE metric_id = "
            "(SELECT id FROM metrics WHERE code = 'gp_visit_avoided')"
        )
        connection.execute("DELETE FROM metrics WHERE code = 'gp_visit_avoided'")
    upgrade = flask("db", "upgrade", database_url=url)
    assert upgrade.returncode == 0, upgrade.stderr[-2000:]
    with sqlite3.connect(path) as connection:
        metrics = connection.execute(
            "SELECT count(*), count(DISTINCT code) FROM metrics"
        ).fetchone()
        proxies = connection.execute("SELECT count(*) FROM metric_proxies").fetchone()[0]
        name = connection.execute(
            "SELECT name_en FROM metrics WHERE code = 'volunteer_hour'"
        ).fetchone()[0]
    shipped = len(shipped_catalog())
    assert metrics == (shipped, shipped) and proxies == shipped
    assert name == "Changed"


EMAIL_CONFIRMATION_REVISION = "2f12328a5739"


def test_accounts_made_before_email_confirmation_stay_able_to_log_in(tmp_path):
    """The migration that adds `email_confirmed_at` counts every existing account as confirmed
    (when it was made); only accounts registered after it wait for their link."""
    path = tmp_path / "existing.db"
    url = f"sqlite:///{path}"
    before = flask("db", "upgrade", f"{EMAIL_CONFIRMATION_REVISION}-1", database_url=url)
    assert before.returncode == 0, before.stderr[-2000:]
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO users (email, name, password_hash, role, locale, session_version, active,"
            " created_at) VALUES ('oud@example.org', 'Oud', 'x', 'user', 'nl', 1, 1,"
            " '2025-01-02 03:04:05.000000')"
        )
    upgrade = flask("db", "upgrade", database_url=url)
    assert upgrade.returncode == 0, upgrade.stderr[-2000:]
    with sqlite3.connect(path) as connection:
        confirmed = connection.execute(
            "SELECT email_confirmed_at FROM users WHERE email = 'oud@example.org'"
        ).fetchone()[0]
    assert confirmed is not None and confirmed.startswith("2025-01-02 03:04:05")
