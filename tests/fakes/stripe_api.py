"""In-memory fake of the Stripe v1 API subset used by a Checkout integration.

Usage::

    with fake_stripe() as fake:
        client = stripe.StripeClient("sk_test_x", base_addresses={"api": fake.url})
        # or, module style: stripe.api_base = fake.url
        session = client.v1.checkout.sessions.create(params={...})
        fake.complete_session(session.id)       # donor paid
        body, sig = signed_event(fake.events[-1], "whsec_test")   # webhook for your app

Requests are form-encoded like the real API (``line_items[0][price_data][unit_amount]=2500``);
unknown parameters are rejected the way Stripe does ("Received unknown parameter: ...").
Object shapes follow the *requested* API version (``Stripe-Version`` header, default
``FakeStripe.api_version``): from 2025-03-31 ("basil") invoices carry
``parent.subscription_details.subscription`` instead of ``subscription``/``payment_intent`` and
``current_period_*`` moved from the subscription onto its items.
"""

from __future__ import annotations

import calendar
import contextlib
import copy
import datetime as dt
import hashlib
import hmac
import html
import json
import re
import time
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

import requests
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from .server import FakeService, random_id
from .stripe_connect import StripeConnectMixin

__all__ = [
    "DEFAULT_API_VERSION",
    "FakeStripe",
    "StripeError",
    "fake_stripe",
    "make_event",
    "signed_event",
    "stripe_client",
]

DEFAULT_API_VERSION = "2025-03-31.basil"
BASIL = "2025-03-31"
ANY = object()  # schema marker: free-form value (metadata, nested options we don't model)
PAYMENT_METHOD_TYPES = {
    "acss_debit", "affirm", "afterpay_clearpay", "alipay", "amazon_pay", "au_becs_debit",
    "bacs_debit", "bancontact", "blik", "boleto", "card", "cashapp", "customer_balance", "eps",
    "fpx", "giropay", "grabpay", "ideal", "klarna", "konbini", "link", "mobilepay", "multibanco",
    "oxxo", "p24", "paynow", "paypal", "pix", "promptpay", "revolut_pay", "sepa_debit",
    "sofort", "swish", "twint", "us_bank_account", "wechat_pay", "zip",
}  # fmt: skip
EUR_ONLY = {"ideal", "bancontact", "eps", "giropay", "sofort", "sepa_debit", "p24"}
INTERVALS = ("day", "week", "month", "year")

PRODUCT_DATA = {
    "name": None,
    "description": None,
    "images": [None],
    "metadata": ANY,
    "tax_code": None,
    "unit_label": None,
}
PRICE_DATA = {
    "currency": None,
    "product": None,
    "product_data": PRODUCT_DATA,
    "recurring": {"interval": None, "interval_count": None},
    "tax_behavior": None,
    "unit_amount": None,
    "unit_amount_decimal": None,
}
LINE_ITEM = {
    "price": None,
    "price_data": PRICE_DATA,
    "quantity": None,
    "adjustable_quantity": ANY,
    "dynamic_tax_rates": [None],
    "tax_rates": [None],
}
PAYMENT_INTENT_DATA = {
    "application_fee_amount": None,
    "capture_method": None,
    "description": None,
    "metadata": ANY,
    "on_behalf_of": None,
    "receipt_email": None,
    "setup_future_usage": None,
    "shipping": ANY,
    "statement_descriptor": None,
    "statement_descriptor_suffix": None,
    "transfer_data": ANY,
    "transfer_group": None,
}
SUBSCRIPTION_DATA = {
    "application_fee_percent": None,
    "billing_cycle_anchor": None,
    "billing_mode": ANY,
    "default_tax_rates": [None],
    "description": None,
    "invoice_settings": ANY,
    "metadata": ANY,
    "on_behalf_of": None,
    "proration_behavior": None,
    "transfer_data": ANY,
    "trial_end": None,
    "trial_period_days": None,
    "trial_settings": ANY,
}
SESSION_CREATE = {
    "adaptive_pricing": ANY,
    "after_expiration": ANY,
    "allow_promotion_codes": None,
    "automatic_tax": ANY,
    "billing_address_collection": None,
    "branding_settings": ANY,
    "cancel_url": None,
    "client_reference_id": None,
    "consent_collection": ANY,
    "currency": None,
    "custom_fields": ANY,
    "custom_text": ANY,
    "customer": None,
    "customer_account": None,
    "customer_creation": None,
    "customer_email": None,
    "customer_update": ANY,
    "discounts": ANY,
    "excluded_payment_method_types": [None],
    "expand": [None],
    "expires_at": None,
    "invoice_creation": ANY,
    "line_items": [LINE_ITEM],
    "locale": None,
    "metadata": ANY,
    "mode": None,
    "name_collection": ANY,
    "optional_items": ANY,
    "origin_context": None,
    "payment_intent_data": PAYMENT_INTENT_DATA,
    "payment_method_collection": None,
    "payment_method_configuration": None,
    "payment_method_data": ANY,
    "payment_method_options": ANY,
    "payment_method_types": [None],
    "permissions": ANY,
    "phone_number_collection": ANY,
    "redirect_on_completion": None,
    "return_url": None,
    "saved_payment_method_options": ANY,
    "setup_intent_data": ANY,
    "shipping_address_collection": ANY,
    "shipping_options": ANY,
    "submit_type": None,
    "subscription_data": SUBSCRIPTION_DATA,
    "success_url": None,
    "tax_id_collection": ANY,
    "ui_mode": None,
    "wallet_options": ANY,
}
REFUND_CREATE = {
    "amount": None,
    "charge": None,
    "currency": None,
    "expand": [None],
    "instructions_email": None,
    "metadata": ANY,
    "origin": None,
    "payment_intent": None,
    "reason": None,
    "refund_application_fee": None,
    "reverse_transfer": None,
}
SUBSCRIPTION_UPDATE = {
    "cancel_at": None,
    "cancel_at_period_end": None,
    "cancellation_details": {"comment": None, "feedback": None},
    "expand": [None],
    "metadata": ANY,
    "proration_behavior": None,
}
SUBSCRIPTION_CANCEL = {
    "cancellation_details": {"comment": None, "feedback": None},
    "expand": [None],
    "invoice_now": None,
    "prorate": None,
}
RETRIEVE = {"expand": [None]}
LIST = {
    "expand": [None],
    "limit": None,
    "starting_after": None,
    "ending_before": None,
    "created": ANY,
}


class StripeError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        param: str | None = None,
        code: str | None = None,
        type: str = "invalid_request_error",
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.param, self.code, self.type = (
            status,
            message,
            param,
            code,
            type,
        )


# ------------------------------------------------------------------------- module helpers
def make_event(
    type: str,
    data_object: dict,
    id: str | None = None,
    *,
    api_version: str = DEFAULT_API_VERSION,
    created: int | None = None,
    previous_attributes: dict | None = None,
    livemode: bool = False,
) -> dict:
    """Build a v1 (snapshot) event dict as Stripe sends it to webhook endpoints."""
    data: dict[str, Any] = {"object": data_object}
    if previous_attributes is not None:
        data["previous_attributes"] = previous_attributes
    return {
        "id": id or random_id("evt_", 24),
        "object": "event",
        "api_version": api_version,
        "created": int(time.time()) if created is None else created,
        "data": data,
        "livemode": livemode,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": type,
    }


def signed_event(
    payload: dict | str | bytes, secret: str, timestamp: int | float | None = None
) -> tuple[bytes, str]:
    """Serialize ``payload`` and sign it like Stripe: returns ``(body, Stripe-Signature)``.

    The header is ``t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the secret>``.
    Pass an old ``timestamp`` to test the tolerance check (default tolerance 300 s).
    """
    if isinstance(payload, bytes | bytearray):
        body = bytes(payload)
    elif isinstance(payload, str):
        body = payload.encode("utf-8")
    else:
        body = json.dumps(payload, indent=2).encode("utf-8")
    t = int(time.time()) if timestamp is None else int(timestamp)
    digest = hmac.new(secret.encode("utf-8"), f"{t}.".encode() + body, hashlib.sha256)
    return body, f"t={t},v1={digest.hexdigest()}"


def parse_stripe_params(pairs: Any) -> dict:
    """Decode Stripe-style bracketed form params into nested dicts/lists (values stay str)."""
    root: dict = {}
    for key, value in pairs:
        head = key.split("[", 1)[0]
        parts = [head, *re.findall(r"\[([^\]]*)\]", key[len(head) :])]
        node = root
        for i, part in enumerate(parts):
            if part == "":
                part = str(len(node))
            if i == len(parts) - 1:
                node[part] = value
            else:
                child = node.get(part)
                if not isinstance(child, dict):
                    child = node[part] = {}
                node = child
    return _listify(root)


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {k: _listify(v) for k, v in node.items()}
    if converted and all(k.isdigit() for k in converted):
        return [converted[k] for k in sorted(converted, key=int)]
    return converted


def _check_params(value: Any, schema: Any, path: str = "") -> None:
    if schema is ANY:
        return
    if isinstance(schema, list):
        if value == "":
            return
        if not isinstance(value, list):
            raise StripeError(400, f"Invalid array: {path}", param=path)
        for i, item in enumerate(value):
            _check_params(item, schema[0], f"{path}[{i}]")
    elif isinstance(schema, dict):
        if value == "":
            return
        if not isinstance(value, dict):
            raise StripeError(400, f"Invalid object: {path}", param=path)
        for key, item in value.items():
            sub = f"{path}[{key}]" if path else key
            if key not in schema:
                raise StripeError(400, f"Received unknown parameter: {sub}", param=sub)
            _check_params(item, schema[key], sub)
    elif isinstance(value, dict | list):
        raise StripeError(400, f"Invalid string: {path}", param=path)


def _int(value: Any, param: str, minimum: int | None = None) -> int:
    if not isinstance(value, str | int) or not re.fullmatch(r"-?\d+", str(value)):
        raise StripeError(400, f"Invalid integer: {value}", param=param)
    number = int(value)
    if minimum is not None and number < minimum:
        raise StripeError(
            400, f"This value must be greater than or equal to {minimum}.", param=param
        )
    return number


def _bool(value: Any, param: str) -> bool:
    if value in ("true", True):
        return True
    if value in ("false", False):
        return False
    raise StripeError(400, f"Invalid boolean: {value}", param=param)


def _metadata(value: Any, param: str = "metadata") -> dict:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise StripeError(400, "Invalid object", param=param)
    if len(value) > 50:
        raise StripeError(400, "Metadata can have at most 50 keys.", param=param)
    for key, item in value.items():
        if len(key) > 40:
            raise StripeError(400, "Metadata keys can have up to 40 characters.", param=param)
        if not isinstance(item, str):
            raise StripeError(400, "Invalid metadata value (must be a string).", param=param)
        if len(item) > 500:
            raise StripeError(
                400,
                "Metadata values can have up to 500 characters, but you passed in a value "
                f"that is {len(item)} characters.",
                param=f"{param}[{key}]",
            )
    return {k: v for k, v in value.items() if v != ""}


def _fmt_amount(cents: int, currency: str) -> str:
    symbol = {"eur": "€", "usd": "$", "gbp": "£"}.get(currency, currency.upper() + " ")
    return f"{symbol}{cents // 100}.{cents % 100:02d}"


def _add_interval(ts: int, interval: str, count: int = 1) -> int:
    day = dt.datetime.fromtimestamp(ts, dt.UTC)
    if interval == "day":
        return ts + 86400 * count
    if interval == "week":
        return ts + 7 * 86400 * count
    months = count * (12 if interval == "year" else 1)
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return int(day.replace(year=year, month=month, day=min(day.day, last)).timestamp())


# ------------------------------------------------------------------------------- the fake
class FakeStripe(StripeConnectMixin, FakeService):
    """Fake Stripe API (v1 subset for Checkout, refunds, disputes, subscriptions, invoices).

    Constructor options:
      * ``api_key``: accept only this key (default: any ``sk_``/``rk_`` test or live key).
      * ``api_version``: account default version, used when a request carries no
        ``Stripe-Version`` header and for generated events.
      * ``webhook_url`` + ``webhook_secret``: if both set, every generated event is POSTed,
        signed, to that URL (results in ``webhook_deliveries``). Events are always collected in
        ``events`` (newest last) regardless.
    """

    service_name = "FakeStripe"
    connect_error = StripeError
    account_schema = {
        "type": None, "country": None, "email": None, "business_type": None,
        "business_profile": ANY, "capabilities": ANY, "metadata": ANY, "settings": ANY,
        "tos_acceptance": ANY, "controller": ANY, "expand": [None],
    }  # fmt: skip
    account_link_schema = {
        "account": None, "refresh_url": None, "return_url": None, "type": None, "collect": None,
        "collection_options": ANY, "expand": [None],
    }  # fmt: skip
    transfer_schema = {
        "amount": None, "currency": None, "destination": None, "description": None,
        "metadata": ANY, "source_transaction": None, "transfer_group": None, "source_type": None,
        "expand": [None],
    }  # fmt: skip
    list_schema = LIST
    default_base_url = "http://stripe.fake.invalid"
    api_prefixes = ("/v1/",)

    def __init__(
        self,
        api_key: str | None = None,
        *,
        api_version: str = DEFAULT_API_VERSION,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        webhook_timeout: float = 5.0,
        connect_webhook_secret: str | None = None,
    ) -> None:
        super().__init__()
        self.api_key = api_key
        self.api_version = api_version
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.webhook_timeout = webhook_timeout
        self.sessions: dict[str, dict] = {}
        self.payment_intents: dict[str, dict] = {}
        self.charges: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.disputes: dict[str, dict] = {}
        self.subscriptions: dict[str, dict] = {}
        self.invoices: dict[str, dict] = {}
        self.customers: dict[str, dict] = {}
        self.events: list[dict] = []
        self.webhook_deliveries: list[dict[str, Any]] = []
        self._collections = {
            "cs_": self.sessions,
            "pi_": self.payment_intents,
            "ch_": self.charges,
            "py_": self.charges,
            "re_": self.refunds,
            "dp_": self.disputes,
            "du_": self.disputes,
            "sub_": self.subscriptions,
            "in_": self.invoices,
            "cus_": self.customers,
        }
        self._init_connect(connect_webhook_secret)

    # ================================================================== test controls
    def get(self, object_id: str, api_version: str | None = None) -> dict:
        """Current JSON of any object by id (``cs_``, ``pi_``, ``ch_``, ``sub_``, ``in_``...)."""
        with self._lock:
            if object_id.startswith("evt_"):
                return copy.deepcopy(self._get_event(object_id))
            return self._render(self._lookup(object_id), api_version or self.api_version)

    def last_session(self) -> dict:
        with self._lock:
            if not self.sessions:
                raise KeyError("no checkout sessions created yet")
            return self._render(list(self.sessions.values())[-1], self.api_version)

    def complete_session(
        self,
        session_id: str,
        *,
        async_payment: bool = False,
        payment_method: str | None = None,
        email: str = "donor@example.com",
    ) -> dict:
        """The donor finished Checkout. Payment mode: creates a succeeded PaymentIntent +
        charge (``async_payment=True``: processing / payment_status "unpaid", finish with
        ``async_payment_succeeded``/``_failed``). Subscription mode: creates customer,
        subscription, first invoice and its payment. Emits ``checkout.session.completed``."""
        with self._lock:
            session = self._session(session_id)
            self._complete(session, async_payment, payment_method, email)
            result = self._render(session, self.api_version)
        self._flush()
        return result

    def async_payment_succeeded(self, session_id: str) -> dict:
        with self._lock:
            session = self._session(session_id)
            intent = self.payment_intents[session["payment_intent"]]
            self._settle_intent(intent, succeeded=True)
            if session["_pi_destination"]:
                charge = self.charges[intent["latest_charge"]]
                self.destination_charge(
                    charge, intent, session["_pi_destination"], session["_pi_application_fee"]
                )
            session["payment_status"] = "paid"
            self._emit("checkout.session.async_payment_succeeded", session)
            result = self._render(session, self.api_version)
        self._flush()
        return result

    def async_payment_failed(self, session_id: str) -> dict:
        with self._lock:
            session = self._session(session_id)
            intent = self.payment_intents[session["payment_intent"]]
            self._settle_intent(intent, succeeded=False)
            self._emit("checkout.session.async_payment_failed", session)
            result = self._render(session, self.api_version)
        self._flush()
        return result

    def expire_session(self, session_id: str) -> dict:
        with self._lock:
            session = self._session(session_id)
            self._expire(session)
            result = self._render(session, self.api_version)
        self._flush()
        return result

    def refund(self, payment_intent_id: str, cents: int | None = None, **kw: Any) -> str:
        """Refund as if done in the dashboard; returns ``re_...``; emits charge.refunded."""
        with self._lock:
            intent = self._get("pi_", payment_intent_id)
            refund = self._create_refund(intent, None, cents, **kw)
        self._flush()
        return refund["id"]

    def dispute(
        self, payment_intent_id: str, cents: int | None = None, reason: str = "fraudulent"
    ) -> str:
        """Open a dispute on the PI's charge; returns ``dp_...``; emits charge.dispute.created."""
        with self._lock:
            intent = self._get("pi_", payment_intent_id)
            charge = self.charges[intent["latest_charge"]]
            cents = charge["amount"] if cents is None else cents
            dispute = {
                "id": random_id("dp_", 24),
                "object": "dispute",
                "amount": cents,
                "charge": charge["id"],
                "created": int(time.time()),
                "currency": charge["currency"],
                "is_charge_refundable": False,
                "livemode": charge["livemode"],
                "metadata": {},
                "payment_intent": intent["id"],
                "reason": reason,
                "status": "needs_response",
            }
            self.disputes[dispute["id"]] = dispute
            charge["disputed"] = True
            self._emit("charge.dispute.created", dispute)
        self._flush()
        return dispute["id"]

    def close_dispute(self, dispute_id: str, status: str = "lost") -> None:
        with self._lock:
            dispute = self._get("dp_", dispute_id)
            dispute["status"] = status
            self._emit("charge.dispute.closed", dispute)
        self._flush()

    def invoice_paid(self, subscription_id: str, cents: int | None = None) -> str:
        """A renewal was charged successfully; returns the new ``in_...``."""
        with self._lock:
            sub = self._get("sub_", subscription_id)
            invoice = self._renewal_invoice(sub, cents, succeeded=True)
        self._flush()
        return invoice["id"]

    def invoice_payment_failed(self, subscription_id: str, cents: int | None = None) -> str:
        """A renewal charge failed (subscription → past_due); returns the ``in_...``."""
        with self._lock:
            sub = self._get("sub_", subscription_id)
            invoice = self._renewal_invoice(sub, cents, succeeded=False)
        self._flush()
        return invoice["id"]

    def cancel_subscription(self, subscription_id: str) -> None:
        """Cancel as if done by the donor in the customer portal."""
        with self._lock:
            self._cancel_subscription(self._get("sub_", subscription_id))
        self._flush()

    def event(self, type: str, object_id: str, **kw: Any) -> dict:
        """Build (and record) an event of ``type`` for the current state of ``object_id``."""
        with self._lock:
            event = self._emit(type, self._lookup(object_id), **kw)
        self._flush()
        return event

    def last_event(self, type: str | None = None) -> dict:
        with self._lock:
            for event in reversed(self.events):
                if type is None or event["type"] == type:
                    return event
        raise KeyError(type)

    def events_of(self, type: str) -> list[dict]:
        with self._lock:
            return [e for e in self.events if e["type"] == type]

    def signed_event(
        self, event: dict | str, secret: str | None = None, timestamp: int | None = None
    ) -> tuple[bytes, str]:
        """``signed_event`` for an event dict or an ``evt_`` id, default secret = webhook_secret."""
        if isinstance(event, str):
            event = self._get_event(event)
        secret = secret or self.webhook_secret
        if not secret:
            raise ValueError("no webhook secret given")
        return signed_event(event, secret, timestamp)

    # ====================================================================== HTTP plumbing
    def build_url_map(self) -> Map:
        def r(path: str, endpoint: str, *methods: str) -> Rule:
            return Rule(path, endpoint=endpoint, methods=list(methods))

        return Map(
            [
                r("/v1/checkout/sessions", "api_create_session", "POST"),
                r("/v1/checkout/sessions", "api_list_sessions", "GET"),
                r("/v1/checkout/sessions/<sid>", "api_get_session", "GET"),
                r("/v1/checkout/sessions/<sid>/expire", "api_expire_session", "POST"),
                r("/v1/checkout/sessions/<sid>/line_items", "api_session_line_items", "GET"),
                r("/v1/payment_intents/<oid>", "api_get_payment_intent", "GET"),
                r("/v1/charges/<oid>", "api_get_charge", "GET"),
                r("/v1/refunds", "api_create_refund", "POST"),
                r("/v1/refunds", "api_list_refunds", "GET"),
                r("/v1/refunds/<oid>", "api_get_refund", "GET"),
                r("/v1/disputes/<oid>", "api_get_dispute", "GET"),
                r("/v1/subscriptions/<oid>", "api_get_subscription", "GET"),
                r("/v1/subscriptions/<oid>", "api_update_subscription", "POST"),
                r("/v1/subscriptions/<oid>", "api_cancel_subscription", "DELETE"),
                r("/v1/invoices", "api_list_invoices", "GET"),
                r("/v1/invoices/<oid>", "api_get_invoice", "GET"),
                r("/v1/customers/<oid>", "api_get_customer", "GET"),
                r("/v1/events", "api_list_events", "GET"),
                r("/v1/events/<oid>", "api_get_event", "GET"),
                r("/c/pay/<sid>", "page_checkout", "GET", "POST"),
                *self.connect_rules(),
            ],
            strict_slashes=False,
        )

    def error_response(self, status: int, message: str, **extra: Any) -> Response:
        error: dict[str, Any] = {"message": message, "type": extra.get("type")}
        if not error["type"]:
            error["type"] = "api_error" if status >= 500 else "invalid_request_error"
        for key in ("param", "code"):
            if extra.get(key):
                error[key] = extra[key]
        if extra.get("code"):
            error["doc_url"] = f"https://stripe.com/docs/error-codes/{extra['code']}"
        response = self.json_response({"error": error}, status=status)
        response.headers["Request-Id"] = random_id("req_", 14)
        return response

    def idempotency_mismatch_response(self) -> Response:
        return self.error_response(
            400,
            "Keys for idempotent requests can only be used with the same parameters they were "
            "first used with. Try using a key other than the one used in the original request "
            "if you meant to execute a different request.",
            type="idempotency_error",
        )

    def not_found_route(self, request: Request) -> Response:
        return self.error_response(
            404,
            f"Unrecognized request URL ({request.method}: {request.path}). Please see "
            "https://stripe.com/docs or we can help at https://support.stripe.com/.",
        )

    def method_not_allowed(self, request: Request) -> Response:
        return self.not_found_route(request)

    def authenticate(self, request: Request) -> Response | None:
        auth = request.headers.get("Authorization", "")
        key = ""
        if auth.startswith("Bearer "):
            key = auth[7:].strip()
        elif request.authorization and request.authorization.type == "basic":
            key = request.authorization.username or ""
        if not key:
            return self.error_response(
                401,
                "You did not provide an API key. You need to provide your API key in the "
                "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
                "YOUR_SECRET_KEY').",
            )
        valid = re.match(r"^(sk|rk)_(test|live)_\w+$", key) is not None
        if self.api_key is not None:
            valid = key == self.api_key
        if not valid:
            masked = key[:8] + "*" * max(0, len(key) - 12) + key[-4:]
            return self.error_response(401, f"Invalid API Key provided: {masked}")
        request.environ["fake.livemode"] = "_live_" in key
        return None

    def _dispatch(self, request: Request) -> Response:
        try:
            return super()._dispatch(request)
        except StripeError as exc:
            return self.error_response(
                exc.status, exc.message, param=exc.param, code=exc.code, type=exc.type
            )

    @staticmethod
    def _params(request: Request, schema: dict) -> dict:
        source = request.form if request.method == "POST" else request.args
        params = parse_stripe_params(source.items(multi=True))
        _check_params(params, schema)
        return params

    @staticmethod
    def _version(request: Request | None, default: str) -> str:
        if request is None:
            return default
        return request.headers.get("Stripe-Version") or default

    def _ok(self, request: Request, obj: dict, params: dict | None = None) -> Response:
        version = self._version(request, self.api_version)
        data = self._render(obj, version)
        expand = (params or {}).get("expand") or []
        if isinstance(expand, str):
            expand = [expand]
        for path in expand:
            self._expand(data, path.split("."), version)
        response = self.json_response(data)
        response.headers["Request-Id"] = random_id("req_", 14)
        response.headers["Stripe-Version"] = version
        return response

    def _ok_list(self, request: Request, objects: list[dict], params: dict) -> Response:
        version = self._version(request, self.api_version)
        items = sorted(objects, key=lambda o: o.get("created", 0), reverse=True)
        ids = [o["id"] for o in items]
        if params.get("starting_after") in ids:
            items = items[ids.index(params["starting_after"]) + 1 :]
        limit = _int(params.get("limit", "10"), "limit", 1)
        page = items[: min(limit, 100)]
        data = {
            "object": "list",
            "data": [self._render(o, version) for o in page],
            "has_more": len(items) > len(page),
            "url": request.path,
        }
        for path in params.get("expand") or []:
            self._expand(data, path.split("."), version)
        response = self.json_response(data)
        response.headers["Request-Id"] = random_id("req_", 14)
        return response

    # ============================================================================ API
    def api_create_session(self, request: Request) -> Response:
        params = self._params(request, SESSION_CREATE)
        session = self._create_session(params, livemode=request.environ.get("fake.livemode"))
        return self._ok(request, session, params)

    def api_list_sessions(self, request: Request) -> Response:
        schema = {**LIST, "payment_intent": None, "subscription": None, "customer": None}
        params = self._params(request, {**schema, "status": None, "client_reference_id": None})
        keys = ("payment_intent", "subscription", "customer", "status", "client_reference_id")
        found = [
            s
            for s in self.sessions.values()
            if all(s.get(k) == params[k] for k in keys if k in params)
        ]
        return self._ok_list(request, found, params)

    def api_get_session(self, request: Request, sid: str) -> Response:
        params = self._params(request, RETRIEVE)
        return self._ok(request, self._session(sid), params)

    def api_expire_session(self, request: Request, sid: str) -> Response:
        params = self._params(request, RETRIEVE)
        session = self._session(sid)
        if session["status"] != "open":
            raise StripeError(
                400,
                f"Only Checkout Sessions with a status of `open` can be expired. This session "
                f"has status `{session['status']}`.",
            )
        self._expire(session)
        return self._ok(request, session, params)

    def api_session_line_items(self, request: Request, sid: str) -> Response:
        self._params(request, LIST)
        data = self._line_items(self._session(sid))
        data["url"] = request.path
        return self.json_response(data)

    def api_get_payment_intent(self, request: Request, oid: str) -> Response:
        return self._ok(request, self._get("pi_", oid), self._params(request, RETRIEVE))

    def api_get_charge(self, request: Request, oid: str) -> Response:
        return self._ok(request, self._get("ch_", oid), self._params(request, RETRIEVE))

    def api_get_refund(self, request: Request, oid: str) -> Response:
        return self._ok(request, self._get("re_", oid), self._params(request, RETRIEVE))

    def api_get_dispute(self, request: Request, oid: str) -> Response:
        return self._ok(request, self._get("dp_", oid), self._params(request, RETRIEVE))

    def api_get_invoice(self, request: Request, oid: str) -> Response:
        return self._ok(request, self._get("in_", oid), self._params(request, RETRIEVE))

    def api_get_customer(self, request: Request, oid: str) -> Response:
        return self._ok(request, self._get("cus_", oid), self._params(request, RETRIEVE))

    def api_get_subscription(self, request: Request, oid: str) -> Response:
        return self._ok(request, self._get("sub_", oid), self._params(request, RETRIEVE))

    def api_create_refund(self, request: Request) -> Response:
        params = self._params(request, REFUND_CREATE)
        intent = charge = None
        if params.get("payment_intent"):
            intent = self._get("pi_", params["payment_intent"], param="payment_intent")
        elif params.get("charge"):
            charge = self._get("ch_", params["charge"], param="charge")
        else:
            raise StripeError(
                400,
                "One of the following params should be provided for this request: "
                "payment_intent or charge.",
            )
        amount = _int(params["amount"], "amount", 1) if "amount" in params else None
        reason = params.get("reason")
        if reason is not None and reason not in (
            "duplicate",
            "fraudulent",
            "requested_by_customer",
        ):
            raise StripeError(400, f"Invalid reason: {reason}", param="reason")
        refund = self._create_refund(
            intent, charge, amount, reason=reason, metadata=_metadata(params.get("metadata"))
        )
        return self._ok(request, refund, params)

    def api_list_refunds(self, request: Request) -> Response:
        params = self._params(request, {**LIST, "payment_intent": None, "charge": None})
        found = [
            r
            for r in self.refunds.values()
            if all(r.get(k) == params[k] for k in ("payment_intent", "charge") if k in params)
        ]
        return self._ok_list(request, found, params)

    def api_update_subscription(self, request: Request, oid: str) -> Response:
        params = self._params(request, SUBSCRIPTION_UPDATE)
        sub = self._get("sub_", oid)
        previous: dict[str, Any] = {}
        if sub["status"] == "canceled" and set(params) - {"metadata", "expand"}:
            raise StripeError(
                400,
                "A canceled subscription can only update its cancellation_details and metadata.",
            )
        if "cancel_at_period_end" in params:
            flag = _bool(params["cancel_at_period_end"], "cancel_at_period_end")
            if flag != sub["cancel_at_period_end"]:
                previous["cancel_at_period_end"] = sub["cancel_at_period_end"]
                previous["cancel_at"] = sub["cancel_at"]
            sub["cancel_at_period_end"] = flag
            sub["cancel_at"] = sub["_period_end"] if flag else None
            sub["canceled_at"] = int(time.time()) if flag else None
            if flag and "cancellation_details" not in params:
                sub["cancellation_details"]["reason"] = "cancellation_requested"
        if "cancel_at" in params:
            previous.setdefault("cancel_at", sub["cancel_at"])
            sub["cancel_at"] = (
                _int(params["cancel_at"], "cancel_at") if params["cancel_at"] else None
            )
        if "cancellation_details" in params:
            sub["cancellation_details"].update(params["cancellation_details"])
        if "metadata" in params:
            previous["metadata"] = dict(sub["metadata"])
            sub["metadata"] = {**sub["metadata"], **(params["metadata"] or {})}
            sub["metadata"] = _metadata(sub["metadata"])
        self._emit("customer.subscription.updated", sub, previous_attributes=previous)
        return self._ok(request, sub, params)

    def api_cancel_subscription(self, request: Request, oid: str) -> Response:
        params = self._params(request, SUBSCRIPTION_CANCEL)
        sub = self._get("sub_", oid)
        if sub["status"] == "canceled":
            raise StripeError(
                400,
                "A canceled subscription can only update its cancellation_details and metadata.",
            )
        self._cancel_subscription(sub, params.get("cancellation_details"))
        return self._ok(request, sub, params)

    def api_list_invoices(self, request: Request) -> Response:
        params = self._params(
            request, {**LIST, "subscription": None, "customer": None, "status": None}
        )
        found = [
            i
            for i in self.invoices.values()
            if ("subscription" not in params or i["_subscription"] == params["subscription"])
            and ("customer" not in params or i["customer"] == params["customer"])
            and ("status" not in params or i["status"] == params["status"])
        ]
        return self._ok_list(request, found, params)

    def api_list_events(self, request: Request) -> Response:
        params = self._params(request, {**LIST, "type": None, "types": [None]})
        found = [
            e
            for e in self.events
            if ("type" not in params or e["type"] == params["type"])
            and ("types" not in params or e["type"] in params["types"])
        ]
        return self._ok_list(request, found, params)

    def api_get_event(self, request: Request, oid: str) -> Response:
        self._params(request, RETRIEVE)
        return self.json_response(self._get_event(oid))

    # ------------------------------------------------------------ checkout page
    def page_checkout(self, request: Request, sid: str) -> Response:
        session = self.sessions.get(sid)
        if session is None:
            return Response("<h1>Session not found</h1>", status=404, content_type="text/html")
        if request.method == "POST":
            action = request.form.get("action", "pay")
            if session["status"] == "open" and action == "pay":
                self._complete(session, False, request.form.get("payment_method"), None)
            elif session["status"] == "open" and action == "pay_async":
                self._complete(session, True, request.form.get("payment_method"), None)
            elif action == "cancel" and session["cancel_url"]:
                return Response(status=303, headers={"Location": session["cancel_url"]})
            target = (session["success_url"] or "").replace("{CHECKOUT_SESSION_ID}", sid)
            if target:
                return Response(status=303, headers={"Location": target})
            return Response(f"<p>Session {sid}: {session['status']}</p>", content_type="text/html")
        esc = html.escape
        items = "".join(
            f"<li>{esc(i['description'])} × {i['quantity']}: "
            f"{_fmt_amount(i['amount_total'], i['currency'])}</li>"
            for i in session["_line_items"]
        )
        page = (
            "<!doctype html><html><head><title>Stripe test checkout</title></head><body>"
            f"<h1>Checkout {esc(sid)}</h1><ul>{items}</ul>"
            f"<p class='amount'>{_fmt_amount(session['amount_total'], session['currency'])}</p>"
            f"<p class='status'>Status: {esc(session['status'])}</p>"
            f'<form method="post" action="/c/pay/{esc(sid)}">'
            '<button type="submit" name="action" value="pay" id="pay">Pay</button> '
            '<button type="submit" name="action" value="pay_async" id="pay-async">'
            "Pay (delayed)</button> "
            '<button type="submit" name="action" value="cancel" id="cancel">Back</button>'
            "</form></body></html>"
        )
        return Response(page, content_type="text/html")

    # ====================================================================== internals
    def _lookup(self, object_id: str) -> dict:
        for prefix, collection in self._collections.items():
            if object_id.startswith(prefix) and object_id in collection:
                return collection[object_id]
        raise KeyError(object_id)

    def _get(self, prefix: str, object_id: str, param: str = "id") -> dict:
        collection = self._collections[prefix]
        obj = collection.get(object_id)
        if obj is None:
            kind = {
                "pi_": "payment_intent",
                "ch_": "charge",
                "re_": "refund",
                "dp_": "dispute",
                "sub_": "subscription",
                "in_": "invoice",
                "cus_": "customer",
                "cs_": "checkout.session",
                "acct_": "account",
                "tr_": "transfer",
                "fee_": "application_fee",
            }[prefix]
            raise StripeError(
                404, f"No such {kind}: '{object_id}'", param=param, code="resource_missing"
            )
        return obj

    def _session(self, sid: str) -> dict:
        return self._get("cs_", sid, param="session")

    def _get_event(self, event_id: str) -> dict:
        for event in self.events:
            if event["id"] == event_id:
                return event
        raise StripeError(404, f"No such event: '{event_id}'", param="id", code="resource_missing")

    def _emit(
        self, type: str, obj: dict, previous_attributes: dict | None = None, deliver: bool = True
    ) -> dict:
        event = make_event(
            type,
            self._render(obj, self.api_version),
            api_version=self.api_version,
            previous_attributes=previous_attributes,
            livemode=bool(obj.get("livemode")),
        )
        self.events.append(event)
        if self.webhook_url and self.webhook_secret and deliver:
            self._defer(lambda: self._deliver(event))
        return event

    def _deliver(self, event: dict, secret: str | None = None) -> None:
        secret = secret or self.webhook_secret
        assert self.webhook_url and secret
        body, header = signed_event(event, secret)
        record: dict[str, Any] = {"event": event["id"], "type": event["type"]}
        try:
            resp = requests.post(
                self.webhook_url,
                data=body,
                headers={"Stripe-Signature": header, "Content-Type": "application/json"},
                timeout=self.webhook_timeout,
            )
            record["status"] = resp.status_code
        except requests.RequestException as exc:
            record["error"] = repr(exc)
        with self._lock:
            self.webhook_deliveries.append(record)

    def _prefix(self, kind: str, livemode: bool) -> str:
        return f"{kind}_{'live' if livemode else 'test'}_"

    def _create_session(self, params: dict, livemode: bool | None) -> dict:
        mode = params.get("mode")
        if not mode:
            raise StripeError(400, "Missing required param: mode.", "mode", "parameter_missing")
        if mode not in ("payment", "subscription"):
            raise StripeError(400, f"Invalid mode: {mode} (fake supports payment, subscription)")
        ui_mode = params.get("ui_mode", "hosted")
        if ui_mode == "hosted" and not params.get("success_url") and not params.get("return_url"):
            raise StripeError(
                400, "Missing required param: success_url.", "success_url", "parameter_missing"
            )
        for name in ("success_url", "cancel_url"):
            url = params.get(name)
            if url and not re.match(r"^https?://", url):
                raise StripeError(400, f"Not a valid URL: {name}", param=name, code="url_invalid")
        raw_items = params.get("line_items")
        if not raw_items:
            raise StripeError(
                400, "Missing required param: line_items.", "line_items", "parameter_missing"
            )
        line_items, currencies = [], set()
        for i, item in enumerate(raw_items):
            line_items.append(self._line_item(item, i, mode))
            currencies.add(line_items[-1]["currency"])
        if len(currencies) > 1:
            raise StripeError(400, "All line_items must have the same currency.", "line_items")
        currency = params.get("currency") or currencies.pop()
        total = sum(i["amount_total"] for i in line_items)
        if 0 < total < 50:
            raise StripeError(
                400,
                f"The Checkout Session's total amount due must add up to at least "
                f"{_fmt_amount(50, currency)} {currency}",
            )
        methods = params.get("payment_method_types") or ["card"]
        for i, method in enumerate(methods):
            if method not in PAYMENT_METHOD_TYPES:
                raise StripeError(
                    400,
                    f"Invalid payment_method_types[{i}]: must be one of "
                    + ", ".join(sorted(PAYMENT_METHOD_TYPES)),
                    param=f"payment_method_types[{i}]",
                )
            if method in EUR_ONLY and currency != "eur":
                raise StripeError(
                    400,
                    f"The currency provided ({currency}) is invalid. Payments with {method} "
                    "support the following currencies: eur.",
                    param="payment_method_types",
                )
        now = int(time.time())
        expires_at = now + 86400
        if "expires_at" in params:
            expires_at = _int(params["expires_at"], "expires_at")
            if not now + 1800 - 60 <= expires_at <= now + 86400 + 60:
                raise StripeError(
                    400,
                    "The `expires_at` timestamp must be between 30 minutes and 24 hours from "
                    "Checkout Session creation.",
                    param="expires_at",
                )
        customer = params.get("customer")
        if customer:
            self._get("cus_", customer, param="customer")
        email = params.get("customer_email")
        if email is not None and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
            raise StripeError(400, f"Invalid email address: {email}", param="customer_email")
        pi_data = params.get("payment_intent_data") or {}
        sub_data = params.get("subscription_data") or {}
        destination = (pi_data.get("transfer_data") or {}).get("destination")
        application_fee = _int(
            pi_data.get("application_fee_amount", "0"), "application_fee_amount", 0
        )
        if destination:
            self.connected(destination, "payment_intent_data[transfer_data][destination]")
        if application_fee > total:
            raise StripeError(400, "The application fee cannot exceed the amount.",
                              param="payment_intent_data[application_fee_amount]")  # fmt: skip
        if mode == "subscription" and pi_data:
            raise StripeError(
                400,
                "You can not pass `payment_intent_data` in `subscription` mode.",
                param="payment_intent_data",
            )
        livemode = bool(livemode)
        sid = self._prefix("cs", livemode) + random_id("", 58)
        session = {
            "id": sid,
            "object": "checkout.session",
            "amount_subtotal": total,
            "amount_total": total,
            "cancel_url": params.get("cancel_url"),
            "client_reference_id": params.get("client_reference_id"),
            "created": now,
            "currency": currency,
            "customer": customer,
            "customer_creation": params.get("customer_creation")
            or ("if_required" if mode == "payment" and not customer else None),
            "customer_details": None,
            "customer_email": email,
            "expires_at": expires_at,
            "invoice": None,
            "livemode": livemode,
            "locale": params.get("locale"),
            "metadata": _metadata(params.get("metadata")),
            "mode": mode,
            "payment_intent": None,
            "payment_link": None,
            "payment_method_types": methods,
            "payment_status": "unpaid",
            "return_url": params.get("return_url"),
            "status": "open",
            "submit_type": params.get("submit_type"),
            "subscription": None,
            "success_url": params.get("success_url"),
            "ui_mode": ui_mode,
            "url": f"{self.base_url}/c/pay/{sid}" if ui_mode == "hosted" else None,
            "_line_items": line_items,
            "_pi_metadata": _metadata(pi_data.get("metadata"), "payment_intent_data[metadata]"),
            "_pi_description": pi_data.get("description"),
            "_pi_destination": destination,
            "_pi_application_fee": application_fee,
            "_sub_metadata": _metadata(sub_data.get("metadata"), "subscription_data[metadata]"),
            "_sub_description": sub_data.get("description"),
        }
        self.sessions[sid] = session
        return session

    def _line_item(self, item: dict, index: int, mode: str) -> dict:
        param = f"line_items[{index}]"
        if "price" in item:
            raise StripeError(
                400, f"No such price: '{item['price']}'", f"{param}[price]", "resource_missing"
            )
        price_data = item.get("price_data")
        if not price_data:
            raise StripeError(
                400,
                f"Missing required param: {param}[price_data].",
                f"{param}[price_data]",
                "parameter_missing",
            )
        if "quantity" not in item:
            raise StripeError(
                400,
                f"Missing required param: {param}[quantity].",
                f"{param}[quantity]",
                "parameter_missing",
            )
        quantity = _int(item["quantity"], f"{param}[quantity]", 1)
        pparam = f"{param}[price_data]"
        currency = price_data.get("currency")
        if not currency:
            raise StripeError(
                400,
                f"Missing required param: {pparam}[currency].",
                f"{pparam}[currency]",
                "parameter_missing",
            )
        currency = currency.lower()
        if "unit_amount" in price_data:
            unit_amount = _int(price_data["unit_amount"], f"{pparam}[unit_amount]", 0)
        elif "unit_amount_decimal" in price_data:
            try:
                unit_amount = int(Decimal(price_data["unit_amount_decimal"]).to_integral_value())
            except InvalidOperation:
                raise StripeError(
                    400, "Invalid decimal", param=f"{pparam}[unit_amount_decimal]"
                ) from None
        else:
            raise StripeError(
                400,
                f"Missing required param: {pparam}[unit_amount].",
                f"{pparam}[unit_amount]",
                "parameter_missing",
            )
        product_data = price_data.get("product_data") or {}
        if not price_data.get("product") and not product_data.get("name"):
            raise StripeError(
                400,
                f"Missing required param: {pparam}[product_data][name].",
                f"{pparam}[product_data][name]",
                "parameter_missing",
            )
        recurring = price_data.get("recurring")
        if recurring:
            if recurring.get("interval") not in INTERVALS:
                raise StripeError(
                    400,
                    f"Invalid {pparam}[recurring][interval]: must be one of day, month, week, "
                    "or year",
                    param=f"{pparam}[recurring][interval]",
                )
            recurring = {
                "interval": recurring["interval"],
                "interval_count": _int(recurring.get("interval_count", "1"), "interval_count", 1),
                "usage_type": "licensed",
            }
        if mode == "payment" and recurring:
            raise StripeError(
                400,
                "You specified `payment` mode but passed a recurring price. Either switch to "
                "`subscription` mode or use only one-time prices.",
                param=param,
            )
        if mode == "subscription" and not recurring:
            raise StripeError(
                400,
                "You must provide at least one recurring price in `subscription` mode when "
                "using prices.",
                param=param,
            )
        name = product_data.get("name") or price_data.get("product")
        now = int(time.time())
        price = {
            "id": random_id("price_", 24),
            "object": "price",
            "active": False,
            "created": now,
            "currency": currency,
            "livemode": False,
            "metadata": {},
            "product": price_data.get("product") or random_id("prod_", 14),
            "recurring": recurring,
            "type": "recurring" if recurring else "one_time",
            "unit_amount": unit_amount,
            "unit_amount_decimal": str(unit_amount),
        }
        return {
            "id": random_id("li_", 24),
            "object": "item",
            "amount_discount": 0,
            "amount_subtotal": unit_amount * quantity,
            "amount_tax": 0,
            "amount_total": unit_amount * quantity,
            "currency": currency,
            "description": name,
            "price": price,
            "quantity": quantity,
            "_product_metadata": _metadata(product_data.get("metadata")),
        }

    def _line_items(self, session: dict) -> dict:
        return {
            "object": "list",
            "data": [
                {k: copy.deepcopy(v) for k, v in item.items() if not k.startswith("_")}
                for item in session["_line_items"]
            ],
            "has_more": False,
            "url": f"/v1/checkout/sessions/{session['id']}/line_items",
        }

    def _new_customer(self, email: str | None, livemode: bool) -> dict:
        customer = {
            "id": random_id("cus_", 14),
            "object": "customer",
            "created": int(time.time()),
            "email": email,
            "livemode": livemode,
            "metadata": {},
            "name": None,
        }
        self.customers[customer["id"]] = customer
        return customer

    def _new_payment(
        self,
        amount: int,
        currency: str,
        method: str,
        livemode: bool,
        customer: str | None,
        metadata: dict | None = None,
        description: str | None = None,
        status: str = "succeeded",
    ) -> dict:
        """PaymentIntent + its charge. status: succeeded | processing | requires_payment_method"""
        now = int(time.time())
        pi_id = random_id("pi_", 24)
        charge = {
            "id": random_id("py_" if method in EUR_ONLY else "ch_", 24),
            "object": "charge",
            "amount": amount,
            "amount_captured": amount if status == "succeeded" else 0,
            "amount_refunded": 0,
            "balance_transaction": random_id("txn_", 24) if status == "succeeded" else None,
            "captured": status == "succeeded",
            "created": now,
            "currency": currency,
            "customer": customer,
            "description": description,
            "disputed": False,
            "failure_code": "card_declined" if status == "requires_payment_method" else None,
            "failure_message": (
                "Your card was declined." if status == "requires_payment_method" else None
            ),
            "livemode": livemode,
            "metadata": dict(metadata or {}),
            "paid": status == "succeeded",
            "payment_intent": pi_id,
            "payment_method": random_id("pm_", 24),
            "payment_method_details": {"type": method, method: {}},
            "refunded": False,
            "status": {"succeeded": "succeeded", "processing": "pending"}.get(status, "failed"),
        }
        intent = {
            "id": pi_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_capturable": 0,
            "amount_received": amount if status == "succeeded" else 0,
            "canceled_at": None,
            "cancellation_reason": None,
            "capture_method": "automatic_async",
            "client_secret": f"{pi_id}_secret_{random_id('', 24)}",
            "created": now,
            "currency": currency,
            "customer": customer,
            "description": description,
            "last_payment_error": None,
            "latest_charge": charge["id"],
            "livemode": livemode,
            "metadata": dict(metadata or {}),
            "payment_method": charge["payment_method"],
            "payment_method_types": [method],
            "status": status,
        }
        self.charges[charge["id"]] = charge
        self.payment_intents[pi_id] = intent
        return intent

    def _settle_intent(self, intent: dict, succeeded: bool) -> None:
        charge = self.charges[intent["latest_charge"]]
        if succeeded:
            intent["status"], intent["amount_received"] = "succeeded", intent["amount"]
            charge.update(
                status="succeeded",
                paid=True,
                captured=True,
                amount_captured=charge["amount"],
                balance_transaction=random_id("txn_", 24),
            )
            self._emit("charge.succeeded", charge)
            self._emit("payment_intent.succeeded", intent)
        else:
            intent["status"] = "requires_payment_method"
            intent["last_payment_error"] = {"type": "invalid_request_error", "code": "failed"}
            charge.update(status="failed", failure_code="payment_failed")
            self._emit("charge.failed", charge)
            self._emit("payment_intent.payment_failed", intent)

    def _complete(
        self, session: dict, async_payment: bool, payment_method: str | None, email: str | None
    ) -> None:
        if session["status"] != "open":
            raise ValueError(f"session {session['id']} is {session['status']}, not open")
        method = payment_method or session["payment_method_types"][0]
        email = session["customer_email"] or email or "donor@example.com"
        livemode = session["livemode"]
        session["status"] = "complete"
        session["url"] = None
        session["customer_details"] = {
            "address": None,
            "email": email,
            "name": "Test Donor",
            "phone": None,
            "tax_exempt": "none",
            "tax_ids": [],
        }
        if session["mode"] == "payment":
            intent = self._new_payment(
                session["amount_total"],
                session["currency"],
                method,
                livemode,
                session["customer"],
                metadata=session["_pi_metadata"],
                description=session["_pi_description"],
                status="processing" if async_payment else "succeeded",
            )
            session["payment_intent"] = intent["id"]
            session["payment_status"] = "unpaid" if async_payment else "paid"
            if session["_pi_destination"] and not async_payment:
                charge = self.charges[intent["latest_charge"]]
                self.destination_charge(
                    charge, intent, session["_pi_destination"], session["_pi_application_fee"]
                )
            self._emit("checkout.session.completed", session)
            if not async_payment:
                self._emit("charge.succeeded", self.charges[intent["latest_charge"]])
                self._emit("payment_intent.succeeded", intent)
            return
        customer_id = session["customer"] or self._new_customer(email, livemode)["id"]
        session["customer"] = customer_id
        now = int(time.time())
        first = session["_line_items"][0]["price"]["recurring"]
        sub_id = random_id("sub_", 24)
        sub = {
            "id": sub_id,
            "object": "subscription",
            "billing_cycle_anchor": now,
            "cancel_at": None,
            "cancel_at_period_end": False,
            "canceled_at": None,
            "cancellation_details": {"comment": None, "feedback": None, "reason": None},
            "collection_method": "charge_automatically",
            "created": now,
            "currency": session["currency"],
            "customer": customer_id,
            "default_payment_method": random_id("pm_", 24),
            "description": session["_sub_description"],
            "ended_at": None,
            "items": {
                "object": "list",
                "data": [
                    {
                        "id": random_id("si_", 14),
                        "object": "subscription_item",
                        "created": now,
                        "metadata": {},
                        "price": copy.deepcopy(item["price"]),
                        "quantity": item["quantity"],
                        "subscription": sub_id,
                    }
                    for item in session["_line_items"]
                ],
                "has_more": False,
                "total_count": len(session["_line_items"]),
                "url": f"/v1/subscription_items?subscription={sub_id}",
            },
            "latest_invoice": None,
            "livemode": livemode,
            "metadata": dict(session["_sub_metadata"]),
            "start_date": now,
            "status": "active",
            "_amount": session["amount_total"],
            "_interval": (first["interval"], first["interval_count"]),
            "_period_start": now,
            "_period_end": _add_interval(now, first["interval"], first["interval_count"]),
            "_method": method,
        }
        self.subscriptions[sub_id] = sub
        invoice = self._new_invoice(sub, sub["_amount"], "subscription_create", succeeded=True)
        session["subscription"] = sub_id
        session["invoice"] = invoice["id"]
        session["payment_status"] = "paid"
        self._emit("customer.subscription.created", sub)
        self._emit("checkout.session.completed", session)
        self._emit("invoice.paid", invoice)
        self._emit("invoice.payment_succeeded", invoice)

    def _new_invoice(self, sub: dict, amount: int, reason: str, succeeded: bool) -> dict:
        intent = self._new_payment(
            amount,
            sub["currency"],
            sub["_method"],
            sub["livemode"],
            sub["customer"],
            status="succeeded" if succeeded else "requires_payment_method",
        )
        now = int(time.time())
        customer = self.customers.get(sub["customer"]) or {}
        inv_id = random_id("in_", 24)
        invoice = {
            "id": inv_id,
            "object": "invoice",
            "amount_due": amount,
            "amount_paid": amount if succeeded else 0,
            "amount_remaining": 0 if succeeded else amount,
            "attempt_count": 1,
            "billing_reason": reason,
            "collection_method": "charge_automatically",
            "created": now,
            "currency": sub["currency"],
            "customer": sub["customer"],
            "customer_email": customer.get("email"),
            "hosted_invoice_url": None,
            "lines": {
                "object": "list",
                "data": [
                    {
                        "id": random_id("il_", 24),
                        "object": "line_item",
                        "amount": amount,
                        "currency": sub["currency"],
                        "description": f"{item['quantity']} × {item['price']['product']}",
                        "period": {"start": sub["_period_start"], "end": sub["_period_end"]},
                        "quantity": item["quantity"],
                    }
                    for item in sub["items"]["data"]
                ],
                "has_more": False,
                "url": f"/v1/invoices/{inv_id}/lines",
            },
            "livemode": sub["livemode"],
            "metadata": {},
            "number": f"FAKE-{len(self.invoices) + 1:04d}",
            "period_end": sub["_period_end"],
            "period_start": sub["_period_start"],
            "status": "paid" if succeeded else "open",
            "status_transitions": {
                "finalized_at": now,
                "paid_at": now if succeeded else None,
                "voided_at": None,
            },
            "subtotal": amount,
            "total": amount,
            "_subscription": sub["id"],
            "_payment_intent": intent["id"],
            "_charge": intent["latest_charge"],
        }
        self.invoices[inv_id] = invoice
        sub["latest_invoice"] = inv_id
        return invoice

    def _renewal_invoice(self, sub: dict, cents: int | None, succeeded: bool) -> dict:
        if sub["status"] == "canceled":
            raise ValueError(f"subscription {sub['id']} is canceled")
        interval, count = sub["_interval"]
        previous = {"status": sub["status"], "latest_invoice": sub["latest_invoice"]}
        if succeeded:
            sub["_period_start"] = sub["_period_end"]
            sub["_period_end"] = _add_interval(sub["_period_start"], interval, count)
        amount = sub["_amount"] if cents is None else cents
        invoice = self._new_invoice(sub, amount, "subscription_cycle", succeeded)
        sub["status"] = "active" if succeeded else "past_due"
        self._emit("customer.subscription.updated", sub, previous_attributes=previous)
        if succeeded:
            self._emit("invoice.paid", invoice)
            self._emit("invoice.payment_succeeded", invoice)
        else:
            self._emit("invoice.payment_failed", invoice)
        return invoice

    def _cancel_subscription(self, sub: dict, details: dict | None = None) -> None:
        now = int(time.time())
        sub.update(status="canceled", canceled_at=now, ended_at=now)
        sub["cancellation_details"]["reason"] = "cancellation_requested"
        if details:
            sub["cancellation_details"].update(details)
        self._emit("customer.subscription.deleted", sub)

    def _expire(self, session: dict) -> None:
        if session["status"] != "open":
            raise ValueError(f"session {session['id']} is {session['status']}, not open")
        session["status"] = "expired"
        session["url"] = None
        self._emit("checkout.session.expired", session)

    def _create_refund(
        self,
        intent: dict | None,
        charge: dict | None,
        amount: int | None,
        reason: str | None = None,
        metadata: dict | None = None,
        status: str = "succeeded",
    ) -> dict:
        if intent is not None:
            if intent["status"] != "succeeded":
                raise StripeError(
                    400,
                    f"This PaymentIntent ({intent['id']}) does not have a successful charge to "
                    "refund.",
                    param="payment_intent",
                )
            charge = self.charges[intent["latest_charge"]]
        assert charge is not None
        if charge["disputed"]:
            raise StripeError(
                400,
                f"Charge {charge['id']} has been charged back; cannot issue a refund.",
                code="charge_disputed",
            )
        remaining = charge["amount"] - charge["amount_refunded"]
        if remaining <= 0:
            raise StripeError(
                400,
                f"Charge {charge['id']} has already been refunded.",
                code="charge_already_refunded",
            )
        amount = remaining if amount is None else amount
        if amount > remaining:
            cur = charge["currency"]
            raise StripeError(
                400,
                f"Refund amount ({_fmt_amount(amount, cur)}) is greater than unrefunded amount "
                f"on charge ({_fmt_amount(remaining, cur)})",
                param="amount",
                code="amount_too_large",
            )
        refund = {
            "id": random_id("re_", 24),
            "object": "refund",
            "amount": amount,
            "balance_transaction": random_id("txn_", 24),
            "charge": charge["id"],
            "created": int(time.time()),
            "currency": charge["currency"],
            "metadata": metadata or {},
            "payment_intent": charge["payment_intent"],
            "reason": reason,
            "status": status,
        }
        self.refunds[refund["id"]] = refund
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        self._emit("refund.created", refund)
        self._emit("charge.refunded", charge)
        return refund

    # ------------------------------------------------------------------ rendering
    def _render(self, obj: dict, version: str) -> dict:
        data = {k: copy.deepcopy(v) for k, v in obj.items() if not k.startswith("_")}
        legacy = version[:10] < BASIL
        kind = obj.get("object")
        if kind == "invoice":
            if legacy:
                data["subscription"] = obj["_subscription"]
                data["payment_intent"] = obj["_payment_intent"]
                data["charge"] = obj["_charge"]
                data["paid"] = obj["status"] == "paid"
            else:
                sub = self.subscriptions.get(obj["_subscription"]) or {}
                data["parent"] = {
                    "type": "subscription_details",
                    "quote_details": None,
                    "subscription_details": {
                        "metadata": copy.deepcopy(sub.get("metadata", {})),
                        "subscription": obj["_subscription"],
                    },
                }
        elif kind == "subscription":
            if legacy:
                data["current_period_start"] = obj["_period_start"]
                data["current_period_end"] = obj["_period_end"]
            else:
                for item in data["items"]["data"]:
                    item["current_period_start"] = obj["_period_start"]
                    item["current_period_end"] = obj["_period_end"]
        return data

    def _expand(self, data: Any, parts: list[str], version: str) -> None:
        if not parts or not isinstance(data, dict):
            return
        key, rest = parts[0], parts[1:]
        if data.get("object") == "list" and key == "data":
            for item in data["data"]:
                self._expand(item, rest, version)
            return
        if key == "line_items" and data.get("object") == "checkout.session":
            data["line_items"] = self._line_items(self.sessions[data["id"]])
            return
        if key == "payments" and data.get("object") == "invoice" and version[:10] >= BASIL:
            invoice = self.invoices[data["id"]]
            data["payments"] = {
                "object": "list",
                "data": [
                    {
                        "id": random_id("inpay_", 14),
                        "object": "invoice_payment",
                        "amount_paid": invoice["amount_paid"],
                        "currency": invoice["currency"],
                        "invoice": invoice["id"],
                        "is_default": True,
                        "payment": {
                            "type": "payment_intent",
                            "payment_intent": invoice["_payment_intent"],
                        },
                        "status": "paid" if invoice["status"] == "paid" else "open",
                    }
                ],
                "has_more": False,
                "url": f"/v1/invoice_payments?invoice={invoice['id']}",
            }
            return
        if key not in data:
            raise StripeError(400, f"This property cannot be expanded ({key}).", param="expand")
        value = data[key]
        if isinstance(value, str):
            with contextlib.suppress(KeyError):
                value = data[key] = self._render(self._lookup(value), version)
        self._expand(value, rest, version)


# --------------------------------------------------------------------------------- helpers
@contextlib.contextmanager
def fake_stripe(**kwargs: Any) -> Iterator[FakeStripe]:
    """Start a ``FakeStripe`` on a free port; yields it with ``.url`` set."""
    fake = FakeStripe(**kwargs)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


def stripe_client(fake: FakeStripe, api_key: str = "sk_test_fake", **kwargs: Any):
    """A real ``stripe.StripeClient`` pointed at ``fake`` (no network retries by default)."""
    import stripe

    kwargs.setdefault("max_network_retries", 0)
    return stripe.StripeClient(api_key, base_addresses={"api": fake.url}, **kwargs)
