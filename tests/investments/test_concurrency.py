"""No oversubscription: 20 investors subscribe at the same moment for the last five units of an
offer; the offer's row lock lets exactly five through. PostgreSQL (real row locks, real
commits from 20 threads)."""

import os
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.accounts.services import create_api_token
from marketplace.extensions import db
from marketplace.investments import offers
from marketplace.investments.models import HOLDS_ROOM, Subscription
from marketplace.timeutil import utcnow
from tests.investments.conftest import pass_checks, subscribe_paid

pytestmark = pytest.mark.skipif(
    not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql"),
    reason="needs PostgreSQL (TEST_DATABASE_URL) for real row locks",
)


@pytest.mark.committed_db
def test_twenty_concurrent_subscriptions_never_oversubscribe(
    app, make_user, owner, admin, initiative
):
    now = utcnow()
    offer = offers.create_offer(
        owner,
        initiative.id,
        {
            "kind": "bond", "title": "Laatste obligaties", "target": "1000.00",
            "minimum": "50.00", "maximum": "1000.00", "unit_price": "50.00",
            "interest_rate": "3.00", "term_months": 12, "repayment": "bullet",
            "frequency": "yearly", "opens_at": (now - timedelta(days=1)).isoformat(),
            "closes_at": (now + timedelta(days=7)).isoformat(),
        },
    )  # fmt: skip
    offers.submit_offer(owner, offer.id)
    offers.approve_offer(admin, offer.id)
    subscribe_paid(offer, pass_checks(make_user()), units=15)  # 5 units (€ 250) left
    investors = [pass_checks(make_user()) for _ in range(20)]
    tokens = [create_api_token(investor, "race")[1] for investor in investors]
    offer_id = offer.id
    db.session.remove()

    barrier = threading.Barrier(20)
    codes: list[int] = []

    def subscribe(token: str) -> None:
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            response = client.post(
                f"/api/v1/offers/{offer_id}/subscriptions",
                json={"units": 1},
                headers={"Authorization": f"Bearer {token}"},
            )
            codes.append(response.status_code)
            db.session.remove()

    threads = [threading.Thread(target=subscribe, args=(t,), daemon=True) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(codes) == [201] * 5 + [422] * 15
    held = db.session.scalar(
        select(func.sum(Subscription.amount_cents)).where(
            Subscription.offer_id == offer_id, Subscription.status.in_(list(HOLDS_ROOM))
        )
    )
    assert held == 100000  # exactly the target, never more
