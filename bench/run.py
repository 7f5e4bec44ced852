"""`make bench`: every key page and endpoint at national scale, beside the server's own ceiling.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python bench/run.py [--regenerate] [--duration 10] [--skip-reports]

Generates the data set (bench/generate.py) unless the database already holds it, serves the app
with gunicorn as in production (2 workers, 4 threads each; the page cache in each process, or
in Redis when CACHE_REDIS_URL is set), and measures each endpoint with wrk: requests per
second, p50, p95 and p99, and the ratio to the ceiling, a trivial Jinja page of the same server
(/ping.html; /ping is shown too). Then the monthly report run: reports a second with 1 and 2
`reports run` processes sharing one period. Prints one table and writes it to
docs/performance.md with the machine it ran on and the load average.
"""

import argparse
import json
import os
import platform
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, date, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import BENCH_EMAIL, BENCH_PASSWORD, HEAVY_EMAIL, ORGANISATIONS  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
MOLLIE_KEY = "test_benchbenchbenchbenchbenchbench"
WEBHOOK_PAYMENTS = 3000  # per webhook row
WEBHOOK_INITIATIVES = 300  # the main row's gifts go to so many initiatives ...
WEBHOOK_DONORS = 1000  # ... from so many donors (seeded); "one campaign" is one and one
WEBHOOK_QUEUED_PAYMENTS = 6000  # the queued row answers faster: more gifts, still first deliveries
WEBHOOK_WORKERS = 2  # `payments webhook-worker` processes draining the queued row's inbox
LUA_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""
LUA_POST = """
wrk.method = "POST"
wrk.body = os.getenv("WRK_BODY")
wrk.headers["Content-Type"] = os.getenv("WRK_TYPE")
"""
LUA_WEBHOOK = """
local ids, counter = {}, 0
for line in io.lines(os.getenv("WRK_IDS")) do ids[#ids + 1] = line end
local threads = 0
offset = 0  -- a global: setup's thread:set() gives each thread its own (a local would hide it)
setup = function(thread) thread:set("offset", threads); threads = threads + 1 end
request = function()
  counter = counter + 1
  local id = ids[((counter * 2 + offset) % #ids) + 1]
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  return wrk.format("POST", nil, nil, "id=" .. id)
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wrk(url: str, duration: int, connections: int = 2, headers=(), lua: str = "", env=None):
    """One wrk run: requests/s, p50/p95/p99 in ms and the error count."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua + LUA_REPORT)
    command = ["wrk", "-t", str(min(connections, 2)), "-c", str(connections),
               "-d", f"{duration}s", "--timeout", "10s", "-s", script.name]  # fmt: skip
    for header in headers:
        command += ["-H", header]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, env={**os.environ, **(env or {})},
        check=True,
    ).stdout  # fmt: skip
    os.unlink(script.name)
    requests_done, micros, p50, p95, p99, errors = map(
        int, re.search(r"RESULT (.+)", output).group(1).split()
    )
    return {
        "rps": requests_done / (micros / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "p99": p99 / 1000,
        "errors": errors,
        "requests": requests_done,
    }


def has_data(url: str) -> bool:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return bool(
                connection.execute(
                    text("SELECT 1 FROM organisations WHERE name = :n"), {"n": "Bench Foundation"}
                ).scalar()
            )
    except Exception:  # noqa: BLE001 (no database, no schema: generate)
        return False
    finally:
        engine.dispose()


def ensure_database(url: str) -> None:
    """CREATE DATABASE when it does not exist yet (connecting to `postgres`)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
        ).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()


class Server:
    """gunicorn serving wsgi:app as in production, with the Mollie fake for webhooks."""

    def __init__(self, url: str, mollie_url: str, redis_url: str, workers: int, threads: int,
                 **extra_env: str):  # fmt: skip
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": "bench-secret",
            "RATELIMIT_ENABLED": "false",
            "PAYMENT_PROVIDER": "simulator",
            "MOLLIE_API_KEY": MOLLIE_KEY,
            "MOLLIE_API_ENDPOINT": mollie_url,
            "CACHE_REDIS_URL": redis_url,
            "DONATION_RECEIPTS_ENABLED": "true",
            **extra_env,
        }
        command = [
            str(Path(sys.executable).with_name("gunicorn")), "--workers", str(workers),
            "--threads", str(threads), "--bind", f"127.0.0.1:{self.port}",
            "--log-level", "warning", "wsgi:app",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if requests.get(self.base + "/ping", timeout=5).ok:
                    return
            except requests.RequestException:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)

    def login(self, email: str) -> str:
        """A logged-in session's Cookie header."""
        session = requests.Session()
        page = session.get(self.base + "/account/login", timeout=30).text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        response = session.post(
            self.base + "/account/login",
            data={"email": email, "password": BENCH_PASSWORD,
                  "csrf_token": token.group(1) if token else ""},
            timeout=30, allow_redirects=False,
        )  # fmt: skip
        if response.status_code != 302:
            sys.exit(f"log-in of {email} failed: {response.status_code}")
        return "Cookie: " + "; ".join(f"{k}={v}" for k, v in session.cookies.items())


def prepare(url: str, mollie) -> dict:
    """Ids, tokens and open Mollie payments the measurements need (in this process)."""
    from sqlalchemy import func, select, update

    from marketplace import create_app
    from marketplace.accounts.models import User
    from marketplace.accounts.services import create_api_token, find_user_by_email
    from marketplace.donations.checkout import start_checkout
    from marketplace.donations.models import Contribution, ContributionStatus
    from marketplace.extensions import db
    from marketplace.initiatives.models import Initiative, InitiativeStatus
    from marketplace.money import format_cents
    from marketplace.organisations.models import Organisation

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "PAYMENT_PROVIDER": "mollie",
        "MOLLIE_API_KEY": MOLLIE_KEY, "MOLLIE_API_ENDPOINT": mollie.url,
        "RATELIMIT_ENABLED": False, "DONATION_RECEIPTS_ENABLED": False,
    })  # fmt: skip
    with app.app_context(), app.test_request_context():
        db.create_all()  # a data set generated by older code gains the tables added since
        # Checkouts an earlier run left open live only in that run's Mollie fake: expire them,
        # or a new checkout of the same donor, initiative and amount would reuse one.
        db.session.execute(
            update(Contribution)
            .where(Contribution.status == ContributionStatus.OPEN)
            .where(Contribution.provider == "mollie")
            .values(status=ContributionStatus.EXPIRED)
        )
        db.session.commit()
        gifts = func.count(Contribution.id)
        largest, small = (
            db.session.execute(
                select(Initiative.id, Initiative.slug)
                .join(Contribution, Contribution.initiative_id == Initiative.id)
                .group_by(Initiative.id).order_by(order).limit(1)
            ).one()
            for order in (gifts.desc(), gifts.asc())
        )  # fmt: skip
        counts = {
            "gifts": db.session.scalar(select(func.count()).select_from(Contribution)),
            "largest_gifts": db.session.scalar(
                select(func.count()).where(Contribution.initiative_id == largest.id)
            ),
            "initiatives": db.session.scalar(select(func.count()).select_from(Initiative)),
        }
        organisations = {
            holdings: db.session.scalar(select(Organisation.id).where(Organisation.name == name))
            for holdings, name in ORGANISATIONS.items()
        }
        staff = {
            holdings: BENCH_EMAIL if holdings == 200 else f"bench-staff-{holdings}@example.org"
            for holdings in ORGANISATIONS
        }
        tokens = {
            holdings: create_api_token(find_user_by_email(email), "bench")[1]
            for holdings, email in staff.items()
        }
        donor = find_user_by_email(HEAVY_EMAIL)
        donor_token = create_api_token(donor, "bench")[1]
        # Many gifts to many initiatives by many donors, as a national platform's webhooks are;
        # and one campaign: every gift to one small initiative from one donor (they queue on
        # that initiative's figures lock).
        rng = random.Random(5)
        published = list(db.session.scalars(
            select(Initiative.id).where(Initiative.status == InitiativeStatus.PUBLISHED)
            .order_by(Initiative.id)
        ))  # fmt: skip
        crowd = list(db.session.scalars(
            select(User.id).where(User.email.like("funder%@bench.example.org")).order_by(User.id)
        ))  # fmt: skip
        targets = rng.sample(published, min(WEBHOOK_INITIATIVES, len(published)))
        donors = [
            db.session.get(User, i) for i in rng.sample(crowd, min(WEBHOOK_DONORS, len(crowd)))
        ]
        spread, queued = (
            [(rng.choice(donors), rng.choice(targets)) for _n in range(count)]
            for count in (WEBHOOK_PAYMENTS, WEBHOOK_QUEUED_PAYMENTS)
        )
        campaign = [(donor, small.id)] * WEBHOOK_PAYMENTS
        payment_ids = {}
        for row, gifts in (("spread", spread), ("campaign", campaign), ("queued", queued)):
            payment_ids[row] = [
                start_checkout(giver, initiative_id, format_cents(500 + n)).provider_payment_id
                for n, (giver, initiative_id) in enumerate(gifts)
            ]  # distinct amounts: distinct gifts, never an open checkout reused
            for payment_id in payment_ids[row]:
                mollie.pay(payment_id)
    return {
        "largest": largest, "small": small, "counts": counts, "organisations": organisations,
        "staff": staff, "tokens": tokens, "donor_token": donor_token,
        "payment_ids": payment_ids, "donor_email": HEAVY_EMAIL,
        "webhook_spread": (len(targets), len(donors)),
    }  # fmt: skip


def endpoints(server: Server, data: dict, cookies: dict) -> list[tuple]:
    """(name, path, wrk options, target) per measured endpoint."""
    auth = {h: f"Authorization: Bearer {t}" for h, t in data["tokens"].items()}
    largest, small = data["largest"], data["small"]
    page = "page"
    rows = [
        ("initiative list", "/initiatives", {}, page),
        (f"initiative page (small: {small.slug})", f"/initiatives/{small.slug}", {}, page),
        (f"initiative page (largest, {data['counts']['largest_gifts']:,} gifts)",
         f"/initiatives/{largest.slug}", {}, page),
        ("social-return API (largest)", f"/api/v1/initiatives/{largest.id}/social-return", {},
         "p95<50"),
        ("exchange home", "/exchange/", {}, page),
        ("index chart", "/exchange/indices", {}, page),
        ("savings", "/exchange/savings", {}, page),
        ("methodology", "/methodology", {}, page),
        ("donation start (simulator)", "/api/v1/donations",
         {"lua": LUA_POST, "headers": [f"Authorization: Bearer {data['donor_token']}"],
          "env": {"WRK_TYPE": "application/json", "WRK_BODY": json.dumps(
              {"initiative_id": small.id, "amount": "25.00", "currency": "EUR"})}}, "none"),
    ]  # fmt: skip
    for holdings, org_id in data["organisations"].items():
        target = "p95<150" if holdings >= 1000 else "p95<50"
        rows.append((f"portfolio page ({holdings} holdings)",
                     f"/organisations/{org_id}/portfolio",
                     {"headers": [cookies[holdings]]}, target))  # fmt: skip
        rows.append((f"portfolio API ({holdings} holdings)",
                     f"/api/v1/organisations/{org_id}/portfolio",
                     {"headers": [auth[holdings]]}, target))  # fmt: skip
    return rows


ROUNDS = 3


def measure(server: Server, rows: list[tuple], duration: int) -> tuple[list[dict], dict]:
    """Each endpoint, and the ceiling between them, as the best of `ROUNDS` runs.

    wrk's 2 keep-alive connections are each accepted by one of the 2 gunicorn workers; when both
    land on the same worker, every request waits for that one process and the rate halves (/ping
    alternates between about 1,100 and 2,100 requests a second). The best of a few runs measures
    every endpoint, and the ceiling, with its connections on both workers.
    """
    ceilings = {"/ping": [], "/ping.html": []}
    results = []
    seconds = max(duration // 2, 3)

    def ceiling():
        for path in ceilings:
            ceilings[path].append(wrk(server.base + path, seconds))

    ceiling()
    for n, (name, path, options, target) in enumerate(rows):
        runs = [wrk(server.base + path, seconds, **options) for _round in range(ROUNDS)]
        result = max(runs, key=lambda run: run["rps"])
        results.append({"name": name, "target": target, **result})
        rates = ", ".join(f"{run['rps']:.0f}" for run in runs)
        print(f"  {name}: {result['rps']:.0f} req/s, p95 {result['p95']:.1f} ms (runs: {rates})",
              flush=True)  # fmt: skip
        if n % 5 == 4:
            ceiling()
    ceiling()
    best = {path: max(runs, key=lambda r: r["rps"]) for path, runs in ceilings.items()}
    return results, best


def measure_webhooks(server: Server, payment_ids: list[str], duration: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".ids", delete=False) as handle:
        handle.write("\n".join(payment_ids))
    result = wrk(server.base + "/webhooks/mollie", duration, connections=8, lua=LUA_WEBHOOK,
                 env={"WRK_IDS": handle.name})  # fmt: skip
    os.unlink(handle.name)
    return result


def measure_queued_webhooks(server: Server, url: str, payment_ids: list[str], duration: int):
    """The webhooks stored and answered at once (WEBHOOKS_QUEUED) while `WEBHOOK_WORKERS`
    workers apply them; then how many gifts a second the workers applied, from the first webhook
    until the inbox was empty."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    flask = str(Path(sys.executable).with_name("flask"))
    command = ["nice", "-n", "10", flask, "--app", "wsgi", "payments", "webhook-worker"]
    workers = [
        subprocess.Popen(command, cwd=ROOT, env=server.env, stdout=subprocess.DEVNULL)
        for _n in range(WEBHOOK_WORKERS)
    ]
    started = time.monotonic()
    result = measure_webhooks(server, payment_ids, duration)
    with engine.connect() as connection:
        while connection.execute(text("SELECT count(*) FROM received_webhooks")).scalar():
            if time.monotonic() - started > 900:
                break
            time.sleep(0.1)
        result["drained_seconds"] = time.monotonic() - started
        result["applied"] = connection.execute(
            text("SELECT count(*) FROM contributions WHERE provider_payment_id = ANY(:ids) "
                 "AND status = 'paid'"), {"ids": payment_ids},
        ).scalar()  # fmt: skip
    for worker in workers:
        worker.terminate()
        worker.wait(timeout=30)
    engine.dispose()
    result["applied_rps"] = result["applied"] / result["drained_seconds"]
    return result


def measure_reports(url: str, processes: int, seconds: int) -> dict:
    """Reports built a second by `processes` concurrent `reports run` of last month, once they
    are building (each process first reads who wants which report)."""
    from sqlalchemy import create_engine, text

    today = date.today()
    period = f"{today.year if today.month > 1 else today.year - 1}-{(today.month - 2) % 12 + 1:02d}"
    engine = create_engine(url)

    def built() -> int:
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT count(*) FROM reports WHERE status IN ('built', 'sent')")
            ).scalar()

    def reset():
        with engine.begin() as connection:
            for table_name in ("mail_attachments", "mail_messages", "reports"):
                connection.execute(text(f"DELETE FROM {table_name}"))  # noqa: S608

    reset()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench",
           "REPORT_BUILD_WORKERS": str(max(1, 2 // processes))}  # fmt: skip
    command = [str(Path(sys.executable).with_name("flask")), "--app", "wsgi", "reports", "run",
               "--period", period, "--no-deliver"]  # fmt: skip
    runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
            for _ in range(processes)]  # fmt: skip
    deadline = time.monotonic() + 300
    while built() < 20 and time.monotonic() < deadline:
        time.sleep(0.5)
    first_count, first_time = built(), time.monotonic()
    time.sleep(seconds)
    last_count, last_time = built(), time.monotonic()
    for run in runs:
        run.terminate()
    for run in runs:
        run.wait(timeout=60)
    reset()
    engine.dispose()
    count = last_count - first_count
    elapsed = last_time - first_time
    return {"processes": processes, "built": count, "seconds": elapsed, "rate": count / elapsed}


def measure_cold_portfolios(url: str, data: dict, repeat: int = 7) -> list[dict]:
    """Each portfolio page and API answer built anew, in this process without a cache: what the
    first reader after a change of the figures waits for (median and best of `repeat`)."""
    from marketplace import create_app

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False, "CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True,
    })  # fmt: skip
    rows = []
    for holdings, org_id in data["organisations"].items():
        client = app.test_client()
        client.post("/account/login", data={"email": data["staff"][holdings],
                                            "password": BENCH_PASSWORD})  # fmt: skip
        auth = {"Authorization": f"Bearer {data['tokens'][holdings]}"}
        for kind, path, headers in (
            ("page", f"/organisations/{org_id}/portfolio", {}),
            ("API", f"/api/v1/organisations/{org_id}/portfolio", auth),
        ):
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                response = client.get(path, headers=headers)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            times.sort()
            rows.append({"name": f"portfolio {kind} ({holdings} holdings)",
                         "median": times[len(times) // 2], "best": times[0]})  # fmt: skip
            print(f"  cold {rows[-1]['name']}: median {rows[-1]['median']:.0f} ms", flush=True)
    return rows


def verdict(row: dict, ceiling: dict) -> str:
    if row["errors"]:
        return f"no ({row['errors']} errors)"
    ratio = row["rps"] / ceiling["rps"]
    target = row["target"]
    if target == "page":
        return "yes" if ratio >= 0.5 and row["p95"] < 50 else "no"
    if target.startswith("p95<"):
        return "yes" if row["p95"] < float(target[4:]) else "no"
    return "-"


def machine() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    )  # fmt: skip
    memory = next(
        (line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
         if line.startswith("MemTotal")), "0",
    )  # fmt: skip
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    return (f"{os.cpu_count()} × {cpu}, {int(memory) // 1024 // 1024} GiB, "
            f"{platform.system()} {platform.release()}; load average {load}")  # fmt: skip


def table(results, ceilings, webhook, reports, data) -> str:
    ping, page = ceilings["/ping"], ceilings["/ping.html"]
    lines = [
        "| endpoint | req/s | p50 ms | p95 ms | p99 ms | ratio to ceiling | target met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
        f"| /ping (trivial view) | {ping['rps']:.0f} | {ping['p50']:.1f} | {ping['p95']:.1f} | "
        f"{ping['p99']:.1f} | – | – |",
        f"| /ping.html (trivial Jinja page: the ceiling) | {page['rps']:.0f} | {page['p50']:.1f} | "
        f"{page['p95']:.1f} | {page['p99']:.1f} | 1.00 | – |",
    ]
    for row in results:
        lines.append(
            f"| {row['name']} | {row['rps']:.0f} | {row['p50']:.1f} | {row['p95']:.1f} | "
            f"{row['p99']:.1f} | {row['rps'] / page['rps']:.2f} | {verdict(row, page)} |"
        )
    initiatives, donors = data["webhook_spread"]
    names = {
        "spread": f"Mollie webhook, first deliveries, 8 clients, applied in the request "
        f"({initiatives} initiatives, {donors:,} donors)",
        "campaign": "Mollie webhook, first deliveries, 8 clients, applied in the request, one "
        "campaign (one initiative, one donor)",
        "queued": f"Mollie webhook, first deliveries, 8 clients, queued (WEBHOOKS_QUEUED; "
        f"{initiatives} initiatives, {donors:,} donors; {WEBHOOK_WORKERS} workers applying)",
    }
    for row, result in webhook.items():  # all against the same target: nothing hidden
        met = (
            "yes" if result["rps"] > 100 and result["p99"] < 100 and not result["errors"] else "no"
        )
        lines.append(
            f"| {names[row]} | {result['rps']:.0f} | {result['p50']:.1f} | {result['p95']:.1f} | "
            f"{result['p99']:.1f} | {result['rps'] / page['rps']:.2f} | {met} |"
        )
        if "applied_rps" in result:
            lines.append(
                f"| … of which applied by the {WEBHOOK_WORKERS} workers (until the inbox was "
                f"empty) | {result['applied_rps']:.0f} gifts/s | {result['applied']:,} in "
                f"{result['drained_seconds']:.0f} s | | | | – |"
            )
    for run in reports:
        met = "yes" if run["rate"] >= 28 else "no"
        lines.append(
            f"| report run, {run['processes']} process(es) | {run['rate']:.1f} reports/s | "
            f"{run['built']} in {run['seconds']:.0f} s | | | | {met} |"
        )
    return "\n".join(lines)


def cold_table(cold: list[dict]) -> str:
    lines = ["| answer built anew | median ms | best ms |", "| --- | ---: | ---: |"]
    lines += [f"| {row['name']} | {row['median']:.0f} | {row['best']:.0f} |" for row in cold]
    return "\n".join(lines)


def write_report(text_table: str, data: dict, args) -> None:
    counts = data["counts"]
    document = ROOT / "docs" / "performance.md"
    previous = document.read_text() if document.exists() else ""
    marker = "<!-- explain -->"
    explain = previous[previous.index(marker) :] if marker in previous else ""
    body = f"""# Performance at national scale

Measured by `make bench` (bench/run.py) on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.

Machine: {machine()}.
Data set (bench/generate.py, seed 5): {counts["initiatives"]:,} initiatives,
{counts["gifts"]:,} gifts (the largest initiative {counts["largest_gifts"]:,}).
Server: gunicorn {args.workers} workers × {args.threads} threads, PostgreSQL, page cache in
{"Redis" if args.redis else "each process"}; load generator wrk, 2 connections
(the best of 3 runs of {max(args.duration // 2, 3)} s per endpoint: with 2 connections on 2 workers
a run whose connections both land on one worker measures half), the webhooks at 8 connections
for {args.duration} s (first deliveries of up to {WEBHOOK_PAYMENTS:,} paid gifts per row applied in
the request, {WEBHOOK_QUEUED_PAYMENTS:,} for the queued row, where {WEBHOOK_WORKERS}
`payments webhook-worker` processes at `nice 10` apply them meanwhile and until the inbox is
empty). "Ratio" is the endpoint's
requests per second over those of a trivial Jinja page of the same server, measured in the same
run (the best of its rounds).

{text_table}
"""
    if data.get("cold"):
        body += f"""
Portfolios are kept per funder while nothing they show changes (`portfolios/cached.py`), so the
rows above are mostly answers from the cache. The first reader after a change of the figures of
one of the held initiatives waits for the portfolio to be built anew; measured in-process,
one request at a time, without a cache:

{cold_table(data["cold"])}
"""
    document.write_text(body + ("\n" + explain if explain else ""))
    print(f"\nwritten to {document.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--report-seconds", type=int, default=60)
    parser.add_argument("--skip-reports", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    ensure_database(url)
    if args.regenerate or not has_data(url):
        subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--reset"],
                       env={**os.environ, "BENCH_DATABASE_URL": url}, check=True)  # fmt: skip
    args.redis = os.environ.get("CACHE_REDIS_URL", "")
    from tests.fakes import fake_mollie

    with ExitStack() as stack:
        mollie = stack.enter_context(fake_mollie())
        data = prepare(url, mollie)
        server = Server(url, mollie.url, args.redis, args.workers, args.threads)
        stack.callback(server.stop)
        cookies = {h: server.login(email) for h, email in data["staff"].items()}
        results, ceilings = measure(server, endpoints(server, data, cookies), args.duration)
        webhook = {}
        for row in ("spread", "campaign"):
            webhook[row] = result = measure_webhooks(
                server, data["payment_ids"][row], args.duration
            )
            print(f"  webhooks ({row}): {result['rps']:.0f} req/s, p99 {result['p99']:.1f} ms",
                  flush=True)  # fmt: skip
        server.stop()
        queued = Server(url, mollie.url, args.redis, args.workers, args.threads,
                        WEBHOOKS_QUEUED="true")  # fmt: skip
        stack.callback(queued.stop)
        webhook["queued"] = result = measure_queued_webhooks(
            queued, url, data["payment_ids"]["queued"], args.duration
        )
        print(f"  webhooks (queued): {result['rps']:.0f} req/s, p99 {result['p99']:.1f} ms; "
              f"{result['applied_rps']:.0f} applied/s", flush=True)  # fmt: skip
    data["cold"] = measure_cold_portfolios(url, data)
    reports = [] if args.skip_reports else [
        measure_reports(url, n, args.report_seconds) for n in (1, 2)
    ]  # fmt: skip
    text_table = table(results, ceilings, webhook, reports, data)
    print("\n" + text_table + "\n\n" + cold_table(data["cold"]))
    write_report(text_table, data, args)


if __name__ == "__main__":
    main()
