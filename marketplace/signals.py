"""Named signals: how one domain tells the others that a fact changed.

Each signal is sent by the one service that changes the fact, *after* that service has committed
its own transaction, with plain values (ids, dates) as keyword arguments: never ORM objects, since
receivers run their own transactions. Senders use `notify`, which isolates a failing receiver
(logged, its transaction rolled back), so no receiver can undo the sender's work. This is pretix's
`order_paid` and indico's `signals.event.*`, with blinker, as Flask itself uses.

Who listens is visible in one place per domain: the `listeners.py` modules connected in
`create_app` (`register_listeners`).
"""

import logging

from blinker import Namespace, Signal

from marketplace.extensions import db

log = logging.getLogger(__name__)
_signals = Namespace()


def notify(signal: Signal, **facts) -> None:
    """Send `signal` to every receiver; one that fails is logged and does not stop the others.

    Senders call this after their commit, so a receiver's failure can neither undo the sender's
    work nor turn a webhook that was applied into an error the provider would retry.
    """
    for receiver in signal.receivers_for(None):
        try:
            receiver(None, **facts)
        except Exception:
            log.exception("receiver %r of signal %r failed", receiver, signal.name)
            db.session.rollback()


contribution_changed = _signals.signal(
    "contribution-changed",
    doc="""A gift's status or money changed: paid, refunded, charged back, reversed, failed, ...

    Sent by `donations.status.apply_payment_status` after its commit, once per change (a replayed
    webhook that changes nothing sends nothing), and by `donations.guests.link_guest_gifts` when
    a guest gift becomes an account's (its funder changed). Keyword arguments: `contribution_id`,
    `initiative_id`, `user_id`, `organisation_id` (None when not on an organisation's behalf),
    `paid_at` (aware UTC datetime, None while unpaid), `newly_paid` (bool).
    """,
)

email_confirmed = _signals.signal(
    "email-confirmed",
    doc="""An account holder has shown that an e-mail address is theirs.

    Sent by `accounts.services.mark_email_confirmed` after its commit, once per account: when the
    confirmation link mailed at registration is opened (`accounts.registration.confirm_email`) or
    a password reset link (it reached the address too). Keyword arguments:
    `user_id`, `email` (normalised, lower case). Donations links the guest gifts made with that
    address to the account.
    """,
)

inputs_changed = _signals.signal(
    "inputs-changed",
    doc="""An initiative's declared inputs (money from outside the platform) changed.

    Keyword arguments: `initiative_id`.
    """,
)

outcome_report_reviewed = _signals.signal(
    "outcome-report-reviewed",
    doc="""A verifier accepted or rejected an outcome report (or an accepted one was revalued).

    Keyword arguments: `report_id`, `initiative_id`, `status` (the report's new status value).
    """,
)

proxy_changed = _signals.signal(
    "proxy-changed",
    doc="""A metric's financial proxy got a new version, and report lines were revalued with it.

    Keyword arguments: `metric_code`, `initiative_ids` (the initiatives whose lines changed).
    """,
)

initiative_changed = _signals.signal(
    "initiative-changed",
    doc="""An initiative was published, unpublished, or its name, theme or place changed.

    Keyword arguments: `initiative_id`.
    """,
)

figures_changed = _signals.signal(
    "figures-changed",
    doc="""The shared monthly figures of some initiatives were rebuilt (by `marketplace.figures`).

    Keyword arguments: `initiative_ids` (a frozenset). The exchange marks their quotes stale.
    """,
)

mail_sent = _signals.signal(
    "mail-sent",
    doc="""An outbox mail was delivered (handed to SMTP, or written as .eml without MAIL_SERVER).

    Sent by `mail.outbox.deliver_due_mail` after committing the row as sent, once per mail.
    Keyword arguments: `message_id` (the outbox row's id), `key` (its idempotency key or None),
    `report_id` (the report the mail belongs to, or None). Reporting marks a report sent when
    the last of its mails is.
    """,
)

investment_changed = _signals.signal(
    "investment-changed",
    doc="""Capital invested in an initiative changed: an offer was funded, an instalment or a
    member's exit repaid principal, or an offer defaulted (its written-off principal keeps
    counting as input).

    Sent by `marketplace.investments` (closing, repayments, defaults, exits) after its commit.
    Keyword arguments: `initiative_id`, `offer_id`, `kind` (member_share | loan | bond),
    `reason` (funded | repayment | exit | default). The figures rebuild the initiative's invested
    capital and its investors' series.
    """,
)

exchange_refreshed = _signals.signal(
    "exchange-refreshed",
    doc="""The exchange's quotes, indices and peer groups were rebuilt (`exchange.quotes`).

    Keyword arguments: `initiative_ids` (a frozenset of the quotes rebuilt).
    """,
)

catalog_changed = _signals.signal(
    "catalog-changed",
    doc="""The metric catalog changed: a metric or a proxy version was added or edited.

    Keyword arguments: `metric_code`.
    """,
)

payout_account_event = _signals.signal(
    "payout-account-event",
    doc="""A provider says an initiative's payout account may have changed (a Stripe Connect
    `account.updated`, a revoked authorisation): a trigger, like a webhook, not the truth.

    Sent by the webhook view (`donations.webhooks`) for accounts the platform knows. Keyword
    arguments: `provider` (its name), `account_pk` (the `PayoutAccount` id). `settlement` asks the
    provider for the account's state, and transfers held money once it is active.
    """,
)

volunteer_hours_confirmed = _signals.signal(
    "volunteer-hours-confirmed",
    doc="""An initiative confirmed (or corrected) the hours a volunteer gave to one of its tasks,
    or a volunteer's confirmed hours were anonymised.

    Sent by `volunteering.hours.confirm_hours` after its commit. Keyword arguments:
    `signup_id`, `task_id`, `initiative_id`, `user_id` (None once anonymised), `minutes`. The
    figures revalue the initiative's volunteer time (an in-kind input) and the volunteer's
    series of kind `time`.
    """,
)
