"""Mollie (iDEAL first, card, Bancontact) through the official mollie-api-python client.

Mollie signs no webhooks: the webhook only names a payment id, which is fetched again here.
Mollie v2 has no "refunded"/"charged back" payment status: refunds and chargebacks are read from
the payment's embedded lists (their own ids), never inferred from amounts alone.
"""

from __future__ import annotations

from datetime import date, datetime

from mollie.api.client import Client
from mollie.api.error import (
    Error as MollieError,
)
from mollie.api.error import (
    NotFoundError,
    RequestError,
    ResponseError,
    ResponseHandlingError,
    UnprocessableEntityError,
)

from marketplace.donations.providers.base import (
    Checkout,
    CheckoutRequest,
    ConnectedAccount,
    PaymentProvider,
    ProviderChargeback,
    ProviderPayment,
    ProviderPaymentRef,
    ProviderRefund,
    ProviderRejected,
    ProviderUnavailable,
    Subscription,
    WebhookTrigger,
)
from marketplace.donations.providers.mollie_connect import MollieConnect
from marketplace.money import format_cents, parse_cents
from marketplace.timeutil import to_amsterdam, utcnow

STATUS_MAP = {
    "open": "open",
    "pending": "pending",
    "authorized": "pending",
    "paid": "paid",
    "failed": "failed",
    "canceled": "canceled",
    "expired": "expired",
}
REFUND_STATUS_MAP = {
    "queued": "pending",
    "pending": "pending",
    "processing": "pending",
    "refunded": "refunded",
    "failed": "failed",
    "canceled": "canceled",
}
LOCALES = {"nl": "nl_NL", "en": "en_US"}


def _cents(amount: dict | None) -> int:
    if not amount:
        return 0
    return parse_cents(amount["value"], allow_negative=True)


def _amount(cents: int, currency: str) -> dict:
    return {"currency": currency, "value": format_cents(cents)}


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _add_month(day: date) -> date:
    import calendar

    month0 = day.month  # next month, 0-based
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


class MollieProvider(MollieConnect, PaymentProvider):
    name = "mollie"
    supports_monthly = True
    transfers_per_payment = True  # delayed routes on the platform's own payments

    @classmethod
    def is_configured(cls, config) -> bool:
        return bool(config.get("MOLLIE_API_KEY"))

    def __init__(self, config: dict):
        super().__init__(config)
        self.client = Client(timeout=(min(self.timeout, 5), self.timeout), retry=1)
        if config.get("MOLLIE_API_ENDPOINT"):
            self.client.set_api_endpoint(config["MOLLIE_API_ENDPOINT"])
        self.client.set_api_key(config.get("MOLLIE_API_KEY", ""))

    def methods(self) -> list[tuple[str, str]]:
        return [
            ("ideal", self.config.get("IDEAL_METHOD_LABEL", "iDEAL")),
            ("creditcard", "Card"),
            ("bancontact", "Bancontact"),
        ]

    def _call(self, fn, *args, **kwargs):
        """Translate the client's errors into the contract's two kinds."""
        try:
            return fn(*args, **kwargs)
        except NotFoundError:
            raise
        except (RequestError, ResponseHandlingError) as error:
            raise ProviderUnavailable(str(error)) from error
        except ResponseError as error:
            if (error.status or 500) >= 500 or error.status == 429:
                raise ProviderUnavailable(str(error)) from error
            raise ProviderRejected(str(error)) from error
        except MollieError as error:
            raise ProviderUnavailable(str(error)) from error
        except ValueError as error:  # a non-JSON answer (a proxy's error page)
            raise ProviderUnavailable(str(error)) from error

    def create_checkout(self, request: CheckoutRequest) -> Checkout:
        data = {
            "amount": _amount(request.amount_cents, request.currency),
            "description": request.description,
            "redirectUrl": request.redirect_url,
            "cancelUrl": request.cancel_url,
            "locale": LOCALES.get(request.locale, "nl_NL"),
            "metadata": request.metadata,
        }
        if request.method:
            data["method"] = request.method
        if request.webhook_url:
            data["webhookUrl"] = request.webhook_url
        customer_id = None
        client = self.client
        if request.destination is not None:  # a one-off gift on the initiative's organisation
            client = self.client_for(request.destination.account)
            data = self.connect_payment_data(data, request.destination)
        if request.monthly:
            customer = self._call(
                self.client.customers.create,
                {
                    "name": request.donor_name or None,
                    "email": request.donor_email or None,
                    "metadata": {"recurring_gift_id": str(request.recurring_gift_id)},
                },
                idempotency_key=f"{request.idempotency_key}-customer",
            )
            customer_id = customer.id
            data["customerId"] = customer_id
            data["sequenceType"] = "first"
        try:
            payment = self._call(
                client.payments.create, data, idempotency_key=request.idempotency_key
            )
        except NotFoundError as error:
            raise ProviderRejected(str(error)) from error
        return Checkout(
            payment_id=payment.id,
            checkout_url=payment.checkout_url,
            expires_at=_when(payment.expires_at),
            customer_id=customer_id,
        )

    def fetch_payment(
        self, payment_id: str, account: ConnectedAccount | None = None
    ) -> ProviderPayment | None:
        if not payment_id.startswith("tr_"):
            return None
        client = self.client_for(account)
        try:
            payment = self._oauth_call(client.payments.get, payment_id, embed="refunds,chargebacks")
        except NotFoundError:
            return None
        embedded = payment.get("_embedded") or {}
        refunds = tuple(
            ProviderRefund(
                refund_id=r["id"],
                amount_cents=_cents(r["amount"]),
                currency=r["amount"]["currency"],
                status=REFUND_STATUS_MAP.get(r["status"], "pending"),
            )
            for r in embedded.get("refunds", [])
        )
        chargebacks = tuple(
            ProviderChargeback(
                chargeback_id=c["id"],
                amount_cents=_cents(c["amount"]),
                currency=c["amount"]["currency"],
                reversed=bool(c.get("reversedAt")),
                reason=((c.get("reason") or {}).get("description") or "")[:200],
            )
            for c in embedded.get("chargebacks", [])
        )
        details = payment.get("details") or {}
        return ProviderPayment(
            payment_id=payment.id,
            status=STATUS_MAP.get(payment.status, "pending"),
            amount_cents=_cents(payment.amount),
            currency=payment.amount["currency"],
            method=payment.method,
            paid_at=_when(payment.paid_at),
            expires_at=_when(payment.expires_at),
            metadata=payment.metadata if isinstance(payment.metadata, dict) else {},
            refunds=refunds,
            chargebacks=chargebacks,
            customer_id=payment.customer_id,
            subscription_id=payment.subscription_id,
            first_of_subscription=payment.sequence_type == "first",
            payer_name=details.get("consumerName") or details.get("cardHolder") or "",
        )

    def create_refund(
        self, payment: ProviderPaymentRef, amount_cents: int, currency: str, idempotency_key: str
    ) -> ProviderRefund:
        client = self.client_for(payment.account)
        try:
            mollie_payment = self._oauth_call(client.payments.get, payment.payment_id)
            refund = self._call(
                mollie_payment.refunds.create,
                {"amount": _amount(amount_cents, currency), "description": "Impactbeurs refund"},
                idempotency_key=idempotency_key,
            )
        except NotFoundError as error:
            raise ProviderRejected(str(error)) from error
        return ProviderRefund(
            refund_id=refund["id"],
            amount_cents=_cents(refund["amount"]),
            currency=refund["amount"]["currency"],
            status=REFUND_STATUS_MAP.get(refund["status"], "pending"),
        )

    def parse_webhook(self, body: bytes, form: dict, headers: dict) -> list[WebhookTrigger]:
        """Mollie posts `id=tr_...` and nothing else (unsigned): that id is all we take."""
        payment_id = (form.get("id") or "").strip()
        if payment_id.startswith("tr_") and len(payment_id) < 100:
            return [WebhookTrigger(payment_id)]
        return []

    def start_subscription(
        self, customer_id, amount_cents, currency, description, webhook_url, metadata,
        idempotency_key,
    ) -> Subscription:  # fmt: skip
        data = {
            "amount": _amount(amount_cents, currency),
            "interval": "1 month",
            "description": description,
            "startDate": _add_month(to_amsterdam(utcnow()).date()).isoformat(),
            "metadata": metadata,
        }
        if webhook_url:
            data["webhookUrl"] = webhook_url
        try:
            customer = self._call(self.client.customers.get, customer_id)
            subscription = self._call(
                customer.subscriptions.create, data, idempotency_key=idempotency_key
            )
        except NotFoundError as error:
            raise ProviderRejected(str(error)) from error
        return Subscription(subscription_id=subscription["id"], status=subscription["status"])

    def cancel_subscription(self, customer_id: str | None, subscription_id: str) -> None:
        try:
            customer = self._call(self.client.customers.get, customer_id)
            self._call(customer.subscriptions.delete, subscription_id)
        except NotFoundError:
            return  # gone at Mollie: nothing left to stop
        except ProviderRejected as error:
            if isinstance(error.__cause__, UnprocessableEntityError):
                current = self._call(customer.subscriptions.get, subscription_id)
                if current["status"] in ("canceled", "completed"):
                    return
            raise
