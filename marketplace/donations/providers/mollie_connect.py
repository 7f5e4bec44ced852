"""Mollie Connect for `MollieProvider`: initiatives connect their own Mollie organisation (OAuth),
gifts are created on behalf of that organisation with the platform's tip and fee as the
application fee, and money the platform held is routed to it later (delayed routing: the route is
made on the original payment, so the platform never forwards shopper funds as a payment of its
own).

All calls go through the official client: `setup_oauth` / `setup_oauth_authorization_response`
(requests-oauthlib underneath: the token is refreshed automatically and handed back through the
account's `on_token`), `organizations`, `onboarding`, `profiles` and `payments`; the routes
endpoint uses the client's own resource plumbing. OAuth needs HTTPS; a test against a local
fake sets OAUTHLIB_INSECURE_TRANSPORT.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from mollie.api.client import Client
from mollie.api.error import NotFoundError
from mollie.api.objects.base import ObjectBase
from mollie.api.resources.base import ResourceCreateMixin, ResourceGetMixin
from oauthlib.oauth2 import OAuth2Error

from marketplace.donations.providers.base import (
    AccountState,
    ConnectedAccount,
    ConnectRequest,
    ConnectResult,
    ConnectStart,
    NotSupported,
    ProviderPaymentRef,
    ProviderRejected,
    ProviderTransfer,
    ProviderUnavailable,
    TransferSource,
)
from marketplace.money import format_cents, parse_cents

# requests-oauthlib logs refreshed tokens at DEBUG level; tokens are secrets and never logged.
logging.getLogger("requests_oauthlib").setLevel(logging.INFO)

SCOPES = [
    "payments.read",
    "payments.write",
    "refunds.read",
    "refunds.write",
    "organizations.read",
    "onboarding.read",
    "profiles.read",
]
ONBOARDING_STATUS = {"needs-data": "pending", "in-review": "in_review", "completed": "active"}


class PaymentRoutes(ResourceCreateMixin, ResourceGetMixin):
    """`/v2/payments/{id}/routes` (delayed routing), on the client's own resource plumbing."""

    object_type = ObjectBase

    def __init__(self, client: Client, payment_id: str):
        super().__init__(client)
        self.payment_id = payment_id

    def get_resource_path(self) -> str:
        return f"payments/{self.payment_id}/routes"


def _money(cents: int, currency: str) -> dict:
    return {"currency": currency, "value": format_cents(cents)}


def _noop(_token: dict) -> None:
    return None


class MollieConnect:
    """The Connect half of `MollieProvider` (it provides `config`, `client`, `_call`)."""

    config: dict
    client: Client

    @property
    def supports_connect(self) -> bool:
        config = self.config
        return bool(
            config.get("MOLLIE_API_KEY")
            and config.get("MOLLIE_CLIENT_ID")
            and config.get("MOLLIE_CLIENT_SECRET")
        )

    def _oauth(self, redirect_uri: str = "", token: dict | None = None, on_token=None):
        """A client acting through OAuth: (client, authorization URL when not yet authorised)."""
        config = self.config
        client = Client(timeout=self.client.timeout, retry=1)
        endpoint = config.get("MOLLIE_API_ENDPOINT") or Client.API_ENDPOINT
        client.set_api_endpoint(endpoint)
        token_url = config.get("MOLLIE_OAUTH_TOKEN_URL") or f"{endpoint}/oauth2/tokens"
        client.OAUTH_AUTHORIZATION_URL = config["MOLLIE_OAUTH_AUTHORIZE_URL"]
        client.OAUTH_TOKEN_URL = client.OAUTH_AUTO_REFRESH_URL = token_url
        _authorized, url = client.setup_oauth(
            config.get("MOLLIE_CLIENT_ID", ""),
            config.get("MOLLIE_CLIENT_SECRET", ""),
            redirect_uri,
            SCOPES,
            token,
            on_token or _noop,
        )
        if config.get("MOLLIE_API_KEY", "").startswith("test_"):
            client.set_testmode(True)  # OAuth clients choose test or live per request
        return client, url

    def client_for(self, account: ConnectedAccount | None) -> Client:
        """The platform's client, or one acting for a connected organisation."""
        if account is None or not account.token:
            return self.client
        client, _url = self._oauth(token=account.token, on_token=account.on_token)
        return client

    def _oauth_call(self, fn, *args, **kwargs):
        """Like `_call`, for the OAuth token endpoint as well (requests-oauthlib errors)."""
        try:
            return self._call(fn, *args, **kwargs)
        except OAuth2Error as error:
            raise ProviderRejected(f"OAuth: {error.error}") from error
        except requests.RequestException as error:
            raise ProviderUnavailable(str(error)) from error

    # ------------------------------------------------------------------------ onboarding
    def start_connect(self, request: ConnectRequest, account_id: str | None) -> ConnectStart:
        """Mollie's authorisation page; the owner signs up or logs in there and allows us."""
        if not self.supports_connect:
            raise NotSupported("Mollie Connect needs MOLLIE_CLIENT_ID and MOLLIE_CLIENT_SECRET")
        _client, url = self._oauth(request.return_url)
        state = parse_qs(urlsplit(url).query).get("state", [""])[0]
        return ConnectStart(url=url, state=state)

    def finish_connect(self, args: dict, state: str, return_url: str) -> ConnectResult:
        """Exchange the returned code for tokens; find the organisation and its website profile."""
        if args.get("error"):
            raise ProviderRejected(str(args.get("error_description") or args["error"]))
        if not state or args.get("state") != state:
            raise ProviderRejected("The OAuth state does not match.")
        tokens: dict[str, Any] = {}
        client, _url = self._oauth(return_url, None, tokens.update)
        # A fresh client made up a state of its own; the one to expect is what we sent (checked
        # above too), so requests-oauthlib's own check compares against that.
        session = client._oauth_client
        session.state = state
        session.new_state()
        separator = "&" if "?" in return_url else "?"
        self._oauth_call(
            client.setup_oauth_authorization_response, return_url + separator + urlencode(args)
        )
        organisation = self._oauth_call(client.organizations.get, "me")
        profiles = self._oauth_call(client.profiles.list)
        profile_id = profiles[0]["id"] if len(profiles) else None
        return ConnectResult(
            account_id=organisation["id"],
            profile_id=profile_id,
            token=dict(tokens),
            name=organisation.get("name") or "",
        )

    def fetch_account(self, account: ConnectedAccount) -> AccountState:
        """The organisation's onboarding at Mollie (`/v2/onboarding/me`, with its token)."""
        client = self.client_for(account)
        onboarding = self._oauth_call(client.onboarding.get, "me")
        status = ONBOARDING_STATUS.get(onboarding.status, "pending")
        can_pay = onboarding.can_receive_payments and onboarding.can_receive_settlements
        if status == "active" and not can_pay:
            status = "restricted"
        needs = () if status == "active" else (f"Mollie onboarding: {onboarding.status}",)
        if not account.profile_id:
            status, needs = "pending", (*needs, "Mollie: no website profile yet")
        return AccountState(
            account_id=account.account_id,
            status=status,
            requirements=needs,
            name=onboarding.name or "",
            onboarding_url=onboarding._get_link("onboarding"),
        )

    # ------------------------------------------------------------------------- payments
    def connect_payment_data(self, data: dict, destination) -> dict:
        """A payment on the organisation's profile, the tip and fee as the application fee."""
        data = dict(data)
        data["profileId"] = destination.account.profile_id
        if destination.application_fee_cents:
            data["applicationFee"] = {
                "amount": _money(destination.application_fee_cents, data["amount"]["currency"]),
                "description": self.config.get("PLATFORM_LEGAL_NAME", "Impactbeurs")[:255],
            }
        return data

    def application_fee_cents(self, payment: ProviderPaymentRef) -> int | None:
        client = self.client_for(payment.account)
        try:
            found = self._oauth_call(client.payments.get, payment.payment_id)
        except NotFoundError:
            return None
        fee = found.get("applicationFee") or {}
        return parse_cents(fee["amount"]["value"]) if fee.get("amount") else 0

    # ------------------------------------------------------------------------ transfers
    def create_transfer(
        self, account: ConnectedAccount, amount_cents: int, currency: str,
        sources: tuple[TransferSource, ...], idempotency_key: str, description: str,
    ) -> ProviderTransfer:  # fmt: skip
        """One delayed route per payment the money came in with (Mollie routes per payment)."""
        if sum(s.amount_cents for s in sources) != amount_cents or any(
            not (s.payment_id or "").startswith("tr_") for s in sources
        ):
            raise NotSupported("Mollie can only route money that came in with a Mollie payment.")
        references = []
        for index, source in enumerate(sources):
            data = {
                "amount": _money(source.amount_cents, currency),
                "destination": {"type": "organization", "organizationId": account.account_id},
                "description": description[:255],
            }
            try:
                route = self._call(
                    PaymentRoutes(self.client, source.payment_id).create,
                    data,
                    idempotency_key=f"{idempotency_key}-{index}",
                )
            except (NotFoundError, ProviderRejected) as error:
                if index == 0:
                    raise ProviderRejected(str(error)) from error
                # Part of the batch was routed: retry later with the same keys (never half-fail).
                raise ProviderUnavailable(f"route {index} refused: {error}") from error
            references.append(f"{source.payment_id}/{route['id']}")
        return ProviderTransfer(
            ",".join(references), amount_cents, currency, account.account_id, "paid"
        )

    def fetch_transfer(self, reference: str, account_id: str) -> ProviderTransfer | None:
        """The routes of a transfer, read back from Mollie and added up."""
        total, currency = 0, "EUR"
        for part in filter(None, reference.split(",")):
            payment_id, _sep, route_id = part.partition("/")
            try:
                route = self._call(PaymentRoutes(self.client, payment_id).get, route_id)
            except NotFoundError:
                return None
            if (route.get("destination") or {}).get("organizationId") != account_id:
                return ProviderTransfer(reference, total, currency, "", "failed")
            total += parse_cents(route["amount"]["value"])
            currency = route["amount"]["currency"]
        return ProviderTransfer(reference, total, currency, account_id, "paid")
