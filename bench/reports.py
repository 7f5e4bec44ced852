"""Benchmark: build (HTML + PDF) monthly impact reports; reports per second.

    .venv/bin/python bench/reports.py [--portfolios 1000] [--holdings 5]

Creates a throw-away SQLite database with N funders (each with `holdings` paid gifts over the
last year across 200 initiatives, a fifth of them with an accepted outcome report), then times
`run_due_reports` for one month with delivery off (building + storing + queueing), and the pure
build (figures + HTML + PDF) separately. Prints reports/s and the implied time for 10,000
portfolios on 2 cores (two scheduler processes share the work through the report claims).
"""

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--portfolios", type=int, default=1000)
    parser.add_argument("--holdings", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "INSTANCE_PATH": str(folder),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
            "MAIL_SERVER": "",
            "MAIL_OUTBOX_DIR": str(folder / "outbox"),
        }
    )
    with app.app_context():
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
        print(f"seeded {args.portfolios} portfolios in {time.perf_counter() - started:.1f}s")

        from marketplace.reporting import services

        started = time.perf_counter()
        result = services.run_due_reports("2026-10", now=datetime(2026, 11, 1, 5, tzinfo=UTC))
        elapsed = time.perf_counter() - started
    rate = result.built / elapsed if elapsed else 0.0
    print(f"built {result.built} reports (HTML + PDF, stored, mail queued) in {elapsed:.1f}s")
    print(f"  failed {result.failed}, skipped {result.skipped}")
    print(f"rate: {rate:.2f} reports/s on one core")
    if rate:
        minutes = 10_000 / (rate * 2) / 60
        print(
            f"implied 10,000 portfolios on 2 cores (2 scheduler processes): {minutes:.1f} min "
            f"(goal 15 min)"
        )


if __name__ == "__main__":
    main()
