"""In-memory fake of the Mollie v2 API, served over real HTTP for ``mollie-api-python``.

Usage::

    with fake_mollie() as mollie:               # or FakeMollie().start() / .stop()
        client = mollie_client(mollie)          # Client with set_api_endpoint(mollie.url)
        payment = client.payments.create({...})
        mollie.pay(payment.id)                  # drive state from the test
        assert client.payments.get(payment.id).is_paid()

Endpoints live under ``{url}/v2/...`` (the client appends ``/v2`` itself, so the endpoint you
configure is the bare ``mollie.url``). A test checkout page is served at ``{url}/checkout/<id>``.
Responses are HAL+JSON shaped like https://docs.mollie.com/reference/ (subset).
"""

from __future__ import annotations

import calendar
import contextlib
import copy
import datetime as dt
import html
import ipaddress
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from .mollie_connect import PLATFORM_ORG, MollieConnectMixin
from .server import FakeService, random_id

__all__ = ["FakeMollie", "MollieError", "fake_mollie", "mollie_client"]

DOCS_ERRORS = "https://docs.mollie.com/overview/handling-errors"
HAL = "application/hal+json"
TITLES = {
    400: "Bad Request",
    401: "Unauthorized Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    410: "Gone",
    415: "Unsupported Media Type",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
PAYMENT_STATUSES = ("open", "pending", "authorized", "paid", "failed", "canceled", "expired")
CANCELABLE_STATUSES = ("open", "pending", "authorized")
REFUND_STATUSES = ("queued", "pending", "processing", "refunded", "failed", "canceled")
REFUND_COUNTING = ("queued", "pending", "processing", "refunded")
SEQUENCE_TYPES = ("oneoff", "first", "recurring")
METHODS = {
    "alma", "applepay", "bacs", "bancomatpay", "bancontact", "banktransfer", "belfius", "billie",
    "blik", "creditcard", "directdebit", "eps", "giftcard", "giropay", "googlepay", "ideal",
    "in3", "kbc", "klarna", "klarnapaylater", "klarnapaynow", "klarnasliceit", "mybank", "paypal",
    "paysafecard", "przelewy24", "riverty", "satispay", "sofort", "trustly", "twint", "voucher",
}  # fmt: skip
AMOUNT_RE = re.compile(r"^\d+\.\d{2}$")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
INTERVAL_RE = re.compile(r"^(\d+) (day|days|week|weeks|month|months)$")
IDEAL_DETAILS = {
    "consumerName": "T. TEST",
    "consumerAccount": "NL53INGB0654422370",
    "consumerBic": "INGBNL2A",
}


class MollieError(Exception):
    def __init__(self, status: int, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.field = status, detail, field


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _fmt(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def _money(cents: int, currency: str) -> dict[str, str]:
    return {"value": _fmt(cents), "currency": currency}


def _to_cents(value: int | str | Decimal) -> int:
    """Ints are cents; strings / Decimals are amounts in whole units ("25.00")."""
    if isinstance(value, int):
        return value
    return int((Decimal(str(value)) * 100).to_integral_value())


def _add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _add_interval(day: dt.date, interval: str) -> dt.date:
    match = INTERVAL_RE.match(interval)
    if not match:
        return day
    count, unit = int(match.group(1)), match.group(2)
    if unit.startswith("month"):
        return _add_months(day, count)
    return day + dt.timedelta(days=count * (7 if unit.startswith("week") else 1))


def _doc(href: str = DOCS_ERRORS) -> dict[str, str]:
    return {"href": href, "type": "text/html"}


# ------------------------------------------------------------------------------ state records
@dataclass
class _Payment:
    id: str
    mode: str
    amount: int
    currency: str
    description: str
    redirect_url: str | None
    webhook_url: str | None
    method: str | None
    metadata: Any
    sequence_type: str = "oneoff"
    cancel_url: str | None = None
    locale: str | None = None
    customer_id: str | None = None
    mandate_id: str | None = None
    subscription_id: str | None = None
    status: str = "open"
    created_at: dt.datetime = field(default_factory=_now)
    expires_at: dt.datetime | None = None
    paid_at: dt.datetime | None = None
    authorized_at: dt.datetime | None = None
    canceled_at: dt.datetime | None = None
    expired_at: dt.datetime | None = None
    failed_at: dt.datetime | None = None
    details: dict | None = None
    is_cancelable: bool | None = None  # None = derive from status
    refunds: list[str] = field(default_factory=list)
    chargebacks: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # raw overrides merged into the rendered JSON
    org_id: str = PLATFORM_ORG  # the organisation the payment belongs to (Connect)
    profile_id: str = "pfl_FakeProf01"
    application_fee: dict | None = None


@dataclass
class _Refund:
    id: str
    payment_id: str
    amount: int
    currency: str
    status: str
    description: str
    metadata: Any
    created_at: dt.datetime = field(default_factory=_now)


@dataclass
class _Chargeback:
    id: str
    payment_id: str
    amount: int
    currency: str
    reason: dict | None
    created_at: dt.datetime = field(default_factory=_now)
    reversed_at: dt.datetime | None = None


@dataclass
class _Customer:
    id: str
    mode: str
    name: str | None
    email: str | None
    locale: str | None
    metadata: Any
    created_at: dt.datetime = field(default_factory=_now)


@dataclass
class _Mandate:
    id: str
    customer_id: str
    mode: str
    method: str
    details: dict
    status: str = "valid"
    mandate_reference: str | None = None
    signature_date: str | None = None
    created_at: dt.datetime = field(default_factory=_now)


@dataclass
class _Subscription:
    id: str
    customer_id: str
    mode: str
    amount: int
    currency: str
    interval: str
    description: str
    start_date: dt.date
    times: int | None
    method: str | None
    mandate_id: str | None
    webhook_url: str | None
    metadata: Any
    status: str = "active"
    created_at: dt.datetime = field(default_factory=_now)
    canceled_at: dt.datetime | None = None
    payments: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------------- the fake
class FakeMollie(MollieConnectMixin, FakeService):
    """Fake Mollie v2 API.

    Constructor options:
      * ``api_key``: if given, only this exact key is accepted (default: any ``test_``/``live_``
        /``access_`` key).
      * ``allow_local_webhooks``: accept localhost/private webhookUrls (real Mollie: 422).
      * ``deliver_webhooks``: actually POST ``id=<tr_...>`` to webhookUrls on every state change
        (results in ``webhook_deliveries``). Every due call is recorded in ``webhooks`` either
        way, so tests using Flask's test client can replay them (``pop_webhooks()``).
    """

    service_name = "FakeMollie"
    connect_error = MollieError
    default_base_url = "http://mollie.fake.invalid"
    api_prefixes = ("/v2/",)

    def __init__(
        self,
        api_key: str | None = None,
        *,
        allow_local_webhooks: bool = False,
        deliver_webhooks: bool = False,
        webhook_timeout: float = 5.0,
    ) -> None:
        super().__init__()
        self.api_key = api_key
        self.allow_local_webhooks = allow_local_webhooks
        self.deliver_webhooks = deliver_webhooks
        self.webhook_timeout = webhook_timeout
        self.payments: dict[str, _Payment] = {}
        self.refunds: dict[str, _Refund] = {}
        self.chargebacks: dict[str, _Chargeback] = {}
        self.customers: dict[str, _Customer] = {}
        self.mandates: dict[str, _Mandate] = {}
        self.subscriptions: dict[str, _Subscription] = {}
        self._org_context = PLATFORM_ORG  # who the current request acts for (under the lock)
        self._init_connect()
        self.webhooks: list[tuple[str, dict[str, str]]] = []
        self.webhook_deliveries: list[dict[str, Any]] = []

    # ================================================================ test-control API
    def payment(self, payment_id: str) -> dict:
        """Current JSON representation of a payment (as GET would return it)."""
        with self._lock:
            return self._render_payment(self._get_payment(payment_id))

    def last_payment(self) -> dict:
        with self._lock:
            if not self.payments:
                raise KeyError("no payments created yet")
            return self._render_payment(list(self.payments.values())[-1])

    def set_status(self, payment_id: str, status: str, *, method: str | None = None) -> dict:
        """Move a payment to ``status`` (timestamps, mandates and webhooks follow)."""
        with self._lock:
            payment = self._get_payment(payment_id)
            self._transition(payment, status, method=method)
            result = self._render_payment(payment)
        self._flush()
        return result

    def pay(self, payment_id: str, *, method: str | None = None) -> dict:
        return self.set_status(payment_id, "paid", method=method)

    def fail(self, payment_id: str) -> dict:
        return self.set_status(payment_id, "failed")

    def cancel(self, payment_id: str) -> dict:
        return self.set_status(payment_id, "canceled")

    def expire(self, payment_id: str) -> dict:
        return self.set_status(payment_id, "expired")

    def set_amount(
        self, payment_id: str, amount: int | str | Decimal, currency: str | None = None
    ) -> dict:
        """Change a payment's amount (int = cents, str/Decimal = "12.50") to fake a mismatch."""
        with self._lock:
            payment = self._get_payment(payment_id)
            payment.amount = _to_cents(amount)
            if currency:
                payment.currency = currency
            return self._render_payment(payment)

    def update_payment(self, payment_id: str, **raw_fields: Any) -> dict:
        """Escape hatch: merge raw camelCase JSON fields into the rendered payment."""
        with self._lock:
            payment = self._get_payment(payment_id)
            payment.extra.update(raw_fields)
            return self._render_payment(payment)

    def add_refund(
        self, payment_id: str, cents: int | None = None, status: str = "refunded", **kw: Any
    ) -> str:
        """Create a refund as if made in the Mollie dashboard; returns ``re_...``."""
        if status not in REFUND_STATUSES:
            raise ValueError(f"unknown refund status {status!r}")
        with self._lock:
            payment = self._get_payment(payment_id)
            refund = self._create_refund(payment, cents, status=status, **kw)
        self._flush()
        return refund.id

    def set_refund_status(self, refund_id: str, status: str) -> None:
        if status not in REFUND_STATUSES:
            raise ValueError(f"unknown refund status {status!r}")
        with self._lock:
            refund = self.refunds[refund_id]
            refund.status = status
            self._queue_webhook(self.payments[refund.payment_id])
        self._flush()

    def add_chargeback(
        self, payment_id: str, cents: int | None = None, *, reason: dict | None = None
    ) -> str:
        """Register a chargeback (default: full amount); returns ``chb_...``."""
        with self._lock:
            payment = self._get_payment(payment_id)
            cents = payment.amount if cents is None else cents
            chargeback = _Chargeback(
                id=random_id("chb_", 10),
                payment_id=payment.id,
                amount=cents,
                currency=payment.currency,
                reason=reason or {"code": "AC01", "description": "Account identifier incorrect"},
            )
            self.chargebacks[chargeback.id] = chargeback
            payment.chargebacks.append(chargeback.id)
            self._queue_webhook(payment)
        self._flush()
        return chargeback.id

    def reverse_chargeback(self, chargeback_id: str) -> None:
        with self._lock:
            chargeback = self.chargebacks[chargeback_id]
            chargeback.reversed_at = _now()
            self._queue_webhook(self.payments[chargeback.payment_id])
        self._flush()

    def add_customer(self, name: str = "Test Donor", email: str = "donor@example.com") -> str:
        with self._lock:
            customer = _Customer(random_id("cst_", 10), "test", name, email, None, None)
            self.customers[customer.id] = customer
            return customer.id

    def add_mandate(self, customer_id: str, method: str = "directdebit", status="valid") -> str:
        with self._lock:
            customer = self._get_customer(customer_id)
            return self._create_mandate(customer, method, status=status).id

    def create_subscription_payment(self, subscription_id: str, status: str = "paid") -> str:
        """Simulate Mollie charging a subscription term; returns the new ``tr_...`` id."""
        with self._lock:
            sub = self._get_subscription(subscription_id)
            mandate = self._suitable_mandate(sub.customer_id, sub.mandate_id)
            payment = _Payment(
                id=random_id("tr_", 10),
                mode=sub.mode,
                amount=sub.amount,
                currency=sub.currency,
                description=sub.description,
                redirect_url=None,
                webhook_url=sub.webhook_url,
                method=mandate.method if mandate else (sub.method or "directdebit"),
                metadata=copy.deepcopy(sub.metadata),
                sequence_type="recurring",
                customer_id=sub.customer_id,
                mandate_id=mandate.id if mandate else sub.mandate_id,
                subscription_id=sub.id,
                status="pending",
            )
            self.payments[payment.id] = payment
            sub.payments.append(payment.id)
            self._transition(payment, status, force_webhook=True)
        self._flush()
        return payment.id

    def cancel_subscription(self, subscription_id: str) -> None:
        with self._lock:
            sub = self._get_subscription(subscription_id)
            sub.status, sub.canceled_at = "canceled", _now()

    def pop_webhooks(self) -> list[tuple[str, dict[str, str]]]:
        """Return and forget the webhook calls that became due: ``[(url, {"id": ...}), ...]``."""
        with self._lock:
            calls, self.webhooks = self.webhooks, []
            return calls

    # ============================================================================ HTTP
    def build_url_map(self) -> Map:
        def r(path: str, endpoint: str, *methods: str) -> Rule:
            return Rule(path, endpoint=endpoint, methods=list(methods))

        return Map(
            [
                r("/v2/payments", "api_create_payment", "POST"),
                r("/v2/payments", "api_list_payments", "GET"),
                r("/v2/payments/<pid>", "api_get_payment", "GET"),
                r("/v2/payments/<pid>", "api_update_payment", "PATCH"),
                r("/v2/payments/<pid>", "api_cancel_payment", "DELETE"),
                r("/v2/payments/<pid>/refunds", "api_create_refund", "POST"),
                r("/v2/payments/<pid>/refunds", "api_list_refunds", "GET"),
                r("/v2/payments/<pid>/refunds/<rid>", "api_get_refund", "GET"),
                r("/v2/payments/<pid>/refunds/<rid>", "api_cancel_refund", "DELETE"),
                r("/v2/payments/<pid>/chargebacks", "api_list_chargebacks", "GET"),
                r("/v2/payments/<pid>/chargebacks/<cid>", "api_get_chargeback", "GET"),
                r("/v2/refunds", "api_list_all_refunds", "GET"),
                r("/v2/chargebacks", "api_list_all_chargebacks", "GET"),
                r("/v2/customers", "api_create_customer", "POST"),
                r("/v2/customers", "api_list_customers", "GET"),
                r("/v2/customers/<cid>", "api_get_customer", "GET"),
                r("/v2/customers/<cid>", "api_update_customer", "PATCH"),
                r("/v2/customers/<cid>", "api_delete_customer", "DELETE"),
                r("/v2/customers/<cid>/payments", "api_create_customer_payment", "POST"),
                r("/v2/customers/<cid>/payments", "api_list_customer_payments", "GET"),
                r("/v2/customers/<cid>/mandates", "api_create_mandate", "POST"),
                r("/v2/customers/<cid>/mandates", "api_list_mandates", "GET"),
                r("/v2/customers/<cid>/mandates/<mid>", "api_get_mandate", "GET"),
                r("/v2/customers/<cid>/mandates/<mid>", "api_revoke_mandate", "DELETE"),
                r("/v2/customers/<cid>/subscriptions", "api_create_subscription", "POST"),
                r("/v2/customers/<cid>/subscriptions", "api_list_subscriptions", "GET"),
                r("/v2/customers/<cid>/subscriptions/<sid>", "api_get_subscription", "GET"),
                r("/v2/customers/<cid>/subscriptions/<sid>", "api_update_subscription", "PATCH"),
                r("/v2/customers/<cid>/subscriptions/<sid>", "api_cancel_subscription", "DELETE"),
                r(
                    "/v2/customers/<cid>/subscriptions/<sid>/payments",
                    "api_list_subscription_payments",
                    "GET",
                ),
                r("/v2/subscriptions", "api_list_all_subscriptions", "GET"),
                r("/checkout/<pid>", "page_checkout", "GET", "POST"),
                *self.connect_rules(),
            ],
            strict_slashes=False,
        )

    def error_response(self, status: int, message: str, **extra: Any) -> Response:
        body: dict[str, Any] = {
            "status": status,
            "title": TITLES.get(status, "Error"),
            "detail": message,
        }
        if extra.get("field"):
            body["field"] = extra["field"]
        body["_links"] = {"documentation": _doc(extra.get("doc") or DOCS_ERRORS)}
        return self.json_response(body, status=status, content_type=HAL)

    def idempotency_mismatch_response(self) -> Response:
        return self.error_response(
            422, "The Idempotency-Key was already used for a request with a different payload."
        )

    def not_found_route(self, request: Request) -> Response:
        return self.error_response(404, "The resource could not be found.")

    def authenticate(self, request: Request) -> Response | None:
        auth = request.headers.get("Authorization", "")
        token = auth[7:].strip() if auth.startswith("Bearer ") else ""
        valid = re.match(r"^(live|test)_\w+$|^access_\w+", token) is not None
        if self.api_key is not None:
            valid = token == self.api_key
        if not valid:
            return self.error_response(
                401,
                "Missing authentication, or failed to authenticate",
                doc="https://docs.mollie.com/overview/authentication",
            )
        request.environ["fake.mode"] = "live" if token.startswith("live_") else "test"
        org = self.org_for_token(token) if token.startswith("access_") else PLATFORM_ORG
        if org is None:
            return self.error_response(401, "The access token is invalid or has expired.")
        self._org_context = org
        return None

    def _dispatch(self, request: Request) -> Response:
        try:
            return super()._dispatch(request)
        except MollieError as exc:
            return self.error_response(exc.status, exc.detail, field=exc.field)

    def _ok(self, data: Any, status: int = 200) -> Response:
        return self.json_response(data, status=status, content_type=HAL)

    @staticmethod
    def _body(request: Request) -> dict:
        raw = request.get_data(cache=True)
        if not raw:
            return {}
        try:
            data = json.loads(raw)
        except ValueError:
            raise MollieError(400, "The JSON body could not be decoded.") from None
        if not isinstance(data, dict):
            raise MollieError(400, "The request body must be a JSON object.")
        return data

    # ---------------------------------------------------------------- payments
    def api_create_payment(self, request: Request) -> Response:
        payment = self._create_payment(request, self._body(request))
        return self._ok(self._render_payment(payment), 201)

    def api_create_customer_payment(self, request: Request, cid: str) -> Response:
        self._get_customer(cid)
        data = self._body(request)
        data["customerId"] = cid
        payment = self._create_payment(request, data)
        return self._ok(self._render_payment(payment), 201)

    def api_list_payments(self, request: Request) -> Response:
        items = [self._render_payment(p) for p in self.payments.values()]
        return self._ok(self._list(request, "payments", items))

    def api_list_customer_payments(self, request: Request, cid: str) -> Response:
        self._get_customer(cid)
        items = [self._render_payment(p) for p in self.payments.values() if p.customer_id == cid]
        return self._ok(self._list(request, "payments", items))

    def api_get_payment(self, request: Request, pid: str) -> Response:
        payment = self._get_payment(pid, http=True)
        data = self._render_payment(payment)
        embeds = {e.strip() for e in request.args.get("embed", "").split(",") if e.strip()}
        embedded = {}
        if "refunds" in embeds:
            embedded["refunds"] = [self._render_refund(self.refunds[r]) for r in payment.refunds]
        if "chargebacks" in embeds:
            embedded["chargebacks"] = [
                self._render_chargeback(self.chargebacks[c]) for c in payment.chargebacks
            ]
        if embedded:
            data["_embedded"] = embedded
        return self._ok(data)

    def api_update_payment(self, request: Request, pid: str) -> Response:
        payment = self._get_payment(pid, http=True)
        data = self._body(request)
        if payment.status != "open":
            raise MollieError(422, "The payment cannot be updated because it is not open.")
        if "description" in data:
            payment.description = self._validate_description(data["description"])
        if "redirectUrl" in data:
            payment.redirect_url = self._validate_url(data["redirectUrl"], "redirectUrl")
        if "cancelUrl" in data:
            payment.cancel_url = self._validate_url(data["cancelUrl"], "cancelUrl")
        if "webhookUrl" in data:
            payment.webhook_url = self._validate_webhook(data["webhookUrl"])
        if "metadata" in data:
            payment.metadata = self._validate_metadata(data["metadata"])
        if "locale" in data:
            payment.locale = data["locale"]
        return self._ok(self._render_payment(payment))

    def api_cancel_payment(self, request: Request, pid: str) -> Response:
        payment = self._get_payment(pid, http=True)
        if not self._is_cancelable(payment):
            raise MollieError(422, f"The payment {pid} cannot be canceled.")
        self._transition(payment, "canceled")
        return self._ok(self._render_payment(payment))

    # ----------------------------------------------------------------- refunds
    def api_create_refund(self, request: Request, pid: str) -> Response:
        payment = self._get_payment(pid, http=True)
        data = self._body(request)
        cents, currency = self._parse_amount(data.get("amount"), "amount")
        if currency != payment.currency:
            raise MollieError(422, "The currency of the refund must match the payment.", "amount")
        refund = self._create_refund(
            payment,
            cents,
            status="pending",
            description=self._str(data.get("description"), "description", 255) or "",
            metadata=self._validate_metadata(data.get("metadata")),
        )
        return self._ok(self._render_refund(refund), 201)

    def api_list_refunds(self, request: Request, pid: str) -> Response:
        payment = self._get_payment(pid, http=True)
        items = [self._render_refund(self.refunds[r]) for r in payment.refunds]
        return self._ok(self._list(request, "refunds", items))

    def api_list_all_refunds(self, request: Request) -> Response:
        items = [self._render_refund(r) for r in self.refunds.values()]
        return self._ok(self._list(request, "refunds", items))

    def api_get_refund(self, request: Request, pid: str, rid: str) -> Response:
        payment = self._get_payment(pid, http=True)
        if rid not in payment.refunds:
            raise MollieError(404, f"No refund exists with token {rid}.")
        return self._ok(self._render_refund(self.refunds[rid]))

    def api_cancel_refund(self, request: Request, pid: str, rid: str) -> Response:
        payment = self._get_payment(pid, http=True)
        if rid not in payment.refunds:
            raise MollieError(404, f"No refund exists with token {rid}.")
        refund = self.refunds[rid]
        if refund.status not in ("queued", "pending"):
            raise MollieError(422, "The refund cannot be canceled anymore.")
        refund.status = "canceled"
        return Response(status=204)

    # ------------------------------------------------------------- chargebacks
    def api_list_chargebacks(self, request: Request, pid: str) -> Response:
        payment = self._get_payment(pid, http=True)
        items = [self._render_chargeback(self.chargebacks[c]) for c in payment.chargebacks]
        return self._ok(self._list(request, "chargebacks", items))

    def api_list_all_chargebacks(self, request: Request) -> Response:
        items = [self._render_chargeback(c) for c in self.chargebacks.values()]
        return self._ok(self._list(request, "chargebacks", items))

    def api_get_chargeback(self, request: Request, pid: str, cid: str) -> Response:
        payment = self._get_payment(pid, http=True)
        if cid not in payment.chargebacks:
            raise MollieError(404, f"No chargeback exists with token {cid}.")
        return self._ok(self._render_chargeback(self.chargebacks[cid]))

    # --------------------------------------------------------------- customers
    def api_create_customer(self, request: Request) -> Response:
        data = self._body(request)
        customer = _Customer(
            id=random_id("cst_", 10),
            mode=request.environ.get("fake.mode", "test"),
            name=self._str(data.get("name"), "name", 255),
            email=self._validate_email(data.get("email")),
            locale=data.get("locale"),
            metadata=self._validate_metadata(data.get("metadata")),
        )
        self.customers[customer.id] = customer
        return self._ok(self._render_customer(customer), 201)

    def api_list_customers(self, request: Request) -> Response:
        items = [self._render_customer(c) for c in self.customers.values()]
        return self._ok(self._list(request, "customers", items))

    def api_get_customer(self, request: Request, cid: str) -> Response:
        return self._ok(self._render_customer(self._get_customer(cid)))

    def api_update_customer(self, request: Request, cid: str) -> Response:
        customer = self._get_customer(cid)
        data = self._body(request)
        if "name" in data:
            customer.name = self._str(data["name"], "name", 255)
        if "email" in data:
            customer.email = self._validate_email(data["email"])
        if "locale" in data:
            customer.locale = data["locale"]
        if "metadata" in data:
            customer.metadata = self._validate_metadata(data["metadata"])
        return self._ok(self._render_customer(customer))

    def api_delete_customer(self, request: Request, cid: str) -> Response:
        self._get_customer(cid)
        del self.customers[cid]
        for sub in self.subscriptions.values():
            if sub.customer_id == cid and sub.status == "active":
                sub.status, sub.canceled_at = "canceled", _now()
        return Response(status=204)

    # ---------------------------------------------------------------- mandates
    def api_create_mandate(self, request: Request, cid: str) -> Response:
        customer = self._get_customer(cid)
        data = self._body(request)
        method = data.get("method")
        if method not in ("directdebit", "paypal"):
            raise MollieError(422, "The mandate method is invalid.", "method")
        if not data.get("consumerName"):
            raise MollieError(422, "The consumer name is required.", "consumerName")
        mandate = self._create_mandate(customer, method)
        mandate.details = {
            "consumerName": data["consumerName"],
            "consumerAccount": data.get("consumerAccount"),
            "consumerBic": data.get("consumerBic"),
        }
        mandate.mandate_reference = data.get("mandateReference")
        mandate.signature_date = data.get("signatureDate") or mandate.signature_date
        return self._ok(self._render_mandate(mandate), 201)

    def api_list_mandates(self, request: Request, cid: str) -> Response:
        self._get_customer(cid)
        items = [self._render_mandate(m) for m in self.mandates.values() if m.customer_id == cid]
        return self._ok(self._list(request, "mandates", items))

    def api_get_mandate(self, request: Request, cid: str, mid: str) -> Response:
        return self._ok(self._render_mandate(self._get_mandate(cid, mid)))

    def api_revoke_mandate(self, request: Request, cid: str, mid: str) -> Response:
        mandate = self._get_mandate(cid, mid)
        del self.mandates[mandate.id]
        return Response(status=204)

    # ----------------------------------------------------------- subscriptions
    def api_create_subscription(self, request: Request, cid: str) -> Response:
        customer = self._get_customer(cid)
        data = self._body(request)
        cents, currency = self._parse_amount(data.get("amount"), "amount")
        interval = data.get("interval")
        if not isinstance(interval, str) or not INTERVAL_RE.match(interval):
            raise MollieError(422, "The interval is invalid.", "interval")
        description = self._validate_description(data.get("description"))
        for other in self.subscriptions.values():
            if (other.customer_id, other.status, other.description) == (
                cid,
                "active",
                description,
            ):
                raise MollieError(
                    422,
                    "The description is already used by another active subscription of this "
                    "customer; it must be unique.",
                    "description",
                )
        method = data.get("method")
        if method is not None and method not in ("creditcard", "directdebit", "paypal"):
            raise MollieError(422, "The payment method is invalid.", "method")
        mandate_id = data.get("mandateId")
        if not self._suitable_mandate(cid, mandate_id, method):
            raise MollieError(422, "The customer has no suitable mandate for this subscription.")
        times = data.get("times")
        if times is not None and (not isinstance(times, int) or times < 1):
            raise MollieError(422, "The times parameter is invalid.", "times")
        start_date = self._parse_date(data.get("startDate"), "startDate") or _now().date()
        sub = _Subscription(
            id=random_id("sub_", 10),
            customer_id=customer.id,
            mode=request.environ.get("fake.mode", "test"),
            amount=cents,
            currency=currency,
            interval=interval,
            description=description,
            start_date=start_date,
            times=times,
            method=method,
            mandate_id=mandate_id,
            webhook_url=self._validate_webhook(data.get("webhookUrl")),
            metadata=self._validate_metadata(data.get("metadata")),
        )
        self.subscriptions[sub.id] = sub
        return self._ok(self._render_subscription(sub), 201)

    def api_list_subscriptions(self, request: Request, cid: str) -> Response:
        self._get_customer(cid)
        items = [
            self._render_subscription(s)
            for s in self.subscriptions.values()
            if s.customer_id == cid
        ]
        return self._ok(self._list(request, "subscriptions", items))

    def api_list_all_subscriptions(self, request: Request) -> Response:
        items = [self._render_subscription(s) for s in self.subscriptions.values()]
        return self._ok(self._list(request, "subscriptions", items))

    def api_get_subscription(self, request: Request, cid: str, sid: str) -> Response:
        return self._ok(self._render_subscription(self._get_subscription(sid, cid)))

    def api_update_subscription(self, request: Request, cid: str, sid: str) -> Response:
        sub = self._get_subscription(sid, cid)
        if sub.status == "canceled":
            raise MollieError(422, "The subscription has been canceled and cannot be updated.")
        data = self._body(request)
        if "amount" in data:
            sub.amount, sub.currency = self._parse_amount(data["amount"], "amount")
        if "description" in data:
            sub.description = self._validate_description(data["description"])
        if "interval" in data:
            if not isinstance(data["interval"], str) or not INTERVAL_RE.match(data["interval"]):
                raise MollieError(422, "The interval is invalid.", "interval")
            sub.interval = data["interval"]
        if "startDate" in data:
            sub.start_date = self._parse_date(data["startDate"], "startDate") or sub.start_date
        if "times" in data:
            sub.times = data["times"]
        if "mandateId" in data:
            sub.mandate_id = data["mandateId"]
        if "webhookUrl" in data:
            sub.webhook_url = self._validate_webhook(data["webhookUrl"])
        if "metadata" in data:
            sub.metadata = self._validate_metadata(data["metadata"])
        return self._ok(self._render_subscription(sub))

    def api_cancel_subscription(self, request: Request, cid: str, sid: str) -> Response:
        sub = self._get_subscription(sid, cid)
        if sub.status == "canceled":
            raise MollieError(422, "The subscription has already been canceled.")
        sub.status, sub.canceled_at = "canceled", _now()
        return self._ok(self._render_subscription(sub))

    def api_list_subscription_payments(self, request: Request, cid: str, sid: str) -> Response:
        sub = self._get_subscription(sid, cid)
        items = [self._render_payment(self.payments[p]) for p in sub.payments]
        return self._ok(self._list(request, "payments", items))

    # ------------------------------------------------------------ checkout page
    def page_checkout(self, request: Request, pid: str) -> Response:
        payment = self.payments.get(pid)
        if payment is None:
            return Response("<h1>Payment not found</h1>", status=404, content_type="text/html")
        if request.method == "POST":
            status = request.form.get("status", "paid")
            if payment.status == "open" and status in PAYMENT_STATUSES:
                self._transition(payment, status, method=request.form.get("method") or None)
            target = payment.redirect_url
            if status == "canceled" and payment.cancel_url:
                target = payment.cancel_url
            if target:
                return Response(status=303, headers={"Location": target})
            return Response(f"<p>Payment {pid}: {payment.status}</p>", content_type="text/html")
        esc = html.escape
        buttons = "".join(
            f'<button type="submit" name="status" value="{s}" id="status-{s}">{s}</button> '
            for s in ("paid", "failed", "canceled", "expired", "open")
        )
        page = (
            "<!doctype html><html><head><title>Mollie test checkout</title></head><body>"
            f"<h1>Test payment {esc(payment.id)}</h1>"
            f"<p class='description'>{esc(payment.description)}</p>"
            f"<p class='amount'>{esc(payment.currency)} {_fmt(payment.amount)}</p>"
            f"<p class='status'>Status: {esc(payment.status)}</p>"
            f'<form method="post" action="/checkout/{esc(payment.id)}">{buttons}</form>'
            "</body></html>"
        )
        return Response(page, content_type="text/html")

    # ============================================================== internals
    def _get_payment(self, pid: str, http: bool = False) -> _Payment:
        payment = self.payments.get(pid)
        if payment is None or (http and payment.org_id != self._org_context):
            if http:
                raise MollieError(404, f"No payment exists with token {pid}.")
            raise KeyError(pid)
        return payment

    def _get_customer(self, cid: str) -> _Customer:
        customer = self.customers.get(cid)
        if customer is None:
            raise MollieError(404, f"No customer exists with token {cid}.")
        return customer

    def _get_mandate(self, cid: str, mid: str) -> _Mandate:
        self._get_customer(cid)
        mandate = self.mandates.get(mid)
        if mandate is None or mandate.customer_id != cid:
            raise MollieError(404, f"No mandate exists with token {mid}.")
        return mandate

    def _get_subscription(self, sid: str, cid: str | None = None) -> _Subscription:
        if cid is not None:
            self._get_customer(cid)
        sub = self.subscriptions.get(sid)
        if sub is None or (cid is not None and sub.customer_id != cid):
            raise MollieError(404, f"No subscription exists with token {sid}.")
        return sub

    def _suitable_mandate(
        self, cid: str, mandate_id: str | None = None, method: str | None = None
    ) -> _Mandate | None:
        for mandate in reversed(list(self.mandates.values())):
            if mandate.customer_id != cid or mandate.status not in ("valid", "pending"):
                continue
            if mandate_id and mandate.id != mandate_id:
                continue
            if method and mandate.method != method:
                continue
            return mandate
        return None

    @staticmethod
    def _parse_amount(value: Any, name: str) -> tuple[int, str]:
        if value is None:
            raise MollieError(422, f"The {name} is required.", name)
        if not isinstance(value, dict):
            raise MollieError(422, f"The {name} is invalid.", name)
        currency = value.get("currency")
        raw = value.get("value")
        if not isinstance(currency, str) or not CURRENCY_RE.match(currency):
            raise MollieError(422, f"The {name} currency is invalid.", f"{name}.currency")
        if not isinstance(raw, str) or not AMOUNT_RE.match(raw):
            raise MollieError(
                422,
                f"The {name} contains an invalid value. A string with two decimals is "
                'expected, for example "10.00".',
                f"{name}.value",
            )
        try:
            cents = _to_cents(raw)
        except InvalidOperation:  # pragma: no cover - regex guarantees a number
            raise MollieError(422, f"The {name} is invalid.", f"{name}.value") from None
        if cents <= 0:
            raise MollieError(422, f"The {name} is lower than the minimum.", name)
        return cents, currency

    @staticmethod
    def _str(value: Any, name: str, max_len: int) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or len(value) > max_len:
            raise MollieError(422, f"The {name} is invalid.", name)
        return value

    def _validate_description(self, value: Any) -> str:
        if not isinstance(value, str) or not value.strip() or len(value) > 255:
            raise MollieError(422, "The description is invalid.", "description")
        return value

    @staticmethod
    def _validate_email(value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value):
            raise MollieError(422, "The email address is invalid.", "email")
        return value

    @staticmethod
    def _validate_metadata(value: Any) -> Any:
        if value is not None and len(json.dumps(value)) > 1024:
            raise MollieError(422, "The metadata is too large (max 1024 bytes).", "metadata")
        return value

    @staticmethod
    def _parse_date(value: Any, name: str) -> dt.date | None:
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise MollieError(422, f"The {name} is invalid.", name) from None

    @staticmethod
    def _validate_url(value: Any, name: str, required: bool = False) -> str | None:
        if value is None or value == "":
            if required:
                raise MollieError(422, f"The {name} is required.", name)
            return None
        parts = urlsplit(value) if isinstance(value, str) else None
        if not parts or parts.scheme not in ("http", "https") or not parts.hostname:
            raise MollieError(422, f"The {name} is invalid.", name)
        return value

    def _validate_webhook(self, value: Any) -> str | None:
        url = self._validate_url(value, "webhookUrl")
        if url is None or self.allow_local_webhooks:
            return url
        host = (urlsplit(url).hostname or "").lower()
        local = host == "localhost" or host.endswith((".localhost", ".local", ".internal"))
        with contextlib.suppress(ValueError):
            ip = ipaddress.ip_address(host)
            local = local or not ip.is_global
        if local:
            raise MollieError(
                422,
                "The webhook URL is invalid because it is unreachable from Mollie's point of view.",
                "webhookUrl",
            )
        return url

    def _create_payment(self, request: Request, data: dict) -> _Payment:
        cents, currency = self._parse_amount(data.get("amount"), "amount")
        description = self._validate_description(data.get("description"))
        sequence_type = data.get("sequenceType") or "oneoff"
        if sequence_type not in SEQUENCE_TYPES:
            raise MollieError(422, "The sequence type is invalid.", "sequenceType")
        redirect_url = self._validate_url(
            data.get("redirectUrl"), "redirectUrl", required=sequence_type != "recurring"
        )
        cancel_url = self._validate_url(data.get("cancelUrl"), "cancelUrl")
        webhook_url = self._validate_webhook(data.get("webhookUrl"))
        method = data.get("method")
        methods = method if isinstance(method, list) else [method] if method else []
        for m in methods:
            if m not in METHODS:
                raise MollieError(422, f"The payment method {m!r} is invalid.", "method")
        customer_id = data.get("customerId")
        if customer_id is not None and customer_id not in self.customers:
            raise MollieError(422, f"No customer exists with token {customer_id}.", "customerId")
        if sequence_type != "oneoff" and customer_id is None:
            raise MollieError(
                422, "A customer is required for first and recurring payments.", "customerId"
            )
        mandate = None
        if sequence_type == "recurring":
            mandate = self._suitable_mandate(customer_id, data.get("mandateId"))
            if mandate is None:
                raise MollieError(
                    422, "The customer does not have a suitable mandate.", "customerId"
                )
        mode = request.environ.get("fake.mode", "test")
        connect = self.connect_payment_fields(data, cents, currency)
        payment = _Payment(
            id=random_id("tr_", 10),
            mode=mode,
            amount=cents,
            currency=currency,
            description=description,
            redirect_url=redirect_url,
            cancel_url=cancel_url,
            webhook_url=webhook_url,
            method=(mandate.method if mandate else (methods[0] if len(methods) == 1 else None)),
            metadata=self._validate_metadata(data.get("metadata")),
            sequence_type=sequence_type,
            locale=data.get("locale"),
            customer_id=customer_id,
            mandate_id=mandate.id if mandate else None,
        )
        for name, value in connect.items():
            setattr(payment, name, value)
        if sequence_type == "recurring":
            payment.status = "pending"
        else:
            payment.expires_at = payment.created_at + dt.timedelta(minutes=15)
        self.payments[payment.id] = payment
        return payment

    def _create_refund(
        self,
        payment: _Payment,
        cents: int | None,
        status: str,
        description: str = "",
        metadata: Any = None,
    ) -> _Refund:
        if payment.status != "paid":
            raise MollieError(422, f"The payment {payment.id} has not been paid; cannot refund.")
        remaining = self._remaining(payment)
        cents = remaining if cents is None else cents
        if cents <= 0 or cents > remaining:
            raise MollieError(
                422,
                f"The amount requested ({_fmt(cents)}) is higher than the remaining amount "
                f"that can be refunded for this payment ({_fmt(remaining)}).",
                "amount",
            )
        refund = _Refund(
            id=random_id("re_", 10),
            payment_id=payment.id,
            amount=cents,
            currency=payment.currency,
            status=status,
            description=description,
            metadata=metadata,
        )
        self.refunds[refund.id] = refund
        payment.refunds.append(refund.id)
        self._queue_webhook(payment)
        return refund

    def _create_mandate(self, customer: _Customer, method: str, status: str = "valid"):
        details = dict(IDEAL_DETAILS)
        if method == "creditcard":
            details = {"cardHolder": "T. TEST", "cardNumber": "6787", "cardLabel": "Mastercard"}
        mandate = _Mandate(
            id=random_id("mdt_", 10),
            customer_id=customer.id,
            mode=customer.mode,
            method=method,
            details=details,
            status=status,
            signature_date=_now().date().isoformat(),
        )
        self.mandates[mandate.id] = mandate
        return mandate

    def _refunded(self, payment: _Payment) -> int:
        return sum(
            self.refunds[r].amount
            for r in payment.refunds
            if self.refunds[r].status in REFUND_COUNTING
        )

    def _charged_back(self, payment: _Payment) -> int:
        return sum(
            self.chargebacks[c].amount
            for c in payment.chargebacks
            if self.chargebacks[c].reversed_at is None
        )

    def _remaining(self, payment: _Payment) -> int:
        return max(0, payment.amount - self._refunded(payment) - self._charged_back(payment))

    def _is_cancelable(self, payment: _Payment) -> bool:
        if payment.is_cancelable is not None:
            return payment.is_cancelable and payment.status in CANCELABLE_STATUSES
        return payment.status in CANCELABLE_STATUSES

    def _transition(
        self,
        payment: _Payment,
        status: str,
        method: str | None = None,
        force_webhook: bool = False,
    ) -> None:
        if status not in PAYMENT_STATUSES:
            raise ValueError(f"unknown payment status {status!r}")
        changed = status != payment.status
        payment.status = status
        now = _now()
        if method:
            payment.method = method
        if status in ("paid", "authorized", "failed", "pending") and not payment.method:
            payment.method = "creditcard" if status == "authorized" else "ideal"
        if status == "paid":
            payment.paid_at = payment.paid_at or now
            if payment.method == "ideal" and payment.details is None:
                payment.details = dict(IDEAL_DETAILS)
            if payment.sequence_type == "first" and payment.customer_id:
                customer = self.customers.get(payment.customer_id)
                if customer is not None and payment.mandate_id is None:
                    kind = "creditcard" if payment.method == "creditcard" else "directdebit"
                    payment.mandate_id = self._create_mandate(customer, kind).id
        elif status == "authorized":
            payment.authorized_at = payment.authorized_at or now
        elif status == "failed":
            payment.failed_at = payment.failed_at or now
        elif status == "canceled":
            payment.canceled_at = payment.canceled_at or now
        elif status == "expired":
            payment.expired_at = payment.expired_at or now
        if changed or force_webhook:
            self._queue_webhook(payment)

    def _queue_webhook(self, payment: _Payment) -> None:
        if not payment.webhook_url:
            return
        call = (payment.webhook_url, {"id": payment.id})
        self.webhooks.append(call)
        if self.deliver_webhooks:
            self._defer(lambda: self._deliver(*call))

    def _deliver(self, url: str, data: dict[str, str]) -> None:
        record: dict[str, Any] = {"url": url, "data": data, "status": None, "error": None}
        try:
            resp = requests.post(url, data=data, timeout=self.webhook_timeout)
            record["status"] = resp.status_code
        except requests.RequestException as exc:
            record["error"] = repr(exc)
        with self._lock:
            self.webhook_deliveries.append(record)

    # --------------------------------------------------------------- rendering
    def _link(self, path: str, kind: str = HAL) -> dict[str, str]:
        return {"href": f"{self.base_url}{path}", "type": kind}

    def _dashboard(self, path: str) -> dict[str, str]:
        return {"href": f"https://my.mollie.com/dashboard/{path}", "type": "text/html"}

    def _list(self, request: Request, name: str, items: list[dict]) -> dict:
        items = list(reversed(items))  # Mollie lists newest first
        try:
            limit = min(max(int(request.args.get("limit", 50)), 1), 250)
        except ValueError:
            raise MollieError(400, "The limit is invalid.", "limit") from None
        start = 0
        cursor = request.args.get("from")
        if cursor:
            ids = [i["id"] for i in items]
            if cursor not in ids:
                raise MollieError(400, f"Invalid 'from' parameter: {cursor}.", "from")
            start = ids.index(cursor)
        page = items[start : start + limit]
        nxt = items[start + limit]["id"] if len(items) > start + limit else None

        def href(cursor_id: str | None) -> dict | None:
            if cursor_id is None:
                return None
            query = urlencode({"from": cursor_id, "limit": limit})
            return {"href": f"{self.base_url}{request.path}?{query}", "type": HAL}

        prev_id = items[max(0, start - limit)]["id"] if start > 0 else None
        return {
            "count": len(page),
            "_embedded": {name: page},
            "_links": {
                "self": {"href": f"{self.base_url}{request.full_path.rstrip('?')}", "type": HAL},
                "previous": href(prev_id),
                "next": href(nxt),
                "documentation": _doc(f"https://docs.mollie.com/reference/list-{name}"),
            },
        }

    def _render_payment(self, p: _Payment) -> dict:
        data: dict[str, Any] = {
            "resource": "payment",
            "id": p.id,
            "mode": p.mode,
            "createdAt": _iso(p.created_at),
            "amount": _money(p.amount, p.currency),
            "description": p.description,
            "method": p.method,
            "metadata": p.metadata,
            "status": p.status,
        }
        if p.status in CANCELABLE_STATUSES:
            data["isCancelable"] = self._is_cancelable(p)
        if p.status in ("open", "pending", "authorized") and p.expires_at:
            data["expiresAt"] = _iso(p.expires_at)
        for key, value in (
            ("authorizedAt", p.authorized_at),
            ("paidAt", p.paid_at),
            ("canceledAt", p.canceled_at),
            ("expiredAt", p.expired_at),
            ("failedAt", p.failed_at),
        ):
            if value is not None:
                data[key] = _iso(value)
        if p.status == "paid":
            data["amountRefunded"] = _money(self._refunded(p), p.currency)
            data["amountRemaining"] = _money(self._remaining(p), p.currency)
        charged_back = self._charged_back(p)
        if charged_back > 0:
            data["amountChargedBack"] = _money(charged_back, p.currency)
        if p.locale:
            data["locale"] = p.locale
        data["profileId"] = p.profile_id
        if p.application_fee:
            data["applicationFee"] = copy.deepcopy(p.application_fee)
        data["sequenceType"] = p.sequence_type
        data["redirectUrl"] = p.redirect_url
        if p.cancel_url:
            data["cancelUrl"] = p.cancel_url
        data["webhookUrl"] = p.webhook_url
        for key, value in (
            ("customerId", p.customer_id),
            ("mandateId", p.mandate_id),
            ("subscriptionId", p.subscription_id),
        ):
            if value:
                data[key] = value
        if p.details is not None:
            data["details"] = p.details
        links: dict[str, Any] = {
            "self": self._link(f"/v2/payments/{p.id}"),
        }
        if p.status == "open" and p.sequence_type != "recurring":
            links["checkout"] = {"href": f"{self.base_url}/checkout/{p.id}", "type": "text/html"}
        links["dashboard"] = self._dashboard(f"payments/{p.id}")
        if p.refunds:
            links["refunds"] = self._link(f"/v2/payments/{p.id}/refunds")
        if p.chargebacks:
            links["chargebacks"] = self._link(f"/v2/payments/{p.id}/chargebacks")
        if p.customer_id:
            links["customer"] = self._link(f"/v2/customers/{p.customer_id}")
        if p.customer_id and p.mandate_id:
            links["mandate"] = self._link(f"/v2/customers/{p.customer_id}/mandates/{p.mandate_id}")
        if p.customer_id and p.subscription_id:
            links["subscription"] = self._link(
                f"/v2/customers/{p.customer_id}/subscriptions/{p.subscription_id}"
            )
        links["documentation"] = _doc("https://docs.mollie.com/reference/get-payment")
        data["_links"] = links
        data.update(copy.deepcopy(p.extra))
        return data

    def _render_refund(self, r: _Refund) -> dict:
        return {
            "resource": "refund",
            "id": r.id,
            "amount": _money(r.amount, r.currency),
            "status": r.status,
            "createdAt": _iso(r.created_at),
            "description": r.description,
            "metadata": r.metadata,
            "paymentId": r.payment_id,
            "settlementAmount": _money(-r.amount, r.currency),
            "_links": {
                "self": self._link(f"/v2/payments/{r.payment_id}/refunds/{r.id}"),
                "payment": self._link(f"/v2/payments/{r.payment_id}"),
                "documentation": _doc("https://docs.mollie.com/reference/get-refund"),
            },
        }

    def _render_chargeback(self, c: _Chargeback) -> dict:
        return {
            "resource": "chargeback",
            "id": c.id,
            "amount": _money(c.amount, c.currency),
            "settlementAmount": _money(-c.amount, c.currency),
            "createdAt": _iso(c.created_at),
            "reason": c.reason,
            "reversedAt": _iso(c.reversed_at),
            "paymentId": c.payment_id,
            "_links": {
                "self": self._link(f"/v2/payments/{c.payment_id}/chargebacks/{c.id}"),
                "payment": self._link(f"/v2/payments/{c.payment_id}"),
                "documentation": _doc("https://docs.mollie.com/reference/get-chargeback"),
            },
        }

    def _render_customer(self, c: _Customer) -> dict:
        base = f"/v2/customers/{c.id}"
        links = {"self": self._link(base), "dashboard": self._dashboard(f"customers/{c.id}")}
        if any(m.customer_id == c.id for m in self.mandates.values()):
            links["mandates"] = self._link(f"{base}/mandates")
        if any(s.customer_id == c.id for s in self.subscriptions.values()):
            links["subscriptions"] = self._link(f"{base}/subscriptions")
        if any(p.customer_id == c.id for p in self.payments.values()):
            links["payments"] = self._link(f"{base}/payments")
        links["documentation"] = _doc("https://docs.mollie.com/reference/get-customer")
        return {
            "resource": "customer",
            "id": c.id,
            "mode": c.mode,
            "name": c.name,
            "email": c.email,
            "locale": c.locale,
            "metadata": c.metadata,
            "createdAt": _iso(c.created_at),
            "_links": links,
        }

    def _render_mandate(self, m: _Mandate) -> dict:
        return {
            "resource": "mandate",
            "id": m.id,
            "mode": m.mode,
            "status": m.status,
            "method": m.method,
            "details": m.details,
            "mandateReference": m.mandate_reference,
            "signatureDate": m.signature_date,
            "createdAt": _iso(m.created_at),
            "_links": {
                "self": self._link(f"/v2/customers/{m.customer_id}/mandates/{m.id}"),
                "customer": self._link(f"/v2/customers/{m.customer_id}"),
                "documentation": _doc("https://docs.mollie.com/reference/get-mandate"),
            },
        }

    def _render_subscription(self, s: _Subscription) -> dict:
        base = f"/v2/customers/{s.customer_id}/subscriptions/{s.id}"
        data: dict[str, Any] = {
            "resource": "subscription",
            "id": s.id,
            "mode": s.mode,
            "status": s.status,
            "amount": _money(s.amount, s.currency),
            "times": s.times,
            "timesRemaining": (None if s.times is None else max(0, s.times - len(s.payments))),
            "interval": s.interval,
            "startDate": s.start_date.isoformat(),
            "description": s.description,
            "method": s.method,
            "mandateId": s.mandate_id,
            "webhookUrl": s.webhook_url,
            "metadata": s.metadata,
            "createdAt": _iso(s.created_at),
        }
        if s.status == "active":
            next_date = s.start_date
            for _ in s.payments:
                next_date = _add_interval(next_date, s.interval)
            data["nextPaymentDate"] = next_date.isoformat()
        if s.canceled_at:
            data["canceledAt"] = _iso(s.canceled_at)
        links = {
            "self": self._link(base),
            "customer": self._link(f"/v2/customers/{s.customer_id}"),
            "profile": self._link("/v2/profiles/pfl_FakeProf01"),
        }
        if s.payments:
            links["payments"] = self._link(f"{base}/payments")
        links["documentation"] = _doc("https://docs.mollie.com/reference/get-subscription")
        data["_links"] = links
        return data


# ------------------------------------------------------------------------------ helpers
@contextlib.contextmanager
def fake_mollie(**kwargs: Any) -> Iterator[FakeMollie]:
    """Start a ``FakeMollie`` on a free port; yields it with ``.url`` set."""
    fake = FakeMollie(**kwargs)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


def mollie_client(fake: FakeMollie, api_key: str = "test_fakefakefakefakefakefakefakefa"):
    """A real ``mollie.api.client.Client`` pointed at ``fake`` (short timeouts)."""
    from mollie.api.client import Client

    client = Client(timeout=(2, 5))
    client.set_api_endpoint(fake.url or fake.base_url)
    client.set_api_key(api_key)
    return client
