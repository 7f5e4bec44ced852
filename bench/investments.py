"""Investments at the scale of a large crowdfunding offer: N investors subscribe (through the
simulator and the one status path), the offer closes, instalments are split over all of them,
late instalments are checked, and one investor's portfolio is built.

    createdb -h 127.0.0.1 -U postgres bench_investments
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_investments \\
        .venv/bin/python bench/investments.py [--investors 300]

Without BENCH_DATABASE_URL it runs on a temporary SQLite file. Prints seconds per step.
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from marketplace import create_app  # noqa: E402
from marketplace.accounts.models import Role  # noqa: E402
from marketplace.accounts.services import create_user  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.initiatives.models import Initiative, InitiativeStatus, Theme  # noqa: E402
from marketplace.investments import offers, repayments, summaries  # noqa: E402
from marketplace.investments.closing import close_offer  # noqa: E402
from marketplace.investments.models import Offer  # noqa: E402
from marketplace.portfolios.build import build_portfolio  # noqa: E402
from marketplace.timeutil import utcnow  # noqa: E402
from tests.investments.conftest import pass_checks, start_on, subscribe_paid  # noqa: E402


def timed(label: str, work):
    started = time.perf_counter()
    result = work()
    print(f"{label:<52} {time.perf_counter() - started:8.2f} s")
    return result


def setup(investors: int):
    owner = create_user("owner@bench.example", "bench-password", "Owner")
    admin = create_user("admin@bench.example", "bench-password", "Admin", Role.ADMIN)
    initiative = Initiative(
        slug="bench-zon", name="Bench Zon", theme=Theme.ENERGY, municipality="Utrecht",
        status=InitiativeStatus.PUBLISHED,
    )  # fmt: skip
    initiative.owners.append(owner)
    db.session.add(initiative)
    db.session.commit()
    now = utcnow()
    offer = offers.create_offer(
        owner,
        initiative.id,
        {
            "kind": "loan", "title": "Bench", "target": f"{investors * 500}.00",
            "minimum": "100.00", "maximum": "5000.00", "interest_rate": "5.00",
            "term_months": 60, "repayment": "annuity", "frequency": "monthly",
            "opens_at": (now - timedelta(days=1)).isoformat(),
            "closes_at": (now + timedelta(days=7)).isoformat(),
        },
    )  # fmt: skip
    offers.submit_offer(owner, offer.id)
    offers.approve_offer(admin, offer.id)
    people = [pass_checks(create_user(f"i{n}@bench.example", "bench-password", f"I{n}"))
              for n in range(investors)]  # fmt: skip
    return owner, db.session.get(Offer, offer.id), people


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--investors", type=int, default=300)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    database = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.db'}"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "bench", "INSTANCE_PATH": str(folder),
         "PASSWORD_HASH_COST": "test", "PAYMENT_PROVIDER": "simulator",
         "MAIL_OUTBOX_DIR": str(folder / "outbox")}
    )  # fmt: skip
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.create_all()
        print(f"{args.investors} investors on {db.engine.dialect.name}")
        owner, offer, people = timed("investors pass the checks", lambda: setup(args.investors))
        timed(
            "subscribe and pay (simulator, one status path)",
            lambda: [subscribe_paid(offer, p, "500.00") for p in people],
        )
        offer.closes_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        outcome = timed("close the offer (funded, figures fed)", lambda: close_offer(offer.id))
        assert outcome is not None and outcome.value == "funded", outcome
        offer = start_on(offer, date(2021, 1, 15))
        schedule = timed(
            "offer schedule (sum of the investors')", lambda: summaries.offer_schedule(offer)
        )
        first = schedule["instalments"][0]["total"]
        timed(
            f"record one instalment ({first}) split over all",
            lambda: repayments.record_repayment(owner, offer.id, first, date(2021, 2, 15)),
        )
        timed(
            "check late instalments", lambda: repayments.flag_late_instalments(3, date(2021, 4, 1))
        )
        timed("one investor's portfolio", lambda: build_portfolio(people[0]))


if __name__ == "__main__":
    main()
