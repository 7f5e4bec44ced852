"""What payouts add to the money path, and what statements and exports cost.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_payouts \
        .venv/bin/python bench/payouts.py [--gifts 2000]

Without BENCH_DATABASE_URL it uses a temporary SQLite file. The schema is dropped and created.
Prints the median time of the one status path (`apply_payment_status`) for a gift becoming paid,
with its payout written in the same transaction and with that step switched off (taking turns);
then the time to claim and record one
transfer batch of every held gift, to build one month's statement (HTML data, CSV, PDF), and to
export one donor's data (the zip).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from marketplace import create_app, signals  # noqa: E402
from marketplace.accounts.models import User  # noqa: E402
from marketplace.accounts.services import create_user  # noqa: E402
from marketplace.donations import routing, status  # noqa: E402
from marketplace.donations.models import Contribution  # noqa: E402
from marketplace.donations.providers.base import ProviderPayment  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.initiatives.models import Initiative, InitiativeStatus, Theme  # noqa: E402
from marketplace.payouts import transfers  # noqa: E402
from marketplace.privacy.export import build_zip, person_data  # noqa: E402
from marketplace.settlement.statement_files import statement_csv, statement_pdf  # noqa: E402
from marketplace.settlement.statements import monthly_statement  # noqa: E402
from marketplace.timeutil import utcnow  # noqa: E402


def setup(app, gifts: int) -> tuple[int, int, list[int]]:
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    db.drop_all()
    db.create_all()
    donor = create_user("bench-payouts@example.org", "bench-password-123", "Bench Donor")
    initiative = Initiative(
        slug="bench-payouts", name="Bench", theme=Theme.CARE, municipality="Utrecht",
        status=InitiativeStatus.PUBLISHED, funding_goal_cents=10**9,
    )  # fmt: skip
    db.session.add(initiative)
    db.session.commit()
    rows = [
        Contribution(
            initiative_id=initiative.id,
            user_id=donor.id,
            amount_cents=1000 + n,
            tip_cents=100,
            fee_cents=25,
            provider="simulator",
            provider_payment_id=f"sim_bench_{n}",
        )  # fmt: skip
        for n in range(gifts)
    ]
    db.session.add_all(rows)
    db.session.commit()
    return donor.id, initiative.id, [c.id for c in rows]


def pay_one(contribution_id: int) -> float:
    """Seconds for the status path answering "paid" for one gift."""
    contribution = db.session.get(Contribution, contribution_id)
    answer = ProviderPayment(
        payment_id=contribution.provider_payment_id, status="paid",
        amount_cents=contribution.charged_cents, currency="EUR", paid_at=utcnow(),
    )  # fmt: skip
    started = time.perf_counter()
    status.apply_payment_status(contribution_id, answer, source="bench")
    return time.perf_counter() - started


def pay(ids: list[int]) -> tuple[float, float]:
    """Seconds per gift with and without the payout step, taking turns (same data, same drift).

    The figures' receivers are disconnected meanwhile: they run after the commit, outside the
    status path, and their cost grows with the month's gifts.
    """
    receivers = list(signals.contribution_changed.receivers_for(None))
    for receiver in receivers:
        signals.contribution_changed.disconnect(receiver)
    settle, times = routing.settle_gift_payout, {True: [], False: []}
    try:
        for number, contribution_id in enumerate(ids):
            with_payout = number % 2 == 0
            routing.settle_gift_payout = settle if with_payout else (lambda contribution: None)
            times[with_payout].append(pay_one(contribution_id))
    finally:
        routing.settle_gift_payout = settle
        for receiver in receivers:
            signals.contribution_changed.connect(receiver)
    return statistics.median(times[True]), statistics.median(times[False])


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gifts", type=int, default=2000)
    args = parser.parse_args()
    instance = tempfile.mkdtemp(prefix="bench-payouts-")
    database = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{instance}/bench.db"
    app = create_app(
        {
            "INSTANCE_PATH": instance, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": database,
            "DONATION_RECEIPTS_ENABLED": False, "PASSWORD_HASH_COST": "test",
        }
    )  # fmt: skip
    with app.app_context(), app.test_request_context():
        donor_id, initiative_id, ids = setup(app, args.gifts)
        half = len(ids) // 2
        with_payouts, without_payouts = pay(ids)
        claim, batch = timed(lambda: transfers.claim_batch(initiative_id, "simulator", "simacct_b"))
        initiative = db.session.get(Initiative, initiative_id)
        build, statement = timed(lambda: monthly_statement(initiative, utcnow()))
        csv_time, _csv = timed(lambda: statement_csv(statement))
        pdf_time, pdf = timed(lambda: statement_pdf(statement))
        donor = db.session.get(User, donor_id)
        export_time, archive = timed(lambda: build_zip(donor, person_data(donor)))
    print(f"database          {database.split('@')[-1]}")
    print(f"status path       {with_payouts * 1000:7.2f} ms/gift (median) with the payout written")
    print(f"                  {without_payouts * 1000:7.2f} ms/gift without (payout step off)")
    print(f"transfer batch    {claim * 1000:7.1f} ms to claim {half} held gifts "
          f"({batch.amount_cents / 100:.2f} EUR)")  # fmt: skip
    lines = len(statement.lines)
    print(f"statement         {build * 1000:7.1f} ms data, {csv_time * 1000:.1f} ms CSV, "
          f"{pdf_time * 1000:.0f} ms PDF ({lines} lines, {len(pdf)} bytes)")  # fmt: skip
    print(f"data export       {export_time * 1000:7.1f} ms zip of {len(ids)} gifts "
          f"({len(archive)} bytes)")  # fmt: skip


if __name__ == "__main__":
    main()
