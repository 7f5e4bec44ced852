"""Mail about investments, through the outbox (queued in the caller's transaction, once per key):
investors hear how an offer closed, owners are reminded of a late instalment."""

from datetime import date

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from marketplace.donations.urls import path_for, public_url
from marketplace.investments.models import Offer, OfferStatus, Subscription
from marketplace.mail import Mail, queue_mail

LANGUAGES = ("nl", "en")


def _language(user) -> str:
    return user.locale if user.locale in LANGUAGES else "nl"


def queue_closing_notices(offer: Offer, reserved: list[Subscription]) -> int:
    """Tell each investor with a paid subscription whether the offer was funded or refunded."""
    funded = offer.status == OfferStatus.FUNDED
    url = public_url(path_for("investor.overview"))
    count = 0
    for subscription in reserved:
        user = subscription.user
        with force_locale(_language(user)):
            text = render_template(
                "investments/mail/closed.txt",
                name=user.name,
                offer=offer,
                subscription=subscription,
                funded=funded,
                url=url,
            )
            if funded:
                subject = _("Your investment in %(title)s is active", title=offer.title)
            else:
                subject = _(
                    "%(title)s did not reach its target: you get your money back", title=offer.title
                )
        mail = Mail(to=user.email, subject=subject, text=text)
        key = f"offer-closed:{offer.id}:subscription:{subscription.id}"
        count += queue_mail(mail, key=key) is not None
    return count


def queue_late_reminders(offer: Offer, due_on: date, open_cents: int) -> int:
    """Remind the initiative's owners of an instalment not (fully) paid; once per instalment."""
    url = public_url(path_for("offer_owner.repayments_page", offer_id=offer.id))
    count = 0
    for user in offer.initiative.owners:
        if not user.active:
            continue
        with force_locale(_language(user)):
            text = render_template(
                "investments/mail/late.txt",
                name=user.name,
                offer=offer,
                due_on=due_on,
                open_cents=open_cents,
                url=url,
            )
            subject = _("Instalment overdue: %(title)s", title=offer.title)
        mail = Mail(to=user.email, subject=subject, text=text)
        key = f"offer-late:{offer.id}:{due_on.isoformat()}:user:{user.id}"
        count += queue_mail(mail, key=key) is not None
    return count
