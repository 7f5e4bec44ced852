"""The payment simulator: a local checkout page, plainly marked as a test, for development and
the demo. The payer picks paid / failed / canceled / expired; the app then refreshes the payment
through exactly the same path as a real webhook. Refused when IMPACTBEURS_ENV=production.

Its "provider side" lives in the `simulator_payments` table, so every worker sees the same state.
"""

import json
import secrets
from datetime import timedelta

from sqlalchemy import select

from marketplace.donations.providers.base import (
    AccountState,
    Checkout,
    CheckoutRequest,
    ConnectedAccount,
    ConnectRequest,
    ConnectResult,
    ConnectStart,
    PaymentProvider,
    ProviderPayment,
    ProviderPaymentRef,
    ProviderRefund,
    ProviderRejected,
    ProviderTransfer,
    Subscription,
    TransferSource,
    WebhookTrigger,
)
from marketplace.donations.simulator_state import (
    SimulatorAccount,
    SimulatorPayment,
    SimulatorTransfer,
)
from marketplace.donations.urls import path_for
from marketplace.extensions import db
from marketplace.timeutil import utcnow

CHOICES = ("paid", "failed", "canceled", "expired")
ONBOARDING_CHOICES = ("active", "in_review", "pending", "restricted")
EXPIRY = timedelta(minutes=15)


class SimulatorProvider(PaymentProvider):
    name = "simulator"
    supports_monthly = True

    @classmethod
    def is_configured(cls, config) -> bool:
        """Always available, except in production, where it would take no real money."""
        return config.get("IMPACTBEURS_ENV") != "production"

    def __init__(self, config: dict):
        if not self.is_configured(config):
            raise RuntimeError("The payment simulator is refused in production")
        super().__init__(config)

    def methods(self) -> list[tuple[str, str]]:
        return [
            ("ideal", self.config.get("IDEAL_METHOD_LABEL", "iDEAL")),
            ("creditcard", "Card"),
            ("bancontact", "Bancontact"),
        ]

    def create_checkout(self, request: CheckoutRequest) -> Checkout:
        payment = db.session.scalar(
            select(SimulatorPayment).where(
                SimulatorPayment.idempotency_key == request.idempotency_key
            )
        )
        if payment is None:
            payment = SimulatorPayment(
                id="sim_" + secrets.token_hex(8),
                idempotency_key=request.idempotency_key,
                amount_cents=request.amount_cents,
                currency=request.currency,
                description=request.description[:255],
                method=request.method or "ideal",
                status="open",
                redirect_url=request.redirect_url,
                contribution_id=request.contribution_id,
                expires_at=utcnow() + EXPIRY,
            )
            if request.destination is not None:
                payment.destination_account = request.destination.account.account_id
                payment.application_fee_cents = request.destination.application_fee_cents
            db.session.add(payment)
            db.session.commit()
        elif payment.amount_cents != request.amount_cents:
            raise ProviderRejected("idempotency key reused with another amount")
        return Checkout(
            payment_id=payment.id,
            checkout_url=path_for("donations.simulator_checkout", payment_id=payment.id),
            expires_at=payment.expires_at,
            customer_id=f"simcus_{request.contribution_id}" if request.monthly else None,
        )

    def fetch_payment(
        self, payment_id: str, account: ConnectedAccount | None = None
    ) -> ProviderPayment | None:
        payment = db.session.get(SimulatorPayment, payment_id)
        if payment is None:
            return None
        status = payment.status
        if status == "open" and payment.expires_at and payment.expires_at < utcnow():
            status = "expired"
        refunds = tuple(
            ProviderRefund(r["id"], r["amount"], payment.currency, r["status"])
            for r in json.loads(payment.refunds_json or "[]")
        )
        return ProviderPayment(
            payment_id=payment.id,
            status=status,
            amount_cents=payment.amount_cents,
            currency=payment.currency,
            method=payment.method,
            paid_at=payment.paid_at,
            expires_at=payment.expires_at,
            metadata={"contribution_id": str(payment.contribution_id or "")},
            refunds=refunds,
        )

    def choose(self, payment_id: str, status: str) -> SimulatorPayment | None:
        """The payer's choice on the simulator page (only an open payment changes)."""
        payment = db.session.get(SimulatorPayment, payment_id)
        if payment is None or status not in CHOICES:
            return None
        if payment.status == "open":
            payment.status = status
            if status == "paid":
                payment.paid_at = utcnow()
            db.session.commit()
        return payment

    def create_refund(
        self, payment: ProviderPaymentRef, amount_cents: int, currency: str, idempotency_key: str
    ) -> ProviderRefund:
        row = db.session.get(SimulatorPayment, payment.payment_id)
        if row is None or row.status != "paid":
            raise ProviderRejected("The payment has not been paid; cannot refund.")
        refunds = json.loads(row.refunds_json or "[]")
        for refund in refunds:
            if refund.get("key") == idempotency_key:
                return ProviderRefund(
                    refund["id"], refund["amount"], row.currency, refund["status"]
                )
        remaining = row.amount_cents - sum(r["amount"] for r in refunds)
        if amount_cents <= 0 or amount_cents > remaining:
            raise ProviderRejected("The amount is higher than what remains to be refunded.")
        refund = {
            "id": "simre_" + secrets.token_hex(6),
            "amount": amount_cents,
            "status": "refunded",
            "key": idempotency_key,
        }
        row.refunds_json = json.dumps([*refunds, refund])
        db.session.commit()
        return ProviderRefund(refund["id"], amount_cents, row.currency, "refunded")

    def parse_webhook(self, body: bytes, form: dict, headers: dict) -> list[WebhookTrigger]:
        """Like Mollie: `id=sim_...` names the payment to look at again."""
        payment_id = (form.get("id") or "").strip()
        if payment_id.startswith("sim_") and len(payment_id) < 100:
            return [WebhookTrigger(payment_id)]
        return []

    def start_subscription(
        self, customer_id, amount_cents, currency, description, webhook_url, metadata,
        idempotency_key,
    ) -> Subscription:  # fmt: skip
        return Subscription(subscription_id=f"simsub_{idempotency_key}", status="active")

    def cancel_subscription(self, customer_id: str | None, subscription_id: str) -> None:
        return None

    # ----------------------------------------------------------------- connect (payouts)
    @property
    def supports_connect(self) -> bool:
        return True

    def start_connect(self, request: ConnectRequest, account_id: str | None) -> ConnectStart:
        """A test account at once; its page lets the owner pick how onboarding ends."""
        account = db.session.get(SimulatorAccount, account_id) if account_id else None
        if account is None:
            account = SimulatorAccount(
                id="simacct_" + secrets.token_hex(8),
                initiative_id=request.initiative_id,
                name=request.name[:200],
            )
            db.session.add(account)
        account.return_url = request.return_url
        db.session.commit()
        url = path_for("settlement.simulator_onboarding", account_id=account.id)
        return ConnectStart(url=url, account_id=account.id)

    def finish_connect(self, args: dict, state: str, return_url: str) -> ConnectResult:
        account = db.session.get(SimulatorAccount, args.get("account", ""))
        if account is None:
            raise ProviderRejected("unknown simulator account")
        return ConnectResult(account_id=account.id, name=account.name)

    def choose_onboarding(self, account_id: str, outcome: str) -> SimulatorAccount | None:
        """The owner's choice on the simulator's onboarding page."""
        account = db.session.get(SimulatorAccount, account_id)
        if account is None or outcome not in ONBOARDING_CHOICES:
            return None
        account.status = outcome
        db.session.commit()
        return account

    def fetch_account(self, account: ConnectedAccount) -> AccountState:
        row = db.session.get(SimulatorAccount, account.account_id)
        if row is None:
            raise ProviderRejected("unknown simulator account")
        needs = () if row.status == "active" else ("simulator: finish onboarding",)
        return AccountState(
            account_id=row.id,
            status=row.status,
            requirements=needs,
            name=row.name,
            onboarding_url=path_for("settlement.simulator_onboarding", account_id=row.id),
        )

    def create_transfer(
        self, account: ConnectedAccount, amount_cents: int, currency: str,
        sources: tuple[TransferSource, ...], idempotency_key: str, description: str,
    ) -> ProviderTransfer:  # fmt: skip
        if db.session.get(SimulatorAccount, account.account_id) is None:
            raise ProviderRejected("unknown simulator account")
        transfer = db.session.scalar(
            select(SimulatorTransfer).where(SimulatorTransfer.idempotency_key == idempotency_key)
        )
        if transfer is None:
            transfer = SimulatorTransfer(
                id="simtr_" + secrets.token_hex(8),
                idempotency_key=idempotency_key,
                account_id=account.account_id,
                amount_cents=amount_cents,
                currency=currency,
                description=description[:255],
            )
            db.session.add(transfer)
            db.session.commit()
        elif transfer.amount_cents != amount_cents:
            raise ProviderRejected("idempotency key reused with another amount")
        return self._transfer(transfer)

    def fetch_transfer(self, reference: str, account_id: str) -> ProviderTransfer | None:
        transfer = db.session.get(SimulatorTransfer, reference)
        return self._transfer(transfer) if transfer is not None else None

    @staticmethod
    def _transfer(transfer: SimulatorTransfer) -> ProviderTransfer:
        return ProviderTransfer(
            reference=transfer.id,
            amount_cents=transfer.amount_cents,
            currency=transfer.currency,
            account_id=transfer.account_id,
            status="paid",
        )

    def application_fee_cents(self, payment: ProviderPaymentRef) -> int | None:
        row = db.session.get(SimulatorPayment, payment.payment_id)
        return row.application_fee_cents if row is not None else None
