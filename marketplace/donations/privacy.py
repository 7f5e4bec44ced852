"""A person's gifts in their data export, erasure and the retention purge.

Erasure: monthly gifts are stopped at the provider first; gifts that were never paid go; paid
gifts stay (fiscal retention) but lose the donor's name, address and message and become anonymous
on the donor wall, still pointing at the pseudonymised account. The purge deletes them, with their
ledger, once RETENTION_FISCAL_YEARS have passed after their year.
"""

from __future__ import annotations

from functools import partial

from sqlalchemy import delete, func, select, update

from marketplace import signals
from marketplace.accounts.models import User
from marketplace.donations.models import (
    Chargeback,
    Contribution,
    ContributionEvent,
    RecurringGift,
    Refund,
)
from marketplace.donations.receipts import reference
from marketplace.donations.recurring import cancel_recurring_gift, recurring_gifts_of
from marketplace.extensions import db
from marketplace.privacy.registry import DataDomain, Erasure, Purge, Rows, money, when
from marketplace.timeutil import as_utc


def _gift(c: Contribution) -> dict:
    return {
        "reference": reference(c),
        "initiative": c.initiative.name,
        "amount": money(c.amount_cents),
        "tip": money(c.tip_cents),
        "platform_fee": money(c.fee_cents),
        "currency": c.currency,
        "status": c.status.value,
        "interval": c.interval.value,
        "method": c.method,
        "anonymous": c.anonymous,
        "message": c.message,
        "name_on_receipt": c.donor_name,
        "email_for_receipt": c.donor_email,
        "refunded": money(c.refunded_cents),
        "charged_back": money(c.charged_back_cents),
        "reached_initiative": money(c.net_cents),
        "on_behalf_of_organisation": c.organisation_id,
        "created_at": when(c.created_at),
        "paid_at": when(c.paid_at),
    }


def export_gifts(user: User) -> dict[str, Rows]:
    gifts = db.session.scalars(
        select(Contribution).where(Contribution.user_id == user.id).order_by(Contribution.id)
    )
    monthly = db.session.scalars(
        select(RecurringGift).where(RecurringGift.user_id == user.id).order_by(RecurringGift.id)
    )
    refunds = db.session.scalars(
        select(Refund).where(Refund.requested_by_id == user.id).order_by(Refund.id)
    )
    return {
        "gifts": [_gift(c) for c in gifts],
        "monthly_gifts": [
            {
                "initiative": g.initiative.name,
                "amount": money(g.amount_cents),
                "tip": money(g.tip_cents),
                "status": g.status.value,
                "started_at": when(g.created_at),
                "stopped_at": when(g.canceled_at),
            }  # fmt: skip
            for g in monthly
        ],
        "refunds_requested": [
            {
                "gift": f"IB-{r.contribution_id:06d}",
                "amount": money(r.amount_cents),
                "status": r.status,
                "at": when(r.created_at),
            }  # fmt: skip
            for r in refunds
        ],
    }


def stop_monthly_gifts(user: User) -> None:
    """Before erasure: no provider may keep charging the person (ServiceUnavailable stops it)."""
    for gift in recurring_gifts_of(user):
        cancel_recurring_gift(user, gift.id)


def _delete_gifts(ids: list[int]) -> None:
    """Gifts with their ledger, refunds and chargebacks (a monthly gift's first, unlinked)."""
    if not ids:
        return
    db.session.execute(
        update(RecurringGift)
        .where(RecurringGift.first_contribution_id.in_(ids))
        .values(first_contribution_id=None)
    )
    for model in (ContributionEvent, Refund, Chargeback):
        db.session.execute(delete(model).where(model.contribution_id.in_(ids)))
    db.session.execute(delete(Contribution).where(Contribution.id.in_(ids)))


def erase_gifts(erasure: Erasure) -> None:
    """Unpaid gifts go; paid ones keep only what the tax rules need, anonymously."""
    mine = Contribution.user_id == erasure.user_id
    _delete_gifts(
        list(
            db.session.scalars(select(Contribution.id).where(mine, Contribution.paid_at.is_(None)))
        )
    )
    db.session.execute(
        update(Contribution)
        .where(mine)
        .values(donor_name="", donor_email="", message="", anonymous=True)
    )
    db.session.execute(
        update(RecurringGift)
        .where(RecurringGift.user_id == erasure.user_id)
        .values(message="", anonymous=True)
    )
    db.session.execute(
        update(Refund).where(Refund.requested_by_id == erasure.user_id).values(requested_by_id=None)
    )
    db.session.execute(
        update(ContributionEvent)
        .where(ContributionEvent.detail.contains(erasure.email))
        .values(detail=func.replace(ContributionEvent.detail, erasure.email, "(erased)"))
    )


def purge_gifts(purge: Purge) -> int:
    """Erased persons' gifts whose fiscal retention ended, and their monthly gifts once empty."""
    rows = db.session.execute(
        select(
            Contribution.id, Contribution.initiative_id, Contribution.user_id,
            Contribution.organisation_id, Contribution.paid_at,
        ).where(
            Contribution.user_id.in_(purge.erased_users),
            func.coalesce(Contribution.paid_at, Contribution.created_at) < purge.fiscal_cutoff,
        )
    ).all()  # fmt: skip
    _delete_gifts([row.id for row in rows])
    left = select(Contribution.id).where(Contribution.recurring_gift_id == RecurringGift.id)
    db.session.execute(
        delete(RecurringGift).where(RecurringGift.user_id.in_(purge.erased_users), ~left.exists())
    )
    for row in rows:
        if row.paid_at is not None:  # the figures drop the gift from its month and funder
            purge.after_commit.append(
                partial(
                    signals.notify, signals.contribution_changed, contribution_id=row.id,
                    initiative_id=row.initiative_id, user_id=row.user_id,
                    organisation_id=row.organisation_id, paid_at=as_utc(row.paid_at),
                    newly_paid=False,
                )
            )  # fmt: skip
    return len(rows)


DATA = DataDomain(
    name="donations",
    export=export_gifts,
    prepare=stop_monthly_gifts,
    erase=erase_gifts,
    purge=purge_gifts,
)
