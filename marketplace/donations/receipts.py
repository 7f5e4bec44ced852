"""Gift receipts: the thank-you mail with ANBI receipt data (sent once per paid gift), and the
yearly overview (HTML, PDF).

A monthly gift here is simply a gift made every month; it is not a "periodieke gift" in the tax
sense (that needs a written agreement for at least five years), so nothing here calls it one.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from marketplace.accounts.models import User
from marketplace.donations.models import Contribution
from marketplace.donations.urls import path_for, public_url
from marketplace.extensions import db
from marketplace.mail import Mail, deliver_after_response, queue_mail
from marketplace.money import cents_to_decimal
from marketplace.tables import Column, Table
from marketplace.timeutil import AMSTERDAM, to_amsterdam, utcnow

log = logging.getLogger(__name__)

METHOD_LABELS = {
    "ideal": "iDEAL",
    "creditcard": _l("Card"),
    "card": _l("Card"),
    "bancontact": "Bancontact",
    "directdebit": _l("SEPA Direct Debit"),
    "sepa_debit": _l("SEPA Direct Debit"),
}


def method_label(method: str, ideal_label: str = "iDEAL") -> str:
    """A payment method as people call it, in their language ("Creditcard" in Dutch); the
    providers' method codes ("creditcard", "card") are never shown."""
    if method == "ideal":
        return ideal_label or "iDEAL"
    return str(METHOD_LABELS.get(method, method or ""))


def reference(contribution: Contribution) -> str:
    return f"IB-{contribution.id:06d}"


PROVIDER_LABELS = {"mollie": "Mollie", "stripe": "Stripe", "simulator": _l("the payment simulator")}


def receipt_data(contribution: Contribution) -> dict:
    """What a Dutch ANBI gift receipt needs, in one place for the mail and the overview, and who
    received the money: the initiative's own account, or the platform on its behalf."""
    initiative = contribution.initiative
    paid_local = to_amsterdam(contribution.paid_at) if contribution.paid_at else None
    return {
        "reference": reference(contribution),
        "initiative_name": initiative.name,
        "legal_name": initiative.legal_name or initiative.name,
        "rsin": initiative.rsin,
        "anbi": initiative.anbi,
        "donor_name": contribution.donor_name,
        "paid_at": paid_local,
        "amount_cents": contribution.amount_cents,
        "gift_cents": contribution.gift_cents,  # net of refunds: what the tax overview counts
        "tip_cents": contribution.tip_cents,
        "fee_cents": contribution.fee_cents,
        "share_cents": contribution.amount_cents - contribution.fee_cents,
        "received_by": "initiative" if contribution.paid_directly else "platform",
        "platform_name": current_app.config.get("PLATFORM_LEGAL_NAME", "Impactbeurs"),
        "provider_name": str(PROVIDER_LABELS.get(contribution.provider, contribution.provider)),
        "currency": contribution.currency,
        "method": method_label(contribution.method, current_app.config.get("IDEAL_METHOD_LABEL")),
        "monthly": contribution.interval.value == "monthly",
    }


def receipt_mail(contribution: Contribution) -> Mail:
    locale = contribution.user.locale if contribution.user else contribution.locale or "nl"
    register_url = public_url(path_for("accounts.register"))
    with force_locale(locale):
        data = receipt_data(contribution)
        subject = _("Thank you for your gift to %(name)s", name=data["initiative_name"])
        text = render_template(
            "donations/mail/receipt.txt",
            r=data,
            contribution=contribution,
            register_url=register_url,
        )
    return Mail(to=contribution.donor_email, subject=subject, text=text)


def send_receipt(contribution_id: int) -> bool:
    """Queue the thank-you mail with the gift receipt data, exactly once per paid contribution,
    and have it sent as soon as the response is out (the outbox retries a failure)."""
    if not current_app.config.get("DONATION_RECEIPTS_ENABLED", True):
        return False
    claimed = db.session.execute(
        update(Contribution)
        .where(Contribution.id == contribution_id, Contribution.receipt_sent_at.is_(None))
        .where(Contribution.paid_at.is_not(None))
        .values(receipt_sent_at=utcnow())
        .execution_options(synchronize_session=False)  # the gift is read afresh just below
    ).rowcount
    contribution = (
        db.session.get(
            Contribution,
            contribution_id,
            options=[joinedload(Contribution.initiative), joinedload(Contribution.user)],
            populate_existing=True,
        )
        if claimed
        else None
    )  # the mail needs its initiative and donor: one query, not three
    if contribution is None or not contribution.donor_email:
        db.session.commit()
        return False
    message = queue_mail(receipt_mail(contribution), key=f"receipt:{contribution_id}")
    message_id = message.id if message is not None else None  # flushed: no reload after commit
    db.session.commit()
    if message_id is not None:
        deliver_after_response(message_id)
    return True


@dataclass
class YearOverview:
    year: int
    donor: User
    rows: list[dict]
    total_cents: int
    anbi_total_cents: int


def year_overview(user: User, year: int) -> YearOverview:
    """The donor's gifts paid in `year` (Amsterdam time), net of refunds and chargebacks (tips for
    the platform are not gifts to the initiatives and are left out)."""
    start = datetime(year, 1, 1, tzinfo=AMSTERDAM)
    end = datetime(year + 1, 1, 1, tzinfo=AMSTERDAM)
    contributions = db.session.scalars(
        select(Contribution)
        .where(
            Contribution.user_id == user.id,
            Contribution.paid_at.is_not(None),
            Contribution.paid_at >= start,
            Contribution.paid_at < end,
        )
        .order_by(Contribution.paid_at, Contribution.id)
    ).all()
    rows = [receipt_data(c) for c in contributions if c.gift_cents > 0]
    total = sum(r["gift_cents"] for r in rows)
    anbi = sum(r["gift_cents"] for r in rows if r["anbi"])
    return YearOverview(year, user, rows, total, anbi)


def years_with_gifts(user: User) -> list[int]:
    moments = db.session.scalars(
        select(Contribution.paid_at).where(
            Contribution.user_id == user.id, Contribution.paid_at.is_not(None)
        )
    ).all()
    return sorted({to_amsterdam(m).year for m in moments}, reverse=True)


def year_overview_pdf(overview: YearOverview) -> bytes:
    from weasyprint import HTML

    html = render_template(
        "donations/overview_pdf.html", overview=overview, today=to_amsterdam(utcnow()).date()
    )
    return HTML(string=html).write_pdf()


def year_overview_table(overview: YearOverview) -> Table:
    """The overview's gifts as a table for download (CSV in the reader's dialect, XLSX)."""
    yes, no = _("Yes"), _("No")
    columns = [
        Column(_("Date"), "date"),
        Column(_("Initiative (legal name)")),
        Column(_("RSIN")),
        Column(_("ANBI")),
        Column(_("Reference")),
        Column(_("Method")),
        Column(_("Amount (EUR)"), "money"),
    ]
    rows = [
        [
            r["paid_at"].date() if r["paid_at"] else None,
            r["legal_name"],
            r["rsin"],
            yes if r["anbi"] else no,
            r["reference"],
            r["method"],
            cents_to_decimal(r["gift_cents"]),
        ]
        for r in overview.rows
    ]
    return Table(_("Your gifts in %(year)d", year=overview.year), columns, rows)
