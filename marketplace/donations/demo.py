"""Demo gifts: paid contributions from the demo donor and the foundation staff, spread over the
last 18 months, made through the simulator and the one status-update path (idempotent)."""

from datetime import timedelta

from sqlalchemy import select

from marketplace.donations.models import Contribution, Interval
from marketplace.donations.providers.simulator import SimulatorProvider
from marketplace.donations.simulator_state import SimulatorPayment
from marketplace.donations.status import apply_payment_status
from marketplace.extensions import db
from marketplace.timeutil import utcnow

# (giver, initiative index, amount in cents, days ago, anonymous, message)
DEMO_GIFTS = [
    ("donor", 0, 2500, 530, False, "Mooi werk!"),
    ("donor", 0, 2500, 400, False, ""),
    ("donor", 1, 5000, 300, True, ""),
    ("donor", 2, 1500, 200, False, "Succes met het café."),
    ("donor", 8, 3500, 120, False, ""),
    ("donor", 0, 2500, 30, False, ""),
    ("foundation staff", 4, 250000, 500, False, "Namens het fonds."),
    ("foundation staff", 5, 500000, 350, False, ""),
    ("foundation staff", 8, 150000, 210, False, ""),
    ("foundation staff", 12, 200000, 90, False, ""),
    ("foundation staff", 3, 100000, 15, False, ""),
]


def seed_demo_gifts(users: dict, initiatives: list) -> int:
    """Create the demo gifts that do not exist yet; returns how many were created."""
    created = 0
    now = utcnow()
    for number, (giver, index, cents, days_ago, anonymous, message) in enumerate(DEMO_GIFTS):
        if index >= len(initiatives) or giver not in users:
            continue
        payment_id = f"sim_demo_{number:03d}"
        if db.session.scalar(
            select(Contribution.id).where(Contribution.provider_payment_id == payment_id)
        ):
            continue
        user, initiative = users[giver], initiatives[index]
        paid_at = now - timedelta(days=days_ago)
        db.session.add(
            SimulatorPayment(
                id=payment_id,
                idempotency_key=f"demo-{number}",
                amount_cents=cents,
                currency="EUR",
                description=f"Demo gift {initiative.name}",
                status="paid",
                paid_at=paid_at,
                created_at=paid_at,
            )
        )
        contribution = Contribution(
            initiative_id=initiative.id,
            user_id=user.id,
            amount_cents=cents,
            currency="EUR",
            interval=Interval.ONCE,
            provider="simulator",
            provider_payment_id=payment_id,
            method="ideal",
            anonymous=anonymous,
            message=message,
            donor_name=user.name,
            donor_email=user.email,
            created_at=paid_at,
            receipt_sent_at=paid_at,  # demo gifts do not send mail
        )
        db.session.add(contribution)
        db.session.commit()
        answer = SimulatorProvider({}).fetch_payment(payment_id)
        apply_payment_status(contribution.id, answer, source="demo")
        created += 1
    return created
