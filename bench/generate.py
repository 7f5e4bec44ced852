"""The national-scale data set (PostgreSQL, bulk COPY of the source rows, then the app's own
rebuild of every derived figure).

    createdb -h 127.0.0.1 -U postgres bench
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python bench/generate.py --reset            # full scale (default)
    ... bench/generate.py --reset --scale 0.1                 # a tenth of everything

Full scale, seeded (the same data for the same --seed):
- 10,000 published initiatives in real municipalities, 100,000 persons;
- 1,000,000 paid gifts over five years, each with its ledger row (2% partly refunded): the
  largest initiative has 150,000 of them, the rest follow a long tail (weight 1/(rank + 40)),
  so no handful of initiatives holds most of the money;
- organisations "Bench Foundation 20", "Bench Foundation" (200) and "Bench Foundation 1000"
  holding that many initiatives with a monthly gift each for the whole period; 2,000 persons
  holding 10 to 50 initiatives each;
- five years of accepted quarterly outcome reports for 6,000 initiatives (the shipped metric
  catalog, values frozen with the proxy valid at each period end), one declared input a year.
Derived data (monthly figures, running totals, quotes, indices, peer groups) is then built by the
application itself (`figures.build.rebuild_all`, `exchange.quotes.refresh_all`), exactly as
`flask figures refresh` and `flask exchange refresh` do.
"""

import argparse
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select, text  # noqa: E402

from marketplace import create_app  # noqa: E402
from marketplace.extensions import db  # noqa: E402

BENCH_PASSWORD = "bench-password-123"  # noqa: S105 (a local benchmark account)
BENCH_EMAIL = "bench-foundation@example.org"
BENCH_ORGANISATION = "Bench Foundation"
ORGANISATIONS = {20: "Bench Foundation 20", 200: BENCH_ORGANISATION, 1000: "Bench Foundation 1000"}
HEAVY_EMAIL = "bench-person@example.org"  # a person holding 50 initiatives
THEMES = ["care", "energy", "education", "housing_work", "sport", "community"]
LARGEST_GIFTS = 150_000


def month_add(month: date, n: int) -> date:
    year, m = divmod(month.year * 12 + month.month - 1 + n, 12)
    return date(year, m + 1, 1)


def month_end(month: date) -> date:
    return month_add(month, 1) - timedelta(days=1)


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


class Generator:
    """One run: the counts, the random source and the ids handed out so far."""

    def __init__(self, args, pg, now: datetime):
        self.args = args
        self.pg = pg
        self.rng = random.Random(args.seed)
        self.now = now
        self.last_month = date(now.year, now.month, 1)
        self.first_month = month_add(self.last_month, -(args.months - 1))
        self.span = now - datetime.combine(self.first_month, datetime.min.time(), tzinfo=UTC)
        self.started = time.monotonic()

    def say(self, what: str) -> None:
        print(f"{what} ({time.monotonic() - self.started:.0f}s)", flush=True)

    def execute(self, sql: str, params=()):
        with self.pg.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else None

    # --- people and initiatives ---------------------------------------------------------------

    def users(self, password_hash: str) -> None:
        a = self.args
        staff = [BENCH_EMAIL, HEAVY_EMAIL] + [f"bench-staff-{n}@example.org" for n in ORGANISATIONS]
        emails = staff + [f"funder{n}@bench.example.org" for n in range(a.funders)]
        copy_rows(
            self.pg, "users",
            ["id", "email", "name", "password_hash", "role", "locale", "session_version",
             "active", "created_at", "email_confirmed_at"],
            ((n + 1, email, f"Bench {n}", password_hash, "user", "nl", 1, True, self.now,
              self.now)
             for n, email in enumerate(emails)),
        )  # fmt: skip
        self.staff_ids = {email: n + 1 for n, email in enumerate(staff)}
        self.crowd = list(range(len(staff) + 1, len(emails) + 1))
        self.say(f"users {len(emails)}")

    def initiatives(self) -> None:
        from marketplace.geo import places

        towns = sorted(places().values(), key=lambda p: p.name)
        count = self.args.initiatives
        self.initiative_ids = list(range(1, count + 1))
        self.theme_of = {i: THEMES[i % len(THEMES)] for i in self.initiative_ids}
        rows = []
        for i in self.initiative_ids:
            town = towns[i % len(towns)]
            lat = Decimal(str(town.latitude)) + Decimal(self.rng.randrange(-300, 300)) / 10000
            lon = Decimal(str(town.longitude)) + Decimal(self.rng.randrange(-300, 300)) / 10000
            rows.append(
                (i, f"bench-initiative-{i}", f"Bench initiatief {i}", f"Stichting Bench {i}",
                 self.theme_of[i], "Een initiatief uit de benchmark.", "Wij helpen de buurt.",
                 town.name, town.province, "", 1_000_000, "EUR", "", True, "", "published",
                 lat, lon, self.now, self.now, self.now)
            )  # fmt: skip
        copy_rows(
            self.pg, "initiatives",
            ["id", "slug", "name", "legal_name", "theme", "summary", "description",
             "municipality", "province", "postcode", "funding_goal_cents", "currency", "website",
             "anbi", "rsin", "status", "latitude", "longitude", "created_at", "updated_at",
             "published_at"],
            rows,
        )  # fmt: skip
        owner = self.staff_ids[HEAVY_EMAIL]
        copy_rows(
            self.pg, "initiative_owners", ["initiative_id", "user_id"],
            ((i, owner) for i in self.initiative_ids),
        )  # fmt: skip
        self.say(f"initiatives {count}")

    def organisations(self) -> None:
        self.organisation_ids = {}
        for holdings, name in ORGANISATIONS.items():
            staff = self.staff_ids[
                BENCH_EMAIL if holdings == 200 else f"bench-staff-{holdings}@example.org"
            ]
            (org_id,), = self.execute(
                "INSERT INTO organisations (name, slug, kind, created_at) "
                "VALUES (%s, %s, 'foundation', now()) RETURNING id",
                (name, f"bench-foundation-{holdings}"),
            )  # fmt: skip
            self.execute(
                "INSERT INTO organisation_memberships (organisation_id, user_id, role, created_at)"
                " VALUES (%s, %s, 'owner', now())",
                (org_id, staff),
            )
            self.organisation_ids[holdings] = (org_id, staff)

    # --- gifts and their ledger rows ----------------------------------------------------------

    def random_moment(self) -> datetime:
        return self.now - timedelta(seconds=self.rng.randrange(int(self.span.total_seconds())))

    def fixed_gifts(self) -> list[tuple]:
        """The organisations' monthly gifts, the persons with many holdings, the largest
        initiative's gifts, as (initiative, person, organisation, cents, refunded, paid_at,
        interval)."""
        a, rng = self.args, self.rng
        gifts = []
        for holdings, (org_id, staff) in self.organisation_ids.items():
            for initiative_id in rng.sample(self.initiative_ids, holdings):
                cents = rng.choice((5000, 10000, 25000, 50000))
                for m in range(a.months):
                    month = month_add(self.first_month, m)
                    paid_at = datetime(month.year, month.month, 5, 10, tzinfo=UTC)
                    gifts.append((initiative_id, staff, org_id, cents, 0, paid_at, "monthly"))
        heavy = [self.staff_ids[HEAVY_EMAIL]] + rng.sample(self.crowd, a.heavy_persons - 1)
        for n, person in enumerate(heavy):
            count = 50 if n == 0 else rng.randrange(10, 51)
            for initiative_id in rng.sample(self.initiative_ids, count):
                cents = rng.choice((2500, 5000))
                gifts.append((initiative_id, person, None, cents, 0, self.random_moment(), "once"))
        largest = self.initiative_ids[0]
        for _ in range(a.largest_gifts):
            cents = rng.choice((1000, 2500, 5000))
            gifts.append(
                (largest, rng.choice(self.crowd), None, cents, 0, self.random_moment(), "once")
            )
        return gifts

    def crowd_gifts(self, count: int):
        """The long tail: gifts spread over the other initiatives with weight 1/(rank + 40)."""
        rng = self.rng
        rest = self.initiative_ids[1:]
        weights = [1 / (rank + 40) for rank in range(len(rest))]
        for initiative_id in rng.choices(rest, weights=weights, k=max(count, 0)):
            cents = rng.choice((1000, 2500, 2500, 5000, 5000, 10000, 25000, 100000))
            refunded = cents // 2 if rng.random() < 0.02 else 0
            yield (
                initiative_id,
                rng.choice(self.crowd),
                None,
                cents,
                refunded,
                self.random_moment(),
                "once",
            )

    def gifts(self) -> None:
        fixed = self.fixed_gifts()
        everything = (*fixed, *self.crowd_gifts(self.args.contributions - len(fixed)))
        count = copy_rows(
            self.pg, "contributions",
            ["id", "initiative_id", "user_id", "organisation_id", "amount_cents",
             "refunded_cents", "charged_back_cents", "status", "interval", "paid_at", "currency",
             "provider", "provider_payment_id", "attempt", "method", "anonymous", "message",
             "donor_name", "donor_email", "flagged", "flag_reason", "created_at", "updated_at"],
            ((n, i, person, org, cents, refunded, 0,
              "partially_refunded" if refunded else "paid", interval, paid_at, "EUR",
              "simulator", f"sim_bench_{n}", 1, "ideal", False, "", "", "", False, "",
              paid_at, paid_at)
             for n, (i, person, org, cents, refunded, paid_at, interval)
             in enumerate(everything, start=1)),
        )  # fmt: skip
        # The ledger rows and refunds the payment status path would have written.
        self.execute(
            "INSERT INTO contribution_events (contribution_id, event_key, kind, from_status,"
            " to_status, amount_cents, currency, source, detail, created_at)"
            " SELECT id, 'simulator:' || provider_payment_id || ':paid', 'payment', 'open',"
            " 'paid', amount_cents, currency, 'bench', '', paid_at FROM contributions"
        )
        self.execute(
            "INSERT INTO contribution_events (contribution_id, event_key, kind, from_status,"
            " to_status, amount_cents, currency, source, detail, created_at)"
            " SELECT id, 'simulator:refund:re_bench_' || id, 'refund', '', '', -refunded_cents,"
            " currency, 'bench', 'refunded', paid_at FROM contributions WHERE refunded_cents > 0"
        )
        self.execute(
            "INSERT INTO refunds (contribution_id, provider_refund_id, amount_cents, currency,"
            " status, counted, created_at, updated_at) SELECT id, 're_bench_' || id,"
            " refunded_cents, currency, 'refunded', true, paid_at, paid_at FROM contributions"
            " WHERE refunded_cents > 0"
        )
        # Their payouts: held by the platform, as no initiative has connected its account yet.
        self.execute(
            "INSERT INTO payouts (initiative_id, source_kind, source_id, currency, route, provider,"
            " payment_reference, held_cents, transferred_cents, direct_cents, created_at,"
            " updated_at) SELECT initiative_id, 'gift', id, currency, 'platform', provider,"
            " provider_payment_id, GREATEST(0, amount_cents - refunded_cents"
            " - charged_back_cents), 0, 0, paid_at, paid_at FROM contributions"
        )
        self.execute(
            "INSERT INTO payout_events (payout_id, key, kind, held_delta, transferred_delta,"
            " direct_delta, detail, created_at) SELECT id, 'gift:' || source_id || ':1', 'held',"
            " held_cents, 0, 0, 'bench', created_at FROM payouts"
        )
        self.say(f"contributions {count} with their ledger rows and payouts")

    # --- impact: declared inputs and accepted outcome reports --------------------------------

    def declared_inputs(self) -> None:
        rows = []
        for i in self.initiative_ids:
            for year in range(0, self.args.months, 12):
                month = month_add(self.first_month, year + self.rng.randrange(12))
                cents = self.rng.randrange(1000, 50000) * 100
                rows.append((i, "Gemeente (bench)", cents, "EUR", month, "money", "", self.now))
        copy_rows(
            self.pg, "initiative_inputs",
            ["initiative_id", "source", "amount_cents", "currency", "received_on", "kind",
             "note", "created_at"],
            rows,
        )  # fmt: skip

    def outcome_reports(self, metrics: dict[str, list[tuple]]) -> None:
        """Quarterly accepted reports for the first `reported` initiatives, 2 metrics each."""
        reported = self.initiative_ids[: self.args.reported]
        outcomes, reports, lines = [], [], []
        report_id = 0
        for i in reported:
            choices = self.rng.sample(metrics[self.theme_of[i]], 2)
            scale = self.rng.randrange(5, 200)
            for metric_id, _proxies, filters in choices:
                outcomes.append((i, metric_id, *filters, "", self.now, self.now))
            for quarter in range(self.args.months // 3):
                start = month_add(self.first_month, quarter * 3)
                end = month_end(month_add(start, 2))
                if end >= self.now.date():
                    break
                report_id += 1
                reviewed = datetime.combine(
                    end + timedelta(days=20), datetime.min.time(), tzinfo=UTC
                )
                reports.append(
                    (report_id, i, "quarter", start, end, "accepted", "", "https://example.org/e",
                     self.rng.randrange(1, 5), "", reviewed, reviewed, reviewed, reviewed)
                )  # fmt: skip
                for metric_id, proxies, filters in choices:
                    proxy_id = next((p for valid, p in proxies if valid <= end), proxies[-1][1])
                    quantity = Decimal(self.rng.randrange(scale, scale * 3))
                    lines.append((report_id, metric_id, quantity, proxy_id, *filters, reviewed))
        copy_rows(
            self.pg, "initiative_outcomes",
            ["initiative_id", "metric_id", "deadweight", "displacement", "attribution",
             "drop_off", "duration_years", "justification", "created_at", "updated_at"],
            outcomes,
        )  # fmt: skip
        copy_rows(
            self.pg, "outcome_reports",
            ["id", "initiative_id", "period", "period_start", "period_end", "status", "note",
             "evidence_url", "evidence_level", "rejection_reason", "created_at", "updated_at",
             "submitted_at", "reviewed_at"],
            reports,
        )  # fmt: skip
        copy_rows(
            self.pg, "outcome_report_values",
            ["report_id", "metric_id", "quantity", "proxy_id", "deadweight", "displacement",
             "attribution", "drop_off", "duration_years", "valued_at"],
            lines,
        )  # fmt: skip
        self.say(
            f"outcome reports {len(reports)} with {len(lines)} lines, {len(reported)} initiatives"
        )


def catalog_by_theme() -> dict[str, list[tuple]]:
    """Per theme: (metric id, [(valid_from, proxy id)], frozen filters) of valued metrics."""
    from marketplace.impact.catalog import import_catalog
    from marketplace.impact.models import Metric

    import_catalog()
    db.session.commit()
    by_theme: dict[str, list[tuple]] = {theme: [] for theme in THEMES}
    for metric in db.session.scalars(select(Metric)):
        proxies = sorted((p.valid_from, p.id) for p in metric.proxies if p.value is not None)
        if proxies:
            filters = (metric.default_deadweight, metric.default_displacement,
                       metric.default_attribution, metric.default_drop_off,
                       metric.default_duration_years)  # fmt: skip
            by_theme[metric.theme.value].append((metric.id, proxies, filters))
    return by_theme


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies all counts")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--reset", action="store_true", help="drop and recreate the schema first")
    args = parser.parse_args()
    args.initiatives = max(1200, int(10_000 * args.scale))
    args.funders = max(3000, int(100_000 * args.scale))
    args.contributions = int(1_000_000 * args.scale)
    args.largest_gifts = int(LARGEST_GIFTS * args.scale)
    args.reported = int(args.initiatives * 0.6)
    args.heavy_persons = max(20, int(2000 * args.scale))
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        sys.exit("Set BENCH_DATABASE_URL to a PostgreSQL database (postgresql+psycopg://...).")
    generate(url, args)


def generate(url: str, args) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        if args.reset:
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        db.create_all()
        from marketplace.accounts.passwords import hash_password

        password_hash = hash_password(BENCH_PASSWORD)
        metrics = catalog_by_theme()
        raw = db.engine.raw_connection()
        try:
            generator = Generator(args, raw.driver_connection, datetime.now(UTC))
            generator.users(password_hash)
            generator.initiatives()
            generator.organisations()
            generator.gifts()
            generator.declared_inputs()
            generator.outcome_reports(metrics)
            for table in ("users", "initiatives", "contributions", "outcome_reports"):
                generator.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"
                )
            raw.driver_connection.commit()
        finally:
            raw.close()
        derive(generator)


def derive(generator: Generator) -> None:
    """Every derived figure, built by the application as its refresh commands do."""
    from marketplace.exchange import quotes
    from marketplace.figures import build

    build.rebuild_all()
    generator.say("figures (monthly rows, running totals, funder series)")
    quotes.refresh_all()
    generator.say("quotes, indices and peer groups")
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        # VACUUM too: it sets the visibility map that index-only scans need on fresh tables.
        connection.execute(text("VACUUM (ANALYZE)"))
    generator.say(f"done: staff {BENCH_EMAIL} / {BENCH_PASSWORD}")


if __name__ == "__main__":
    main()
