"""Portfolio benchmark: median and p95 of the portfolio page and API for the Bench Foundation
(200 holdings, five years of monthly data) beside /ping, all served by the same gunicorn.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench .venv/bin/python \\
        bench/generate.py --reset
    DATABASE_URL=... .venv/bin/python bench/portfolio.py [--count 200] [--workers 2]
"""

import argparse
import os
import re
import sys
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import gunicorn, print_rows, time_interleaved  # noqa: E402
from bench.generate import BENCH_EMAIL, BENCH_ORGANISATION, BENCH_PASSWORD  # noqa: E402


def prepare(url: str) -> tuple[int, str, int]:
    """The bench organisation's id, a fresh API token for its staff member, and the row counts."""
    from sqlalchemy import func, select

    from marketplace import create_app
    from marketplace.accounts.services import create_api_token, find_user_by_email
    from marketplace.donations.models import Contribution
    from marketplace.extensions import db
    from marketplace.organisations.models import Organisation

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        org_id = db.session.scalar(
            select(Organisation.id).where(Organisation.name == BENCH_ORGANISATION)
        )
        if org_id is None:
            sys.exit("No Bench Foundation in this database: run bench/generate.py first.")
        _token, plaintext = create_api_token(find_user_by_email(BENCH_EMAIL), "bench")
        contributions = db.session.scalar(select(func.count()).select_from(Contribution))
        return org_id, plaintext, contributions


def login(base: str) -> requests.Session:
    session = requests.Session()
    page = session.get(base + "/account/login", timeout=30).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    response = session.post(
        base + "/account/login",
        data={"email": BENCH_EMAIL, "password": BENCH_PASSWORD,
              "csrf_token": token.group(1) if token else ""},
        timeout=30,
        allow_redirects=False,
    )  # fmt: skip
    if response.status_code != 302:
        sys.exit(f"log-in failed: {response.status_code}")
    return session


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("Set DATABASE_URL (the database filled by bench/generate.py).")
    org_id, token, contributions = prepare(url)
    with gunicorn(url, workers=args.workers) as base:
        session = login(base)
        page = session.get(f"{base}/organisations/{org_id}/portfolio", timeout=60)
        holdings = page.text.count("<tr data-initiative-id=")
        headers = {"Authorization": f"Bearer {token}"}
        page = f"{base}/organisations/{org_id}/portfolio"
        rows = time_interleaved(
            {
                "/ping": {"url": base + "/ping"},
                f"portfolio page ({holdings} holdings)": {"url": page, "session": session},
                "portfolio page, last 12 months": {"url": page + "?period=12m", "session": session},
                "API /organisations/{id}/portfolio": {
                    "url": f"{base}/api/v1/organisations/{org_id}/portfolio",
                    "headers": headers,
                },
            },
            args.count,
        )
    print_rows(
        f"Portfolio, {contributions:,} contributions in the database, gunicorn {args.workers} "
        f"workers, sequential requests taking turns",
        rows,
    )


if __name__ == "__main__":
    main()
