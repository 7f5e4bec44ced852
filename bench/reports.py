"""Benchmark: build (HTML + PDF) monthly impact reports; reports per second.

    .venv/bin/python bench/reports.py [--portfolios 1000] [--holdings 5] [--workers 1,2]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_reports]

Creates a throw-away database (SQLite by default; --database-url for PostgreSQL, whose schema is
dropped and recreated) with N funders (each with `holdings` paid gifts over the last year across
200 initiatives, a fifth of them with an accepted outcome report), then times `run_due_reports`
for one month with delivery off (claim + figures + HTML + PDF + store + queue mail), once per
REPORT_BUILD_WORKERS value in --workers (the reports are deleted between runs). Workers 1 is the
serial path (one core); workers 2 renders the PDFs in a pool of two processes (two cores).

Prints reports/s (wall clock, and per CPU second, split between this process and the PDF pool)
and the implied time for 10,000 reports at that rate, and for 10,000 portfolios if the
initiative reports are counted as overhead (wall time x 10,000 / N).
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from marketplace import create_app  # noqa: E402
from marketplace.extensions import db  # noqa: E402


def seed(portfolios: int, holdings: int) -> None:
    from marketplace.accounts.models import User
    from marketplace.donations.models import Contribution, ContributionStatus
    from marketplace.initiatives.models import Initiative, InitiativeStatus, Theme

    owner = User(email="owner@bench.example", name="Owner", password_hash="x")
    db.session.add(owner)
    initiatives = []
    themes = list(Theme)
    for n in range(200):
        initiative = Initiative(
            slug=f"bench-{n}",
            name=f"Bench initiatief {n}",
            theme=themes[n % len(themes)],
            municipality="Utrecht",
            status=InitiativeStatus.PUBLISHED,
        )
        initiative.owners.append(owner)
        initiatives.append(initiative)
    db.session.add_all(initiatives)
    db.session.flush()
    users = [
        User(
            email=f"funder{n}@bench.example",
            name=f"Funder {n}",
            password_hash="x",
            locale="nl" if n % 3 else "en",
        )
        for n in range(portfolios)
    ]
    db.session.add_all(users)
    db.session.flush()
    rows = []
    for n, user in enumerate(users):
        for h in range(holdings):
            month = (n + h) % 10 + 1
            rows.append(
                Contribution(
                    initiative_id=initiatives[(n * 7 + h * 13) % 200].id,
                    user_id=user.id,
                    amount_cents=2500 + 100 * h,
                    provider="simulator",
                    provider_payment_id=f"bench-{n}-{h}",
                    status=ContributionStatus.PAID,
                    paid_at=datetime(2026, month, 5, 12, tzinfo=UTC),
                )
            )
    db.session.add_all(rows)
    db.session.commit()
    _accepted_reports(initiatives[:40])


def _accepted_reports(initiatives) -> None:
    from marketplace.impact.models import (
        InitiativeOutcome,
        Metric,
        MetricProxy,
        OutcomeReport,
        OutcomeReportValue,
        ReportPeriod,
        ReportStatus,
        ValueKind,
    )
    from marketplace.initiatives.models import Theme

    metric = Metric(
        code="bench",
        theme=Theme.CARE,
        name_nl="Mensen geholpen",
        name_en="People helped",
        unit="person",
        value_kind=ValueKind.FISCAL,
    )
    proxy = MetricProxy(value=Decimal("150"), valid_from=date(2020, 1, 1))
    metric.proxies.append(proxy)
    db.session.add(metric)
    db.session.flush()
    for initiative in initiatives:
        db.session.add(
            InitiativeOutcome(
                initiative_id=initiative.id,
                metric=metric,
                deadweight=0,
                displacement=0,
                attribution=0,
                drop_off=0,
                duration_years=1,
            )
        )
        report = OutcomeReport(
            initiative_id=initiative.id,
            period=ReportPeriod.QUARTER,
            period_start=date(2026, 7, 1),
            period_end=date(2026, 9, 30),
            status=ReportStatus.ACCEPTED,
            evidence_level=2,
            reviewed_at=datetime(2026, 10, 10, tzinfo=UTC),
        )
        report.values.append(
            OutcomeReportValue(
                metric_id=metric.id,
                quantity=Decimal(20),
                proxy_id=proxy.id,
                deadweight=0,
                displacement=0,
                attribution=0,
                drop_off=0,
                duration_years=1,
            )
        )
        db.session.add(report)
    db.session.commit()


def _cpu_seconds() -> tuple[float, float]:
    """(this process, its finished children: the PDF pool) CPU seconds."""
    times = os.times()
    return times.user + times.system, times.children_user + times.children_system


def _clear_reports() -> None:
    from marketplace.mail.models import MailMessage
    from marketplace.reporting.models import Report

    db.session.execute(MailMessage.__table__.delete())
    db.session.execute(Report.__table__.delete())
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--portfolios", type=int, default=1000)
    parser.add_argument("--holdings", type=int, default=5)
    parser.add_argument(
        "--workers", default="1,2", help="REPORT_BUILD_WORKERS values to time, e.g. 1,2"
    )
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "INSTANCE_PATH": str(folder),
            "SQLALCHEMY_DATABASE_URI": args.database_url or f"sqlite:///{folder / 'bench.db'}",
            "MAIL_SERVER": "",
            "MAIL_OUTBOX_DIR": str(folder / "outbox"),
        }
    )
    with app.app_context():
        if args.database_url:
            db.drop_all()
        db.create_all()
        started = time.perf_counter()
        seed(args.portfolios, args.holdings)
        try:
            from marketplace.exchange.figures import refresh_initiative_figures

            for initiative_id in range(1, 201):
                refresh_initiative_figures(initiative_id)
            db.session.commit()
        except ImportError:
            pass
        print(
            f"seeded {args.portfolios} portfolios in {time.perf_counter() - started:.1f}s "
            f"({db.engine.dialect.name}; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f})"
        )

        from marketplace.reporting.runs import run_due_reports

        for workers in [int(w) for w in args.workers.split(",") if w.strip()]:
            _clear_reports()
            app.config["REPORT_BUILD_WORKERS"] = workers
            (main_cpu, pool_cpu), started = _cpu_seconds(), time.perf_counter()
            result = run_due_reports("2026-10", now=datetime(2026, 11, 1, 5, tzinfo=UTC))
            elapsed = time.perf_counter() - started
            main_after, pool_after = _cpu_seconds()
            main_cpu, pool_cpu = main_after - main_cpu, pool_after - pool_cpu
            cpu = main_cpu + pool_cpu
            rate = result.built / elapsed if elapsed else 0.0
            print(
                f"workers={workers}: {result.built} reports ({args.portfolios} portfolios + "
                f"initiatives; failed {result.failed}) in {elapsed:.1f}s wall, {cpu:.1f}s CPU "
                f"({main_cpu:.1f}s claims, figures, HTML and storing; {pool_cpu:.1f}s PDF pool)"
            )
            print(
                f"  {rate:.2f} reports/s wall ({rate / workers:.2f} per worker), "
                f"{result.built / cpu:.2f} reports per CPU second"
            )
            per_portfolio = elapsed * 10_000 / args.portfolios / 60
            print(
                f"  10,000 reports at this rate: {10_000 / rate / 60:.1f} min; counting the "
                f"initiative reports as overhead: {per_portfolio:.1f} min (goal: 15 min on 2 cores)"
            )
    if args.database_url:
        with app.app_context():
            db.drop_all()


if __name__ == "__main__":
    main()
