"""Webhook throughput: POST /webhooks/mollie against the Mollie fake, on PostgreSQL, beside a
trivial /ping served the same way (werkzeug threaded server, same client pool) as the ceiling.

    createdb -h 127.0.0.1 -U postgres bench_webhooks
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_webhooks \
        .venv/bin/python bench/webhooks.py [--payments 400] [--clients 8] \
        [--initiatives 1] [--donors 1] [--queued]

Every webhook makes the app fetch the payment from the fake over HTTP, lock the contribution row
and apply the answer (first delivery: paid + ledger row + receipt mail to instance/outbox;
repeat deliveries: a replay, no change). Prints requests per second for each.

By default every payment is one donor's gift to one initiative (one campaign: the gifts queue on
that initiative's figures lock); `--initiatives 300 --donors 1000` spreads them, seeded, over
many, as a national platform's webhooks are. `--queued` sets WEBHOOKS_QUEUED: the webhooks are
stored and answered, then applied from the inbox (as `payments webhook-worker` does, in this
process), and the gifts applied a second are printed too.
"""

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from marketplace import create_app  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from tests.fakes import FakeServer, fake_mollie  # noqa: E402

RETRIES: list[int] = []


def run(url: str, bodies: list[dict | None], clients: int) -> float:
    local = {}

    def post(body):
        session = local.setdefault(os.getpid(), {}).setdefault(id(time), requests.Session())
        for _try in range(20):  # like a provider: retry a 503 (lock timeout / conflict)
            if body is None:
                response = session.get(url, timeout=30)
            else:
                response = session.post(url, data=body, timeout=30)
            if response.status_code != 503:
                break
            RETRIES.append(1)
        assert response.status_code == 200, (response.status_code, response.text[:200])

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(post, bodies))
    return len(bodies) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--payments", type=int, default=400)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--initiatives", type=int, default=1, help="gifts spread over so many")
    parser.add_argument("--donors", type=int, default=1, help="gifts spread over so many")
    parser.add_argument("--queued", action="store_true", help="store first, apply from the inbox")
    args = parser.parse_args()
    database = os.environ.get(
        "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_webhooks"
    )
    instance = tempfile.mkdtemp(prefix="bench-webhooks-")
    with fake_mollie() as mollie:
        app = create_app(
            {
                "INSTANCE_PATH": instance,
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": database,
                "PAYMENT_PROVIDER": "mollie",
                "MOLLIE_API_KEY": "test_benchbenchbenchbenchbenchbench",
                "MOLLIE_API_ENDPOINT": mollie.url,
                "MAIL_OUTBOX_DIR": str(Path(instance) / "outbox"),
                "RATELIMIT_ENABLED": False,
                "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 20, "max_overflow": 10},
                "WEBHOOKS_QUEUED": args.queued,
            }
        )
        app.add_url_rule("/ping", "bench_ping", lambda: "pong")
        payment_ids = prepare(app, mollie, args.payments, args.initiatives, args.donors)
        with FakeServer(app) as server:
            ping = run(server.url + "/ping", [None] * args.payments, args.clients)
            first = run(
                server.url + "/webhooks/mollie", [{"id": p} for p in payment_ids], args.clients
            )
            applied = apply_inbox(app) if args.queued else None
            replay = run(
                server.url + "/webhooks/mollie", [{"id": p} for p in payment_ids], args.clients
            )
            if args.queued:
                apply_inbox(app)
        with app.app_context():
            from marketplace.donations.models import Contribution, ContributionStatus

            paid = db.session.query(Contribution).filter_by(status=ContributionStatus.PAID).count()
    print(f"database       {app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}")
    print(f"clients        {args.clients} concurrent, {args.payments} requests per run")
    print(f"spread         {args.initiatives} initiative(s), {args.donors} donor(s)")
    print(f"/ping          {ping:8.0f} req/s  (ceiling: same server, trivial view)")
    if args.queued:
        print(f"webhook first  {first:8.0f} req/s  (stored in the inbox and answered)")
        print(f"inbox applied  {applied:8.0f} gifts/s (fetch + lock + paid + ledger + mail)")
        print(f"webhook replay {replay:8.0f} req/s  (stored again, applied: a no-op)")
    else:
        print(f"webhook first  {first:8.0f} req/s  (fetch from fake + lock + paid + ledger + mail)")
        print(f"webhook replay {replay:8.0f} req/s  (fetch from fake + lock + no-op)")
    print(f"paid contributions: {paid} of {args.payments}; 503 answers retried: {len(RETRIES)}")


def apply_inbox(app) -> float:
    """Apply the stored webhooks as a worker does; gifts a second."""
    from marketplace.donations.inbox import work

    started = time.perf_counter()
    with app.app_context():
        applied = work(once=True).applied
        db.session.remove()
    return applied / (time.perf_counter() - started)


def prepare(app, mollie, count: int, initiatives: int = 1, donors: int = 1) -> list[str]:
    """Fresh schema; `count` contributions paid at the fake, each by one of `donors` donors to
    one of `initiatives` initiatives (seeded: the same spread every run)."""
    import random

    from sqlalchemy import text

    from marketplace.accounts.models import User
    from marketplace.accounts.passwords import hash_password
    from marketplace.donations.checkout import start_checkout
    from marketplace.initiatives.models import Initiative, InitiativeStatus, Theme
    from marketplace.money import format_cents

    rng = random.Random(5)
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        db.create_all()
        secret = hash_password("bench-password-123")  # once: slow on purpose
        people = [
            User(email=f"bench{n}@example.org", name=f"Bench donor {n}", password_hash=secret)
            for n in range(donors)
        ]
        places = [
            Initiative(
                slug=f"bench-{n}", name=f"Bench {n}", theme=Theme.CARE, municipality="Utrecht",
                status=InitiativeStatus.PUBLISHED, funding_goal_cents=10**9,
            )
            for n in range(initiatives)
        ]  # fmt: skip
        db.session.add_all([*people, *places])
        db.session.commit()
        ids = []
        with app.test_request_context():
            for n in range(count):
                donor, initiative = rng.choice(people), rng.choice(places)
                contribution = start_checkout(
                    donor, initiative.id, format_cents(1000 + n)
                )  # distinct gifts
                ids.append(contribution.provider_payment_id)
        for payment_id in ids:
            mollie.pay(payment_id)
        return ids


if __name__ == "__main__":
    main()
