"""The migrations build exactly the schema the models describe (and can be undone)."""

import os
import subprocess
import sys
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
