"""Large-scale data generator (PostgreSQL, bulk COPY): funders, initiatives, contributions and the
monthly figures the portfolio and exchange read.

    createdb -h 127.0.0.1 -U postgres bench
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python bench/generate.py --reset            # full scale (default)
    ... bench/generate.py --reset --scale 0.1                 # a tenth of everything

Full scale: 10,000 initiatives, 100,000 funders, 1,000,000 paid contributions over five years, and
five years of monthly figures per initiative. Besides the random crowd it creates one organisation,
"Bench Foundation" (owner bench-foundation@example.org, password BENCH_PASSWORD), holding 200
initiatives with a monthly gift each for the whole period, as the portfolio benchmark's subject.

Outcome data is written as the derived table `initiative_months` (what `exchange.figures`
produces from accepted reports: recognised value per quarter-end month, by kind), not as raw
outcome reports, so do not run `exchange refresh` on this database afterwards (it would rebuild
the months from reports that are not there). About 2% of the gifts are partly refunded.
"""

import argparse
import os
import random
import sys
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from marketplace import create_app  # noqa: E402
from marketplace.extensions import db  # noqa: E402

BENCH_PASSWORD = "bench-password-123"  # noqa: S105 (a local benchmark account)
BENCH_EMAIL = "bench-foundation@example.org"
BENCH_ORGANISATION = "Bench Foundation"
THEMES = ["care", "energy", "education", "housing_work", "sport", "community"]
KINDS = ["fiscal", "wellbeing", "environmental", "economic"]


def month_add(month: date, n: int) -> date:
    year, m = divmod(month.year * 12 + month.month - 1 + n, 12)
    return date(year, m + 1, 1)


def copy_rows(connection, table: str, columns: list[str], rows) -> int:
    """COPY rows (tuples in `columns` order) into `table`; returns the count."""
    count = 0
    with connection.cursor() as cursor:
        quoted = ", ".join(f'"{c}"' for c in columns)
        with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies all counts")
    parser.add_argument("--initiatives", type=int, default=10_000)
    parser.add_argument("--funders", type=int, default=100_000)
    parser.add_argument("--contributions", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--holdings", type=int, default=200, help="of the Bench Foundation")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--reset", action="store_true", help="drop and recreate the schema first")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (postgresql+psycopg://...).")

    n_initiatives = max(args.holdings, int(args.initiatives * args.scale))
    n_funders = max(10, int(args.funders * args.scale))
    n_contributions = int(args.contributions * args.scale)
    rng = random.Random(args.seed)
    started = time.monotonic()

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        if args.reset:
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        db.create_all()
        from marketplace.accounts.passwords import hash_password

        password_hash = hash_password(BENCH_PASSWORD)
        now = datetime.now(UTC)
        last_month = date(now.year, now.month, 1)
        first_month = month_add(last_month, -(args.months - 1))
        span_days = (now - datetime(first_month.year, first_month.month, 1, tzinfo=UTC)).days

        raw = db.engine.raw_connection()
        try:
            pg = raw.driver_connection
            cur = pg.cursor()
            cur.execute("SELECT coalesce(max(id), 0) FROM users")
            user_base = cur.fetchone()[0]
            cur.execute("SELECT coalesce(max(id), 0) FROM initiatives")
            initiative_base = cur.fetchone()[0]

            # users: the bench staff member first, then the crowd
            copy_rows(
                pg,
                "users",
                ["id", "email", "name", "password_hash", "role", "locale", "session_version",
                 "active", "created_at"],
                (
                    (user_base + i + 1,
                     BENCH_EMAIL if i == 0 else f"funder{user_base + i + 1}@bench.example.org",
                     "Bench Staff" if i == 0 else f"Funder {i}", password_hash, "user", "nl", 1,
                     True, now)
                    for i in range(n_funders + 1)
                ),
            )  # fmt: skip
            staff_id = user_base + 1
            owner_id = user_base + 2
            crowd = range(user_base + 2, user_base + n_funders + 2)

            initiatives = [initiative_base + i + 1 for i in range(n_initiatives)]
            theme_of = {i: THEMES[k % len(THEMES)] for k, i in enumerate(initiatives)}
            copy_rows(
                pg,
                "initiatives",
                ["id", "slug", "name", "legal_name", "theme", "summary", "description",
                 "municipality", "province", "postcode", "funding_goal_cents", "currency",
                 "website", "anbi", "rsin", "status", "created_at", "updated_at",
                 "published_at"],
                (
                    (i, f"bench-initiative-{i}", f"Bench initiatief {i}", "", theme_of[i], "", "",
                     f"Gemeente {i % 350}", "", "", 1_000_000, "EUR", "", False, "", "published",
                     now, now, now)
                    for i in initiatives
                ),
            )  # fmt: skip
            copy_rows(
                pg,
                "initiative_owners",
                ["initiative_id", "user_id"],
                ((i, owner_id) for i in initiatives),
            )
            for table in ("users", "initiatives"):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"
                )
            cur.execute(
                "INSERT INTO organisations (name, slug, kind, created_at) "
                "VALUES (%s, %s, 'foundation', now()) RETURNING id",
                (BENCH_ORGANISATION, f"bench-foundation-{staff_id}"),
            )
            organisation_id = cur.fetchone()[0]
            cur.execute(
                "INSERT INTO organisation_memberships (organisation_id, user_id, role, created_at)"
                " VALUES (%s, %s, 'owner', now())",
                (organisation_id, staff_id),
            )
            pg.commit()
            print(f"users {n_funders + 1}, initiatives {n_initiatives} "
                  f"({time.monotonic() - started:.0f}s)")  # fmt: skip

            # contributions: the foundation's monthly gifts, then the random crowd
            platform = defaultdict(int)  # (initiative, month) -> net cents
            holdings = rng.sample(initiatives, args.holdings)

            def month_of(moment: datetime) -> date:
                local = moment + timedelta(hours=1)  # close enough to Amsterdam for month keys
                return date(local.year, local.month, 1)

            def contribution_rows():
                for initiative_id in holdings:
                    cents = rng.choice((5000, 10000, 25000, 50000))
                    for m in range(args.months):
                        month = month_add(first_month, m)
                        paid_at = datetime(month.year, month.month, 5, 10, tzinfo=UTC)
                        platform[(initiative_id, month)] += cents
                        yield (initiative_id, staff_id, organisation_id, cents, 0, "paid",
                               "monthly", paid_at)  # fmt: skip
                for _ in range(n_contributions - args.holdings * args.months):
                    initiative_id = initiatives[int(rng.paretovariate(1.2) * 7) % n_initiatives]
                    cents = rng.choice((1000, 2500, 2500, 5000, 5000, 10000, 25000, 100000))
                    refunded = cents // 2 if rng.random() < 0.02 else 0
                    paid_at = now - timedelta(seconds=rng.randrange(span_days * 86400))
                    platform[(initiative_id, month_of(paid_at))] += cents - refunded
                    yield (
                        initiative_id,
                        rng.choice(crowd),
                        None,
                        cents,
                        refunded,
                        "partially_refunded" if refunded else "paid",
                        "once",
                        paid_at,
                    )

            count = copy_rows(
                pg,
                "contributions",
                ["initiative_id", "user_id", "organisation_id", "amount_cents", "refunded_cents",
                 "status", "interval", "paid_at", "currency", "provider", "attempt", "method",
                 "anonymous", "message", "donor_name", "donor_email", "charged_back_cents",
                 "flagged", "flag_reason", "created_at", "updated_at"],
                (
                    (*row, "EUR", "simulator", 1, "ideal", False, "", "", "", 0, False, "",
                     row[7], row[7])
                    for row in contribution_rows()
                ),
            )  # fmt: skip
            pg.commit()
            print(f"contributions {count} ({time.monotonic() - started:.0f}s)")

            # declared inputs (one per initiative per year) and the monthly figures
            declared = defaultdict(int)
            inputs = []
            for i in initiatives:
                for year in range(0, args.months, 12):
                    month = month_add(first_month, year + rng.randrange(12))
                    cents = rng.randrange(1000, 50000) * 100
                    declared[(i, month)] += cents
                    inputs.append((i, "Gemeente (bench)", cents, "EUR", month, "money", "", now))
            copy_rows(
                pg,
                "initiative_inputs",
                ["initiative_id", "source", "amount_cents", "currency", "received_on", "kind",
                 "note", "created_at"],
                inputs,
            )  # fmt: skip

            def month_rows():
                for i in initiatives:
                    productivity = Decimal(rng.randrange(20, 400)) / 100  # euros value per euro
                    weights = [rng.random() for _ in KINDS]
                    total_weight = sum(weights)
                    level = None
                    quarter_inputs = 0
                    for m in range(args.months):
                        month = month_add(first_month, m)
                        cents = platform.get((i, month), 0)
                        declared_cents = declared.get((i, month), 0)
                        quarter_inputs += cents + declared_cents
                        values = [Decimal(0)] * 4
                        if month.month % 3 == 0 and m >= 2:  # an accepted quarterly report
                            value = productivity * quarter_inputs / 100
                            values = [
                                (value * Decimal(w / total_weight)).quantize(Decimal("0.0001"))
                                for w in weights
                            ]
                            level = max(level or 0, rng.randrange(1, 4))
                            quarter_inputs = 0
                        if cents or declared_cents or any(values):
                            yield (i, month, cents, declared_cents, *values, level)

            count = copy_rows(
                pg,
                "initiative_months",
                ["initiative_id", "month", "platform_cents", "declared_cents", "value_fiscal",
                 "value_wellbeing", "value_environmental", "value_economic", "evidence_level"],
                month_rows(),
            )  # fmt: skip
            pg.commit()
            print(f"initiative_months {count} ({time.monotonic() - started:.0f}s)")
            from marketplace.exchange.figures import rebuild_series

            series = rebuild_series()
            db.session.commit()
            print(f"initiative_series {series} ({time.monotonic() - started:.0f}s)")
            pg.autocommit = True
            # VACUUM too: it sets the visibility map that index-only scans need on fresh tables.
            cur.execute("VACUUM (ANALYZE)")
        finally:
            raw.close()

        from marketplace.portfolios.services import refresh_comparables

        refresh_comparables()
        print(
            f"done in {time.monotonic() - started:.0f}s: organisation {organisation_id} "
            f"({BENCH_ORGANISATION}), staff {BENCH_EMAIL} / {BENCH_PASSWORD}"
        )


if __name__ == "__main__":
    main()
