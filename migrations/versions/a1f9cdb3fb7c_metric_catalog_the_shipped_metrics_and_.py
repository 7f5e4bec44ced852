"""metric catalog: the shipped metrics and proxies

A data migration: after `db upgrade` alone a fresh install has the whole catalog with its
financial proxies (`marketplace/data/metrics.csv`), as `flask metrics import` would load it.
Self-contained (the CSV read here, rows written with SQLAlchemy Core; no app services), and
idempotent: a metric whose code exists is left as it is, so an install whose catalog was already
imported, or changed by its admins, keeps it. Updates stay `metrics import`'s job.

Revision ID: a1f9cdb3fb7c
Revises: e31b6acff4a2
Create Date: 2026-11-30 10:54:22.556216

"""
import csv
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a1f9cdb3fb7c'
down_revision = 'e31b6acff4a2'
branch_labels = None
depends_on = None

CATALOG_CSV = Path(__file__).resolve().parents[2] / "marketplace" / "data" / "metrics.csv"

metrics = sa.table(
    "metrics",
    sa.column("id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("theme", sa.String),
    sa.column("name_nl", sa.String),
    sa.column("name_en", sa.String),
    sa.column("unit", sa.String),
    sa.column("iris_id", sa.String),
    sa.column("value_kind", sa.String),
    sa.column("default_deadweight", sa.Numeric(5, 4)),
    sa.column("default_displacement", sa.Numeric(5, 4)),
    sa.column("default_attribution", sa.Numeric(5, 4)),
    sa.column("default_drop_off", sa.Numeric(5, 4)),
    sa.column("default_duration_years", sa.Integer),
    sa.column("active", sa.Boolean),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
metric_proxies = sa.table(
    "metric_proxies",
    sa.column("metric_id", sa.Integer),
    sa.column("value", sa.Numeric(18, 6)),
    sa.column("price_year", sa.Integer),
    sa.column("basis", sa.Text),
    sa.column("source_title", sa.Text),
    sa.column("source_url", sa.String),
    sa.column("valid_from", sa.Date),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
FILTERS = ("deadweight", "displacement", "attribution", "drop_off")


def _text(row: dict, field: str) -> str:
    return (row.get(field) or "").strip()


def _metric(row: dict, now: datetime) -> dict:
    """A catalog row as `metrics import` stores it (text stripped, empty filters 0, duration 1)."""
    values = {
        field: _text(row, field)
        for field in ("code", "theme", "name_nl", "name_en", "unit", "iris_id", "value_kind")
    }
    for name in FILTERS:
        values[f"default_{name}"] = Decimal(_text(row, f"default_{name}") or "0")
    values["default_duration_years"] = int(_text(row, "default_duration_years") or "1")
    return {**values, "active": True, "created_at": now, "updated_at": now}


def _proxy(row: dict, metric_id: int, now: datetime) -> dict:
    """The metric's first proxy version, valid from today (it also covers earlier periods)."""
    value, year = _text(row, "proxy_eur"), _text(row, "price_year")
    return {
        "metric_id": metric_id,
        "value": Decimal(value) if value else None,
        "price_year": int(year) if year else None,
        "basis": _text(row, "proxy_basis"),
        "source_title": _text(row, "source_title"),
        "source_url": _text(row, "source_url"),
        "valid_from": now.astimezone(ZoneInfo("Europe/Amsterdam")).date(),
        "created_at": now,
    }


def upgrade():
    with CATALOG_CSV.open(newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if _text(row, "code")]
    connection = op.get_bind()
    existing = set(connection.scalars(sa.select(metrics.c.code)))
    new = [row for row in rows if _text(row, "code") not in existing]
    if not new:
        return
    now = datetime.now(UTC)
    connection.execute(metrics.insert(), [_metric(row, now) for row in new])
    codes = [_text(row, "code") for row in new]
    ids = dict(connection.execute(sa.select(metrics.c.code, metrics.c.id).where(
        metrics.c.code.in_(codes)
    )).all())
    connection.execute(
        metric_proxies.insert(), [_proxy(row, ids[_text(row, "code")], now) for row in new]
    )


def downgrade():
    # The catalog is data that outcome reports and valuations point at; going back one schema
    # step leaves it in place (the tables themselves go with the initial schema's downgrade).
    pass
