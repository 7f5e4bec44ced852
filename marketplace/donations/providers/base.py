"""The payment provider contract. Every provider (Mollie, Stripe, the simulator) implements it.

Rules every implementation keeps (the services rely on them):

* **No state in process memory.** A provider object is built per call from the app config.
* **Timeouts on every HTTP call** (`PAYMENT_HTTP_TIMEOUT`). A network failure, a timeout or a
  5xx answer raises `ProviderUnavailable` (the caller may retry with the *same* idempotency key);
  a 4xx answer that will not change on retry raises `ProviderRejected`.
* **Idempotency.** Every call that creates something at the provider takes an
  `idempotency_key` and sends it (Mollie/Stripe `Idempotency-Key`), so a retry after a timeout
  returns the first result instead of creating a second payment or refund.
* **Webhooks are triggers, never the truth.** `parse_webhook` only says *which* payments to look
  at (`WebhookTrigger`); the status always comes from `fetch_payment`, which asks the provider
  again. A signed webhook (Stripe) with a bad or stale signature raises `InvalidSignature`.
* **Registered by name.** `providers.PROVIDERS` maps `name` to the class; `is_configured(config)`
  says whether the app has what the provider needs (keys) to take payments and webhooks.
* **Normalised answers.** `fetch_payment` returns a `ProviderPayment` with amounts in cents and a
  status from `PAYMENT_STATUSES`; provider-specific statuses are mapped here, not in services.
  Refunds and chargebacks come with the provider's own ids; a list may be partial (an absent
  refund is *not* a deleted one).
* **Connect (payouts to initiatives).** A provider that can pay initiatives' own accounts
  (`supports_connect`) onboards them (`start_connect`, `finish_connect`, `fetch_account`, with
  states from `ACCOUNT_STATES`), takes payments for them with the platform's tip and fee as the
  application fee (`CheckoutRequest.destination`), acts for their accounts where a payment lives
  there (`ConnectedAccount` on `fetch_payment` and `ProviderPaymentRef`), and transfers money the
  platform held (`create_transfer`, `fetch_transfer`). A webhook about a connected account says so
  in `WebhookTrigger.account_id`; the caller ignores accounts it does not know.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Normalised payment statuses a provider reports (the Contribution state machine maps them).
PAYMENT_STATUSES = ("open", "pending", "paid", "failed", "canceled", "expired")
# Normalised refund statuses. "pending"/"refunded" count against the gift; "failed"/"canceled"
# do not. "refunded", "failed" and "canceled" are final.
REFUND_STATUSES = ("pending", "refunded", "failed", "canceled")
REFUND_COUNTING = ("pending", "refunded")
REFUND_FINAL = ("refunded", "failed", "canceled")
# Normalised states of an initiative's account (payouts.models.AccountStatus has the same values).
ACCOUNT_STATES = ("pending", "in_review", "active", "restricted")
# Normalised transfer states: "paid" (done), "pending", "failed", "reversed" (taken back).
TRANSFER_STATES = ("paid", "pending", "failed", "reversed")


class ProviderError(Exception):
    """Something went wrong talking to the payment provider."""


class ProviderUnavailable(ProviderError):
    """Network error, timeout or 5xx: try again later with the same idempotency key."""


class ProviderRejected(ProviderError):
    """The provider refused the request (4xx); retrying the same request will not help."""


class InvalidSignature(ProviderError):
    """A webhook whose signature is missing, wrong or too old."""


class NotSupported(ProviderError):
    """The provider (or this integration of it) does not offer this feature."""


@dataclass(frozen=True)
class ConnectedAccount:
    """An initiative's account at the provider, with what is needed to act for it."""

    account_id: str  # acct_... (Stripe), org_... (Mollie), simacct_... (simulator)
    profile_id: str | None = None  # Mollie: the website profile payments are made on
    token: dict | None = None  # Mollie: the OAuth token (access, refresh, expiry)
    on_token: Callable[[dict], None] | None = field(default=None, compare=False)  # refreshed


@dataclass(frozen=True)
class Destination:
    """Pay the initiative's account directly; the provider keeps the application fee for us."""

    account: ConnectedAccount
    application_fee_cents: int


@dataclass(frozen=True)
class CheckoutRequest:
    contribution_id: int
    idempotency_key: str
    amount_cents: int
    currency: str
    description: str
    method: str | None
    redirect_url: str
    cancel_url: str
    webhook_url: str | None  # None when the public base URL is local (Mollie would refuse it)
    locale: str
    donor_name: str
    donor_email: str
    monthly: bool = False
    recurring_gift_id: int | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    tip_cents: int = 0  # part of amount_cents: the tip for the platform (shown apart)
    tip_description: str = ""
    destination: Destination | None = None


@dataclass(frozen=True)
class Checkout:
    payment_id: str
    checkout_url: str
    expires_at: datetime | None = None
    customer_id: str | None = None


@dataclass(frozen=True)
class ProviderRefund:
    refund_id: str
    amount_cents: int
    currency: str
    status: str  # one of REFUND_STATUSES

    @property
    def counts(self) -> bool:
        return self.status in REFUND_COUNTING


@dataclass(frozen=True)
class ProviderChargeback:
    chargeback_id: str
    amount_cents: int
    currency: str
    reversed: bool = False
    reason: str = ""


@dataclass(frozen=True)
class ProviderPayment:
    """A provider's answer about one payment, normalised."""

    payment_id: str
    status: str  # one of PAYMENT_STATUSES
    amount_cents: int
    currency: str
    method: str | None = None
    paid_at: datetime | None = None
    expires_at: datetime | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    refunds: tuple[ProviderRefund, ...] = ()
    chargebacks: tuple[ProviderChargeback, ...] = ()
    reference: str | None = None  # a second id for the payment (Stripe PaymentIntent)
    customer_id: str | None = None
    subscription_id: str | None = None  # set on a subscription's (recurring) payment
    first_of_subscription: bool = False  # Mollie sequenceType=first / Stripe subscription mode
    payer_name: str = ""


@dataclass(frozen=True)
class WebhookTrigger:
    """A webhook names a payment to fetch again; a chargeback the payment itself cannot show
    (a Stripe dispute) comes along, already fetched from the provider. `account_id` names the
    connected account the event came from (or, without a payment, is about)."""

    payment_id: str
    chargebacks: tuple[ProviderChargeback, ...] = ()
    account_id: str | None = None


@dataclass(frozen=True)
class ConnectRequest:
    """Start (or continue) onboarding an initiative's account."""

    initiative_id: int
    name: str
    email: str
    return_url: str  # where the provider sends the owner back (also the OAuth redirect URI)
    refresh_url: str  # where an expired onboarding link sends the owner (Stripe)
    locale: str = "nl"


@dataclass(frozen=True)
class ConnectStart:
    url: str  # send the owner there
    state: str = ""  # the OAuth state to check on the way back (Mollie)
    account_id: str | None = None  # an account the provider created already (Stripe Express)


@dataclass(frozen=True)
class ConnectResult:
    """What the owner's return from the provider established."""

    account_id: str
    profile_id: str | None = None
    token: dict | None = None
    name: str = ""


@dataclass(frozen=True)
class AccountState:
    account_id: str
    status: str  # one of ACCOUNT_STATES
    requirements: tuple[str, ...] = ()  # what the provider still needs, in its words
    name: str = ""
    onboarding_url: str | None = None  # where the owner continues at the provider


@dataclass(frozen=True)
class TransferSource:
    """Part of a transfer that comes from one of our payments (Mollie routes per payment)."""

    payment_id: str | None
    amount_cents: int


@dataclass(frozen=True)
class ProviderTransfer:
    reference: str  # the provider's id(s) for the transfer
    amount_cents: int
    currency: str
    account_id: str
    status: str  # one of TRANSFER_STATES


@dataclass(frozen=True)
class Subscription:
    subscription_id: str
    status: str  # active | canceled | ...


class PaymentProvider(ABC):
    """The interface every provider implements (see the module docstring for the contract)."""

    name: str = ""
    supports_monthly: bool = False
    #: Where a direct payment is refunded or charged back, whose balance pays: the initiative's
    #: own account (Mollie: the payment is its organisation's) or the platform's (Stripe).
    refunds_from_connected_account: bool = True
    #: Transfers are made per payment of the platform's (Mollie routes), not from its balance.
    transfers_per_payment: bool = False
    #: A provider that signs its webhooks answers 400 to one it cannot verify (also while it is not
    #: configured); one that does not (Mollie) gets 200, so it neither retries nor gives up on us.
    signs_webhooks: bool = False

    def __init__(self, config: dict):
        self.config = config
        self.timeout = config.get("PAYMENT_HTTP_TIMEOUT", 10)  # seconds (a number from config)

    @classmethod
    @abstractmethod
    def is_configured(cls, config) -> bool:
        """Whether the app's config has what this provider needs (its keys) to be used."""

    @abstractmethod
    def methods(self) -> list[tuple[str, str]]:
        """(code, label) of the payment methods offered, the default first."""

    @abstractmethod
    def create_checkout(self, request: CheckoutRequest) -> Checkout:
        """Create a payment (or checkout session) and return where to send the donor."""

    @abstractmethod
    def fetch_payment(
        self, payment_id: str, account: ConnectedAccount | None = None
    ) -> ProviderPayment | None:
        """Ask the provider for the truth about a payment; None when it does not know the id.

        `account`: the connected account the payment was made to (it lives there at Mollie).
        """

    @abstractmethod
    def create_refund(
        self, payment: ProviderPaymentRef, amount_cents: int, currency: str, idempotency_key: str
    ) -> ProviderRefund:
        """Refund (part of) a paid payment."""

    @abstractmethod
    def parse_webhook(self, body: bytes, form: dict, headers: dict) -> list[WebhookTrigger]:
        """Which payments a webhook call is about (verifying it where the provider signs)."""

    def start_subscription(
        self, customer_id: str, amount_cents: int, currency: str, description: str,
        webhook_url: str | None, metadata: dict, idempotency_key: str,
    ) -> Subscription:  # fmt: skip
        """Create the monthly subscription after the first payment was paid (Mollie)."""
        raise NotSupported(self.name)

    def cancel_subscription(self, customer_id: str | None, subscription_id: str) -> None:
        """Stop a monthly gift at the provider (already-cancelled is fine)."""
        raise NotSupported(self.name)

    # ----------------------------------------------------------------- connect (payouts)
    @property
    def supports_connect(self) -> bool:
        """Whether initiatives can connect their own account (the config has what it needs)."""
        return False

    def start_connect(self, request: ConnectRequest, account_id: str | None) -> ConnectStart:
        """Where to send an owner to connect (or continue onboarding `account_id`)."""
        raise NotSupported(self.name)

    def finish_connect(self, args: dict, state: str, return_url: str) -> ConnectResult:
        """The owner came back (`args`: the return URL's query); `state` is what we sent."""
        raise NotSupported(self.name)

    def fetch_account(self, account: ConnectedAccount) -> AccountState:
        """The account's onboarding state at the provider."""
        raise NotSupported(self.name)

    def create_transfer(
        self, account: ConnectedAccount, amount_cents: int, currency: str,
        sources: tuple[TransferSource, ...], idempotency_key: str, description: str,
    ) -> ProviderTransfer:  # fmt: skip
        """Send money the platform held to the account (the same key returns the same one)."""
        raise NotSupported(self.name)

    def fetch_transfer(self, reference: str, account_id: str) -> ProviderTransfer | None:
        """The provider's view of a transfer we made; None when it does not know it."""
        raise NotSupported(self.name)

    def application_fee_cents(self, payment: ProviderPaymentRef) -> int | None:
        """The application fee the provider kept for us on a direct payment (None: unknown)."""
        raise NotSupported(self.name)


@dataclass(frozen=True)
class ProviderPaymentRef:
    """What a provider needs to find a payment again (ids we stored)."""

    payment_id: str
    reference: str | None = None
    account: ConnectedAccount | None = None  # the connected account a direct payment lives in
