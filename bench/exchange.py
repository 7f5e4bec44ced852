"""Exchange benchmark: 10,000 initiatives with five years of monthly data, in a PostgreSQL
database of its own; precomputes figures, quotes and indices; then times the exchange home, an
index chart page, the index JSON and the open data API beside /ping, served by gunicorn.

    .venv/bin/python bench/exchange.py                 # full scale (createdb exchange_bench)
    .venv/bin/python bench/exchange.py --scale 0.1     # a tenth
    .venv/bin/python bench/exchange.py --reuse         # skip generation, reuse the database

Source data is generated as the real tables hold it (paid contributions, declared inputs, accepted
quarterly outcome reports with frozen proxies and filters), written with COPY, and then
`exchange.services.refresh_all()` derives everything, exactly as `flask exchange refresh` does.
Goal (issue 7): median under 150 ms for the exchange home and an index chart.
"""

import argparse
import os
import random
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import gunicorn, print_rows, time_requests  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


DB_NAME = "exchange_bench"
PG = ["-h", "127.0.0.1", "-U", "postgres"]
URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB_NAME}"
THEMES = ["care", "energy", "education", "housing_work", "sport", "community"]
KINDS = ["fiscal", "wellbeing", "environmental", "economic"]
MONTHS = 60


def month_add(month: date, n: int) -> date:
    year, m = divmod(month.year * 12 + month.month - 1 + n, 12)
    return date(year, m + 1, 1)


def month_end(month: date) -> date:
    return date.fromordinal(month_add(month, 1).toordinal() - 1)


def copy(cursor, table: str, columns: list[str], rows) -> int:
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as block:
        for row in rows:
            block.write_row(row)
            count += 1
    return count


def generate(app, initiatives: int, seed: int = 7) -> None:
    from marketplace.exchange.services import places
    from marketplace.extensions import db

    rng = random.Random(seed)
    towns = list(places().values())
    now = datetime.now(UTC)
    first = month_add(date(now.year, now.month, 1), -(MONTHS - 1))
    with app.app_context():
        db.drop_all()
        db.create_all()
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            metric_rows, proxy_rows = [], []
            metric_id = 0
            metric_kind = {}
            for theme in THEMES:
                for k in range(2):
                    metric_id += 1
                    kind = KINDS[(metric_id + k) % 4] if k else "fiscal"
                    metric_kind[metric_id] = (theme, kind)
                    metric_rows.append(
                        (metric_id, f"bench_{theme}_{k}", theme, f"Meting {metric_id}",
                         f"Metric {metric_id}", "unit", "", kind, 0, 0, 0, 0, 1, True, now, now)
                    )  # fmt: skip
                    proxy_rows.append(
                        (metric_id, metric_id, f"{rng.uniform(20, 400):.2f}", 2024, "", "", "",
                         date(2000, 1, 1), now)
                    )  # fmt: skip
            copy(cursor, "metrics", ["id", "code", "theme", "name_nl", "name_en", "unit",
                 "iris_id", "value_kind", "default_deadweight", "default_displacement",
                 "default_attribution", "default_drop_off", "default_duration_years", "active",
                 "created_at", "updated_at"], metric_rows)  # fmt: skip
            copy(cursor, "metric_proxies", ["id", "metric_id", "value", "price_year", "basis",
                 "source_title", "source_url", "valid_from", "created_at"], proxy_rows)  # fmt: skip

            def initiative_rows():
                for i in range(1, initiatives + 1):
                    town = towns[i % len(towns)]
                    yield (
                        i, f"bench-{i}", f"Bench initiatief {i}", "", THEMES[i % 6], "", "",
                        town.name, town.province, "",
                        f"{town.latitude + rng.uniform(-0.05, 0.05):.6f}",
                        f"{town.longitude + rng.uniform(-0.05, 0.05):.6f}",
                        0, "EUR", "", False, "", "published", now, now, now,
                    )  # fmt: skip

            copy(cursor, "initiatives", ["id", "slug", "name", "legal_name", "theme", "summary",
                 "description", "municipality", "province", "postcode", "latitude", "longitude",
                 "funding_goal_cents", "currency", "website", "anbi", "rsin", "status",
                 "created_at", "updated_at", "published_at"], initiative_rows())  # fmt: skip

            def contribution_rows():
                n = 0
                for i in range(1, initiatives + 1):
                    base = rng.randint(20, 2000) * 100
                    for m in range(MONTHS):
                        n += 1
                        month = month_add(first, m)
                        paid = datetime(month.year, month.month, 12, 10, tzinfo=UTC)
                        refunded = base // 4 if n % 50 == 0 else 0
                        yield (
                            n, i, base, "EUR", "partially_refunded" if refunded else "paid",
                            "once", "simulator", f"bench_{n}", 1, "ideal", False, "", "", "",
                            refunded, 0, False, "", paid, paid, paid,
                        )  # fmt: skip

            count = copy(cursor, "contributions", ["id", "initiative_id", "amount_cents",
                 "currency", "status", "interval", "provider", "provider_payment_id", "attempt",
                 "method", "anonymous", "message", "donor_name", "donor_email", "refunded_cents",
                 "charged_back_cents", "flagged", "flag_reason", "created_at", "updated_at",
                 "paid_at"], contribution_rows())  # fmt: skip
            print(f"  {count} contributions")

            def input_rows():
                n = 0
                for i in range(1, initiatives + 1):
                    for year in range(MONTHS // 12):
                        n += 1
                        yield (n, i, "Gemeente", rng.randint(1000, 50000) * 100, "EUR",
                               month_add(first, 12 * year), "money", "", now)  # fmt: skip

            input_columns = ["id", "initiative_id", "source", "amount_cents", "currency",
                             "received_on", "kind", "note", "created_at"]  # fmt: skip
            copy(cursor, "initiative_inputs", input_columns, input_rows())

            reports, lines = [], []
            report_id = line_id = 0
            for i in range(1, initiatives + 1):
                if i % 10 == 0:
                    continue  # 10% without accepted reports: not quoted
                theme_index = i % 6
                start_quarter = rng.randint(0, 8)
                for q in range(start_quarter, MONTHS // 3):
                    report_id += 1
                    start = month_add(first, 3 * q)
                    reports.append(
                        (report_id, i, "quarter", start, month_end(month_add(start, 2)),
                         "accepted", "", "https://example.org/e.pdf", rng.randint(1, 5), "",
                         now, now, now, now)
                    )  # fmt: skip
                    for k in range(2):
                        line_id += 1
                        mid = theme_index * 2 + k + 1
                        lines.append(
                            (line_id, report_id, mid, rng.randint(1, 60), mid,
                             "0.1000", "0.0500", "0.2000", "0.1000", 2, now)
                        )  # fmt: skip
            copy(cursor, "outcome_reports", ["id", "initiative_id", "period", "period_start",
                 "period_end", "status", "note", "evidence_url", "evidence_level",
                 "rejection_reason", "created_at", "updated_at", "submitted_at", "reviewed_at"],
                 reports)  # fmt: skip
            copy(cursor, "outcome_report_values", ["id", "report_id", "metric_id", "quantity",
                 "proxy_id", "deadweight", "displacement", "attribution", "drop_off",
                 "duration_years", "valued_at"], lines)  # fmt: skip
            print(f"  {len(reports)} accepted reports, {len(lines)} report lines")
            for table in (
                "metrics",
                "metric_proxies",
                "initiatives",
                "contributions",
                "initiative_inputs",
                "outcome_reports",
                "outcome_report_values",
            ):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" (SELECT max(id) FROM {table}))"
                )
            cursor.execute("ANALYZE")
            raw.commit()
        finally:
            raw.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--reuse", action="store_true", help="reuse the generated database")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    initiatives = int(10_000 * args.scale)

    os.environ["DATABASE_URL"] = URL
    from marketplace import create_app

    if not args.reuse:
        subprocess.run(["dropdb", *PG, "--if-exists", DB_NAME], check=True)
        subprocess.run(["createdb", *PG, DB_NAME], check=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": URL, "SECRET_KEY": "bench"})
    if not args.reuse:
        print(f"Generating {initiatives} initiatives x {MONTHS} months ...")
        started = time.perf_counter()
        generate(app, initiatives)
        print(f"  generated in {time.perf_counter() - started:.1f} s")
        from marketplace.exchange.services import refresh_all

        started = time.perf_counter()
        with app.app_context():
            refresh_all()
        print(f"Refreshed figures, quotes and indices in {time.perf_counter() - started:.1f} s")
    with app.app_context():
        from sqlalchemy import func, select

        from marketplace.exchange.figures import InitiativeMonth
        from marketplace.exchange.models import ExchangeIndexPoint, ExchangeQuote
        from marketplace.extensions import db

        print(
            *(
                f"{db.session.scalar(select(func.count()).select_from(model))} {label}"
                for model, label in (
                    (InitiativeMonth, "monthly rows"),
                    (ExchangeQuote, "quotes"),
                    (ExchangeIndexPoint, "index points"),
                )
            ),
            sep=", ",
        )

    with gunicorn(URL, workers=2) as base:
        rows = {
            "/ping": time_requests(base + "/ping", args.requests),
            "/exchange/ (board, page 1)": time_requests(base + "/exchange/", args.requests),
            "/exchange/?theme=care&sort=change_12m": time_requests(
                base + "/exchange/?theme=care&sort=change_12m&dir=desc", args.requests
            ),
            "/exchange/indices/care (chart page)": time_requests(
                base + "/exchange/indices/care", args.requests
            ),
            "/exchange/indices.json": time_requests(base + "/exchange/indices.json", args.requests),
            "/api/v1/exchange/indices": time_requests(
                base + "/api/v1/exchange/indices", args.requests
            ),
            "/api/v1/exchange/savings": time_requests(
                base + "/api/v1/exchange/savings", args.requests
            ),
            "/exchange/map?q=3511": time_requests(base + "/exchange/map?q=3511", args.requests),
        }
    print_rows(f"Exchange, {initiatives} initiatives x {MONTHS} months (gunicorn, 2 workers)", rows)


if __name__ == "__main__":
    main()
