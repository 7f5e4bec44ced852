"""The migration turns every watch of the old watchlist into a follow, and back on downgrade."""

import sqlite3

from tests.test_migrations import flask

BEFORE = "04f4ab143ada"
NOW = "2026-01-05 10:00:00.000000"


def test_watches_become_follows_and_back(tmp_path):
    path = tmp_path / "watches.db"
    url = f"sqlite:///{path}"
    assert flask("db", "upgrade", BEFORE, database_url=url).returncode == 0
    with sqlite3.connect(path) as con:
        for user_id in (1, 2):
            con.execute(
                "INSERT INTO users (id, email, name, password_hash, role, locale,"
                " session_version, active, created_at) VALUES (?, ?, 'x', 'x', 'user', 'nl', 1,"
                " 1, ?)",
                (user_id, f"u{user_id}@example.org", NOW),
            )
        con.execute(
            "INSERT INTO organisations (id, name, slug, kind, created_at)"
            " VALUES (1, 'Fonds', 'fonds', 'foundation', ?)",
            (NOW,),
        )
        con.execute(
            "INSERT INTO initiatives (id, slug, name, legal_name, theme, summary, description,"
            " municipality, province, postcode, funding_goal_cents, currency, website, anbi,"
            " rsin, status, created_at, updated_at) VALUES (7, 'tuin', 'Tuin', '', 'care', '',"
            " '', 'Utrecht', '', '', 0, 'EUR', '', 0, '', 'published', ?, ?)",
            (NOW, NOW),
        )
        con.execute(
            "INSERT INTO portfolio_watches (user_id, organisation_id, initiative_id,"
            " created_by_id, created_at) VALUES (1, NULL, 7, 1, ?), (NULL, 1, 7, 2, ?)",
            (NOW, NOW),
        )
    upgrade = flask("db", "upgrade", database_url=url)
    assert upgrade.returncode == 0, upgrade.stderr[-2000:]
    with sqlite3.connect(path) as con:
        rows = con.execute(
            "SELECT user_id, organisation_id, created_by_id, subject_type, subject_key,"
            " initiative_id FROM follows ORDER BY id"
        ).fetchall()
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert rows == [(1, None, 1, "initiative", "7", 7), (None, 1, 2, "initiative", "7", 7)]
    assert "portfolio_watches" not in tables
    down = flask("db", "downgrade", BEFORE, database_url=url)
    assert down.returncode == 0, down.stderr[-2000:]
    with sqlite3.connect(path) as con:
        back = con.execute("SELECT user_id, organisation_id, initiative_id FROM portfolio_watches")
        assert sorted(back.fetchall(), key=str) == sorted([(1, None, 7), (None, 1, 7)], key=str)
