"""Stripe Connect for ``FakeStripe``: Express accounts, account links (a hosted onboarding page),
destination charges with an application fee (Checkout ``payment_intent_data[transfer_data]``),
transfers, and application fees, as the real ``stripe`` client calls them
(``client.v1.accounts``, ``account_links``, ``transfers``, ``application_fees``).

Events about a connected account carry ``"account": "acct_..."`` like Stripe's Connect webhooks;
they are signed with ``connect_webhook_secret`` (the Connect endpoint's own secret) when given.
"""

from __future__ import annotations

import html
import time
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from .server import random_id

CAPABILITIES = ("card_payments", "transfers", "ideal_payments", "bancontact_payments")


class StripeConnectMixin:
    """Mixed into ``FakeStripe`` (which provides ``_params``, ``_ok``, ``_emit``, ``_get``...)."""

    def _init_connect(self, connect_webhook_secret: str | None) -> None:
        self.connect_webhook_secret = connect_webhook_secret
        self.accounts: dict[str, dict] = {}
        self.transfers: dict[str, dict] = {}
        self.application_fees: dict[str, dict] = {}
        self._collections.update(
            {"acct_": self.accounts, "tr_": self.transfers, "fee_": self.application_fees}
        )

    @staticmethod
    def connect_rules() -> list[Rule]:
        def r(path: str, endpoint: str, *methods: str) -> Rule:
            return Rule(path, endpoint=endpoint, methods=list(methods))

        return [
            r("/v1/accounts", "api_create_account", "POST"),
            r("/v1/accounts/<oid>", "api_get_account", "GET"),
            r("/v1/account_links", "api_create_account_link", "POST"),
            r("/v1/transfers", "api_create_transfer", "POST"),
            r("/v1/transfers", "api_list_transfers", "GET"),
            r("/v1/transfers/<oid>", "api_get_transfer", "GET"),
            r("/v1/application_fees", "api_list_application_fees", "GET"),
            r("/v1/application_fees/<oid>", "api_get_application_fee", "GET"),
            r("/connect/onboarding/<oid>", "page_onboarding", "GET", "POST"),
        ]

    # ------------------------------------------------------------------ test controls
    def complete_onboarding(self, account_id: str) -> dict:
        """The owner finished Stripe's onboarding: charges and payouts on (account.updated)."""
        with self._lock:
            account = self._get("acct_", account_id)
            self._activate(account)
            event = self._emit_connect("account.updated", account)
        self._flush()
        return event

    def restrict(self, account_id: str, due: tuple[str, ...] = ("individual.id_number",)) -> dict:
        with self._lock:
            account = self._get("acct_", account_id)
            account.update(charges_enabled=False, payouts_enabled=False)
            account["capabilities"] = {k: "inactive" for k in account["capabilities"]}
            account["requirements"].update(currently_due=list(due), disabled_reason="past_due")
            event = self._emit_connect("account.updated", account)
        self._flush()
        return event

    def connect_event(self, type: str, account_id: str) -> dict:
        """A Connect event about `account_id` (which need not exist: another platform's)."""
        with self._lock:
            account = self.accounts.get(account_id) or {"id": account_id, "object": "account"}
            event = self._emit_connect(type, account)
        return event

    # ----------------------------------------------------------------------- helpers
    def _activate(self, account: dict) -> None:
        account.update(charges_enabled=True, payouts_enabled=True, details_submitted=True)
        account["capabilities"] = {k: "active" for k in account["capabilities"]}
        account["requirements"].update(
            currently_due=[], eventually_due=[], past_due=[], disabled_reason=None
        )

    def _emit_connect(self, type: str, account: dict) -> dict:
        event = self._emit(type, account, deliver=False)
        event["account"] = account["id"]
        secret = self.connect_webhook_secret or self.webhook_secret
        if self.webhook_url and secret:
            self._defer(lambda: self._deliver(event, secret))
        return event

    def connected(self, account_id: str, param: str = "destination") -> dict:
        """A connected account that can receive transfers, or the error Stripe gives."""
        account = self.accounts.get(account_id)
        if account is None:
            raise self.connect_error(
                400, f"No such destination: '{account_id}'", param=param, code="resource_missing"
            )
        if account["capabilities"].get("transfers") != "active":
            raise self.connect_error(
                400,
                "Your destination account needs to have at least one of the following "
                "capabilities enabled: transfers, crypto_transfers, legacy_payments",
                param=param,
                code="insufficient_capabilities_for_transfer",
            )
        return account

    # ---------------------------------------------------------------------- accounts
    def api_create_account(self, request: Request) -> Response:
        params = self._params(request, self.account_schema)
        if params.get("type") not in ("express", "standard", "custom"):
            raise self.connect_error(400, "Invalid type: must be express, standard or custom")
        requested = params.get("capabilities") or {}
        account = {
            "id": random_id("acct_", 16),
            "object": "account",
            "type": params["type"],
            "country": params.get("country") or "NL",
            "email": params.get("email"),
            "business_profile": {
                "name": None,
                "url": None,
                **(params.get("business_profile") or {}),
            },
            "capabilities": {k: "inactive" for k in requested if k in CAPABILITIES},
            "charges_enabled": False,
            "payouts_enabled": False,
            "details_submitted": False,
            "created": int(time.time()),
            "default_currency": "eur",
            "metadata": params.get("metadata") or {},
            "requirements": {
                "currently_due": ["business_type", "external_account", "tos_acceptance.date"],
                "eventually_due": [],
                "past_due": [],
                "pending_verification": [],
                "disabled_reason": "requirements.past_due",
            },
        }
        self.accounts[account["id"]] = account
        return self._ok(request, account, params)

    def api_get_account(self, request: Request, oid: str) -> Response:
        return self._ok(request, self._get("acct_", oid), self._params(request, {"expand": [None]}))

    def api_create_account_link(self, request: Request) -> Response:
        params = self._params(request, self.account_link_schema)
        account = self._get("acct_", params.get("account", ""), param="account")
        if params.get("type") not in ("account_onboarding", "account_update"):
            raise self.connect_error(400, "Invalid type", param="type")
        for name in ("refresh_url", "return_url"):
            if not str(params.get(name, "")).startswith(("http://", "https://")):
                raise self.connect_error(400, f"Not a valid URL: {name}", param=name)
        account["_link"] = {
            "return_url": params["return_url"],
            "refresh_url": params["refresh_url"],
        }
        link = {
            "object": "account_link",
            "created": int(time.time()),
            "expires_at": int(time.time()) + 300,
            "url": f"{self.base_url}/connect/onboarding/{account['id']}",
        }
        return self.json_response(link)

    def page_onboarding(self, request: Request, oid: str) -> Response:
        account = self.accounts.get(oid)
        if account is None or "_link" not in account:
            return Response("<h1>Link expired</h1>", status=404, content_type="text/html")
        if request.method == "POST":
            action = request.form.get("action", "complete")
            if action == "complete":
                self._activate(account)
                self._emit_connect("account.updated", account)
            elif action == "submit":
                account["details_submitted"] = True
                account["requirements"].update(
                    currently_due=[], pending_verification=["individual.verification.document"]
                )
                self._emit_connect("account.updated", account)
            target = account["_link"]["refresh_url" if action == "expired" else "return_url"]
            return Response(status=303, headers={"Location": target})
        esc = html.escape
        page = (
            "<!doctype html><html><head><title>Stripe test onboarding</title></head><body>"
            f"<h1>Onboarding {esc(oid)}</h1><form method='post'>"
            "<button name='action' value='complete' id='complete'>Complete</button>"
            "<button name='action' value='submit' id='submit'>Submit for review</button>"
            "<button name='action' value='leave' id='leave'>Leave</button>"
            "<button name='action' value='expired' id='expired'>Link expired</button>"
            "</form></body></html>"
        )
        return Response(page, content_type="text/html")

    # --------------------------------------------------------------------- transfers
    def _new_transfer(self, amount: int, currency: str, destination: str, **fields: Any) -> dict:
        transfer = {
            "id": random_id("tr_", 24),
            "object": "transfer",
            "amount": amount,
            "amount_reversed": 0,
            "currency": currency,
            "created": int(time.time()),
            "description": fields.get("description"),
            "destination": destination,
            "metadata": fields.get("metadata") or {},
            "reversed": False,
            "source_transaction": fields.get("source_transaction"),
            "transfer_group": fields.get("transfer_group"),
        }
        self.transfers[transfer["id"]] = transfer
        return transfer

    def api_create_transfer(self, request: Request) -> Response:
        params = self._params(request, self.transfer_schema)
        amount = int(params.get("amount", "0"))
        if amount < 1:
            raise self.connect_error(400, "This value must be greater than or equal to 1.",
                                     param="amount")  # fmt: skip
        self.connected(params.get("destination", ""))
        fields = {k: params.get(k) for k in ("description", "metadata", "source_transaction",
                                             "transfer_group")}  # fmt: skip
        transfer = self._new_transfer(
            amount, (params.get("currency") or "eur").lower(), params["destination"], **fields
        )
        self._emit("transfer.created", transfer)
        return self._ok(request, transfer, params)

    def api_list_transfers(self, request: Request) -> Response:
        params = self._params(request, {**self.list_schema, "destination": None})
        found = [
            t for t in self.transfers.values()
            if "destination" not in params or t["destination"] == params["destination"]
        ]  # fmt: skip
        return self._ok_list(request, found, params)

    def api_get_transfer(self, request: Request, oid: str) -> Response:
        return self._ok(request, self._get("tr_", oid), self._params(request, {"expand": [None]}))

    # -------------------------------------------------------------- application fees
    def destination_charge(self, charge: dict, intent: dict, destination: str, fee: int) -> None:
        """A paid destination charge: the share transferred, the fee kept as application fee."""
        transfer = self._new_transfer(
            charge["amount"] - fee, charge["currency"], destination,
            source_transaction=charge["id"],
        )  # fmt: skip
        application_fee = {
            "id": random_id("fee_", 24),
            "object": "application_fee",
            "account": destination,
            "amount": fee,
            "amount_refunded": 0,
            "charge": charge["id"],
            "created": int(time.time()),
            "currency": charge["currency"],
            "refunded": False,
        }
        self.application_fees[application_fee["id"]] = application_fee
        charge.update(
            transfer=transfer["id"],
            application_fee=application_fee["id"],
            application_fee_amount=fee,
            transfer_data={"destination": destination},
        )
        intent.update(application_fee_amount=fee, transfer_data={"destination": destination})

    def api_list_application_fees(self, request: Request) -> Response:
        params = self._params(request, {**self.list_schema, "charge": None})
        found = [
            f for f in self.application_fees.values()
            if "charge" not in params or f["charge"] == params["charge"]
        ]  # fmt: skip
        return self._ok_list(request, found, params)

    def api_get_application_fee(self, request: Request, oid: str) -> Response:
        params = self._params(request, {"expand": [None]})
        return self._ok(request, self._get("fee_", oid), params)
