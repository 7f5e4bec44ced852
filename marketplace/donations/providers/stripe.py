"""Stripe Checkout (iDEAL and card; subscription mode for monthly gifts), official stripe client.

A contribution's payment id is its Checkout Session (`cs_...`), or for a monthly gift's later
payments the renewal invoice (`in_...`); the PaymentIntent is kept as its `reference`. Webhook
events are verified (signature + timestamp tolerance) and then only used as triggers: the
session/invoice, its refunds and the dispute are fetched from Stripe again.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import stripe

from marketplace.donations.providers.base import (
    Checkout,
    CheckoutRequest,
    ConnectedAccount,
    InvalidSignature,
    PaymentProvider,
    ProviderChargeback,
    ProviderPayment,
    ProviderPaymentRef,
    ProviderRefund,
    ProviderRejected,
    ProviderUnavailable,
    WebhookTrigger,
)
from marketplace.donations.providers.stripe_connect import StripeConnect

REFUND_STATUS_MAP = {
    "pending": "pending",
    "requires_action": "pending",
    "succeeded": "refunded",
    "failed": "failed",
    "canceled": "canceled",
}
# Disputes that did not (or no longer) take money: inquiries, and disputes the platform won.
DISPUTE_NOT_TAKEN = ("warning_needs_response", "warning_under_review", "warning_closed")
SESSION_EXPIRY_SECONDS = 2 * 3600
# Events about a connected account itself (from the Connect webhook endpoint).
EVENT_TYPES_ACCOUNT = ("account.updated", "account.application.deauthorized", "capability.updated")
EVENT_TYPES_SESSION = (
    "checkout.session.completed",
    "checkout.session.expired",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
)


def _ts(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value else None


def _get(obj, key, default=None):
    try:
        value = obj[key]
    except (KeyError, TypeError):
        return default
    return default if value is None else value


class StripeProvider(StripeConnect, PaymentProvider):
    name = "stripe"
    supports_monthly = True
    signs_webhooks = True
    refunds_from_connected_account = False  # destination charges: the platform's balance pays

    @classmethod
    def is_configured(cls, config) -> bool:
        return bool(config.get("STRIPE_SECRET_KEY"))

    def __init__(self, config: dict):
        super().__init__(config)
        base = config.get("STRIPE_API_BASE") or stripe.DEFAULT_API_BASE
        self.client = stripe.StripeClient(
            config.get("STRIPE_SECRET_KEY") or "sk_test_missing",
            base_addresses={"api": base},
            max_network_retries=0,
            http_client=stripe.RequestsClient(timeout=self.timeout),
        )
        self.webhook_secret = config.get("STRIPE_WEBHOOK_SECRET", "")
        self.connect_webhook_secret = config.get("STRIPE_CONNECT_WEBHOOK_SECRET", "")

    def methods(self) -> list[tuple[str, str]]:
        return [("ideal", self.config.get("IDEAL_METHOD_LABEL", "iDEAL")), ("card", "Card")]

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (stripe.APIConnectionError, stripe.RateLimitError) as error:
            raise ProviderUnavailable(str(error)) from error
        except stripe.InvalidRequestError as error:
            if error.code == "resource_missing":
                raise LookupError(str(error)) from error
            raise ProviderRejected(str(error)) from error
        except stripe.StripeError as error:
            status = error.http_status or 500
            if status >= 500:
                raise ProviderUnavailable(str(error)) from error
            raise ProviderRejected(str(error)) from error

    # ----------------------------------------------------------------------- checkout
    def create_checkout(self, request: CheckoutRequest) -> Checkout:
        methods = [m for m, _label in self.methods()]
        if request.method in methods:
            methods.remove(request.method)
            methods.insert(0, request.method)
        price_data = {
            "currency": request.currency.lower(),
            "unit_amount": request.amount_cents - request.tip_cents,
            "product_data": {"name": request.description},
        }
        line_items = [{"price_data": price_data, "quantity": 1}]
        if request.tip_cents:  # shown apart on Stripe's page: the gift, and the platform's tip
            tip_data = {**price_data, "unit_amount": request.tip_cents}
            tip_data["product_data"] = {"name": request.tip_description or "Tip"}
            line_items.append({"price_data": tip_data, "quantity": 1})
        params = {
            "line_items": line_items,
            "payment_method_types": methods,
            "success_url": request.redirect_url,
            "cancel_url": request.cancel_url,
            "client_reference_id": str(request.contribution_id),
            "metadata": request.metadata,
            "locale": request.locale if request.locale in ("nl", "en") else "auto",
            "expires_at": int(time.time()) + SESSION_EXPIRY_SECONDS,
        }
        if request.donor_email:
            params["customer_email"] = request.donor_email
        if request.monthly:
            params["mode"] = "subscription"
            for item in line_items:
                item["price_data"]["recurring"] = {"interval": "month"}
            params["subscription_data"] = {
                "metadata": {"recurring_gift_id": str(request.recurring_gift_id)},
                "description": request.description,
            }
        else:
            params["mode"] = "payment"
            params["payment_intent_data"] = {
                "metadata": request.metadata,
                "description": request.description,
            }
            if request.destination is not None:
                self.destination_params(params["payment_intent_data"], request.destination)
        try:
            session = self._call(
                self.client.v1.checkout.sessions.create,
                params=params,
                options={"idempotency_key": request.idempotency_key},
            )
        except LookupError as error:
            raise ProviderRejected(str(error)) from error
        return Checkout(
            payment_id=session.id, checkout_url=session.url, expires_at=_ts(session.expires_at)
        )

    # ------------------------------------------------------------------------- truth
    def fetch_payment(
        self, payment_id: str, account: ConnectedAccount | None = None
    ) -> ProviderPayment | None:
        try:
            if payment_id.startswith("cs_"):
                return self._fetch_session(payment_id)
            if payment_id.startswith("in_"):
                return self._fetch_invoice(payment_id)
            if payment_id.startswith("pi_"):
                sessions = self._call(
                    self.client.v1.checkout.sessions.list,
                    params={"payment_intent": payment_id, "limit": 1},
                )
                if sessions.data:
                    return self._fetch_session(sessions.data[0].id)
        except LookupError:
            return None
        return None

    def _fetch_session(self, session_id: str) -> ProviderPayment:
        session = self._call(
            self.client.v1.checkout.sessions.retrieve,
            session_id,
            params={"expand": ["payment_intent"]},
        )
        intent = _get(session, "payment_intent")
        intent_id = _get(intent, "id") if intent and not isinstance(intent, str) else intent
        intent_status = _get(intent, "status") if intent and not isinstance(intent, str) else None
        if session.status == "expired":
            status = "expired"
        elif session.status == "open":
            status = "open"
        elif session.payment_status in ("paid", "no_payment_required"):
            status = "paid"
        elif intent_status in ("requires_payment_method", "canceled"):
            status = "failed"
        else:
            status = "pending"
        method = None
        if intent and not isinstance(intent, str):
            types = _get(intent, "payment_method_types", [])
            method = types[0] if types else None
        return ProviderPayment(
            payment_id=session.id,
            status=status,
            amount_cents=session.amount_total or 0,
            currency=(session.currency or "").upper(),
            method=method,
            paid_at=_ts(session.created) if status == "paid" else None,
            expires_at=_ts(session.expires_at),
            metadata=session.metadata.to_dict() if session.metadata else {},
            refunds=self._refunds(intent_id) if status == "paid" and intent_id else (),
            reference=intent_id,
            customer_id=_get(session, "customer"),
            subscription_id=_get(session, "subscription"),
            first_of_subscription=session.mode == "subscription",
        )

    def _fetch_invoice(self, invoice_id: str) -> ProviderPayment:
        invoice = self._call(
            self.client.v1.invoices.retrieve, invoice_id, params={"expand": ["payments"]}
        )
        parent = _get(invoice, "parent") or {}
        subscription = _get(_get(parent, "subscription_details", {}), "subscription") or _get(
            invoice, "subscription"
        )
        intent_id = _get(invoice, "payment_intent")
        for payment in _get(_get(invoice, "payments", {}), "data", []):
            intent_id = intent_id or _get(_get(payment, "payment", {}), "payment_intent")
        status = {"paid": "paid", "void": "canceled", "uncollectible": "failed"}.get(
            invoice.status, "pending"
        )
        if status == "pending" and (invoice.attempt_count or 0) > 0 and invoice.amount_paid == 0:
            status = "failed"
        transitions = _get(invoice, "status_transitions", {})
        return ProviderPayment(
            payment_id=invoice.id,
            status=status,
            amount_cents=invoice.amount_paid if status == "paid" else invoice.amount_due,
            currency=(invoice.currency or "").upper(),
            method=None,
            paid_at=_ts(_get(transitions, "paid_at")),
            metadata={},
            refunds=self._refunds(intent_id) if status == "paid" and intent_id else (),
            reference=intent_id,
            customer_id=_get(invoice, "customer"),
            subscription_id=subscription,
            first_of_subscription=invoice.billing_reason == "subscription_create",
        )

    def _refunds(self, intent_id: str) -> tuple[ProviderRefund, ...]:
        refunds = self._call(
            self.client.v1.refunds.list, params={"payment_intent": intent_id, "limit": 100}
        )
        return tuple(
            ProviderRefund(
                refund_id=r.id,
                amount_cents=r.amount,
                currency=r.currency.upper(),
                status=REFUND_STATUS_MAP.get(r.status, "pending"),
            )
            for r in refunds.data
        )

    def _dispute(self, dispute_id: str) -> tuple[str | None, ProviderChargeback | None]:
        dispute = self._call(self.client.v1.disputes.retrieve, dispute_id)
        if dispute.status in DISPUTE_NOT_TAKEN:
            return _get(dispute, "payment_intent"), None
        return _get(dispute, "payment_intent"), ProviderChargeback(
            chargeback_id=dispute.id,
            amount_cents=dispute.amount,
            currency=dispute.currency.upper(),
            reversed=dispute.status == "won",
            reason=dispute.reason or "",
        )

    # ------------------------------------------------------------------------ refunds
    def create_refund(
        self, payment: ProviderPaymentRef, amount_cents: int, currency: str, idempotency_key: str
    ) -> ProviderRefund:
        intent_id = payment.reference
        if not intent_id:
            answer = self.fetch_payment(payment.payment_id)
            intent_id = answer.reference if answer else None
        if not intent_id:
            raise ProviderRejected("This payment has no PaymentIntent to refund.")
        try:
            refund = self._call(
                self.client.v1.refunds.create,
                params={"payment_intent": intent_id, "amount": amount_cents},
                options={"idempotency_key": idempotency_key},
            )
        except LookupError as error:
            raise ProviderRejected(str(error)) from error
        return ProviderRefund(
            refund_id=refund.id,
            amount_cents=refund.amount,
            currency=refund.currency.upper(),
            status=REFUND_STATUS_MAP.get(refund.status, "pending"),
        )

    # ------------------------------------------------------------------------ webhooks
    def verify_event(self, body: bytes, headers: dict) -> dict:
        """The event, signed with the account endpoint's or the Connect endpoint's secret."""
        signature = headers.get("Stripe-Signature") or headers.get("stripe-signature")
        secrets = [s for s in (self.webhook_secret, self.connect_webhook_secret) if s]
        if not secrets:
            raise InvalidSignature("STRIPE_WEBHOOK_SECRET is not configured")
        for secret in secrets:
            try:
                return self.client.construct_event(body, signature, secret)
            except (stripe.SignatureVerificationError, ValueError) as error:
                failure = error
        raise InvalidSignature(str(failure)) from failure

    def parse_webhook(self, body: bytes, form: dict, headers: dict) -> list[WebhookTrigger]:
        """Verify the event, then say which payment to fetch again (nothing else is trusted)."""
        event = self.verify_event(body, headers)
        kind = event["type"]
        obj = event["data"]["object"]
        account = _get(event, "account")
        if account:  # from a connected account: only news about the account itself concerns us
            return [WebhookTrigger("", account_id=account)] if kind in EVENT_TYPES_ACCOUNT else []
        if kind in EVENT_TYPES_SESSION:
            return [WebhookTrigger(obj["id"])]
        if kind in ("invoice.paid", "invoice.payment_failed"):
            if _get(obj, "billing_reason") == "subscription_create":
                return []  # the first payment is the checkout session's
            return [WebhookTrigger(obj["id"])]
        if kind in ("charge.refunded", "refund.created", "refund.updated", "refund.failed"):
            intent = _get(obj, "payment_intent")
            return [WebhookTrigger(intent)] if intent else []
        if kind.startswith("charge.dispute."):
            try:
                intent, chargeback = self._dispute(obj["id"])
            except LookupError:
                return []
            if not intent:
                return []
            return [WebhookTrigger(intent, (chargeback,) if chargeback else ())]
        return []

    # ------------------------------------------------------------------- subscriptions
    def cancel_subscription(self, customer_id: str | None, subscription_id: str) -> None:
        try:
            self._call(self.client.v1.subscriptions.cancel, subscription_id)
        except LookupError:
            return
        except ProviderRejected:
            current = self._call(self.client.v1.subscriptions.retrieve, subscription_id)
            if current.status != "canceled":
                raise
