"""Mollie Connect for ``FakeMollie``: OAuth (authorize page, token endpoint), organisations,
onboarding, website profiles, payments made with an organisation's access token (``profileId``,
``applicationFee``), and delayed routing (``/v2/payments/{id}/routes``).

What the real ``mollie-api-python`` client calls: ``setup_oauth`` builds the authorize URL (the
owner visits ``{url}/oauth2/authorize``), ``setup_oauth_authorization_response`` posts the code to
``{url}/oauth2/tokens`` (HTTP Basic client credentials), requests-oauthlib refreshes there with
``grant_type=refresh_token``; then ``organizations.get("me")``, ``onboarding.get("me")``,
``profiles.list()`` and ``payments.*`` with ``Authorization: Bearer access_...``.

Payments belong to the organisation that created them: the platform's API key cannot see a
connected organisation's payments and vice versa (404), as at Mollie.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from .server import random_id

PLATFORM_ORG = "org_platform01"
ONBOARDING = ("needs-data", "in-review", "completed")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass
class _Org:
    id: str
    name: str
    email: str
    profile_id: str
    status: str = "needs-data"
    can_receive_payments: bool = True
    can_receive_settlements: bool = False
    created_at: dt.datetime = field(default_factory=_now)


@dataclass
class _Route:
    id: str
    payment_id: str
    amount: int
    currency: str
    organization_id: str
    description: str
    created_at: dt.datetime = field(default_factory=_now)


class MollieConnectMixin:
    """Mixed into ``FakeMollie``; state lives next to the payments'."""

    connect_error: type[Exception] = ValueError  # FakeMollie sets its MollieError
    oauth_client_id = "app_FakeClient01"
    oauth_client_secret = "fake-oauth-secret"

    def _init_connect(self) -> None:
        self.orgs: dict[str, _Org] = {}
        self.oauth_codes: dict[str, tuple[str, str, str]] = {}  # code -> (org, redirect, scope)
        self.access_tokens: dict[str, str] = {}  # token -> org id (current ones only)
        self.refresh_tokens: dict[str, str] = {}
        self.granted_scopes: dict[str, str] = {}  # org id -> the scopes it allowed
        self.issued_tokens: set[str] = set()  # every access token ever issued
        self.routes: dict[str, _Route] = {}
        self.token_requests: list[dict] = []

    @staticmethod
    def connect_rules() -> list[Rule]:
        def r(path: str, endpoint: str, *methods: str) -> Rule:
            return Rule(path, endpoint=endpoint, methods=list(methods))

        return [
            r("/oauth2/authorize", "page_oauth_authorize", "GET", "POST"),
            r("/oauth2/tokens", "page_oauth_tokens", "POST", "DELETE"),
            r("/v2/organizations/me", "api_organization_me", "GET"),
            r("/v2/onboarding/me", "api_onboarding_me", "GET"),
            r("/v2/profiles", "api_list_profiles", "GET"),
            r("/v2/payments/<pid>/routes", "api_create_route", "POST"),
            r("/v2/payments/<pid>/routes", "api_list_routes", "GET"),
            r("/v2/payments/<pid>/routes/<rid>", "api_get_route", "GET"),
        ]

    # ------------------------------------------------------------------ test controls
    def authorize(self, authorize_url: str, name: str = "Stichting Test", deny: bool = False):
        """The owner clicks "allow" (or "deny") on the authorize page; returns the redirect."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
        with self._lock:
            return self._decide(query, name, deny)

    def set_onboarding(
        self, org_id: str, status: str = "completed", *, payments: bool = True,
        settlements: bool = True,
    ) -> None:  # fmt: skip
        if status not in ONBOARDING:
            raise ValueError(status)
        with self._lock:
            org = self.orgs[org_id]
            org.status = status
            org.can_receive_payments, org.can_receive_settlements = payments, settlements

    def org_of_payment(self, payment_id: str) -> str:
        with self._lock:
            return self.payments[payment_id].org_id

    def routes_of(self, payment_id: str) -> list[_Route]:
        with self._lock:
            return [r for r in self.routes.values() if r.payment_id == payment_id]

    # ----------------------------------------------------------------------- OAuth
    def _decide(self, query: dict, name: str, deny: bool) -> str:
        redirect_uri, state = query.get("redirect_uri", ""), query.get("state", "")
        if query.get("client_id") != self.oauth_client_id or not redirect_uri:
            raise ValueError("unknown client or no redirect_uri")
        separator = "&" if "?" in redirect_uri else "?"
        if deny:
            answer = {"error": "access_denied", "error_description": "Denied", "state": state}
            return redirect_uri + separator + urlencode(answer)
        org = _Org(
            id=random_id("org_", 8), name=name, email="owner@example.org",
            profile_id=random_id("pfl_", 10),
        )  # fmt: skip
        self.orgs[org.id] = org
        code = "auth_" + secrets.token_hex(12)
        self.oauth_codes[code] = (org.id, redirect_uri, query.get("scope", ""))
        return redirect_uri + separator + urlencode({"code": code, "state": state})

    def page_oauth_authorize(self, request: Request) -> Response:
        if request.method == "POST":
            try:
                target = self._decide(
                    request.form.to_dict(), request.form.get("name") or "Stichting Test",
                    request.form.get("decision") == "deny",
                )  # fmt: skip
            except ValueError as error:
                return Response(f"<p>{html.escape(str(error))}</p>", status=400)
            return Response(status=303, headers={"Location": target})
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in request.args.items()
        )
        page = (
            "<!doctype html><html><head><title>Mollie test authorize</title></head><body>"
            "<h1>Connect with Mollie (test)</h1><form method='post'>"
            f"{hidden}<label>Organisation <input name='name' value='Stichting Test'></label>"
            "<button name='decision' value='allow' id='allow'>Allow</button>"
            "<button name='decision' value='deny' id='deny'>Deny</button></form></body></html>"
        )
        return Response(page, content_type="text/html")

    def _client_ok(self, request: Request) -> bool:
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            user, _sep, password = base64.b64decode(auth[6:]).decode().partition(":")
        else:
            user, password = request.form.get("client_id"), request.form.get("client_secret")
        return (user, password) == (self.oauth_client_id, self.oauth_client_secret)

    def _oauth_error(self, status: int, error: str, description: str) -> Response:
        return self.json_response({"error": error, "error_description": description}, status)

    def page_oauth_tokens(self, request: Request) -> Response:
        self.token_requests.append(request.form.to_dict())
        if not self._client_ok(request):
            return self._oauth_error(401, "invalid_client", "Unknown client credentials.")
        if request.method == "DELETE":
            token = request.form.get("token", "")
            self.access_tokens.pop(token, None)
            self.refresh_tokens.pop(token, None)
            return Response(status=204)
        grant = request.form.get("grant_type")
        if grant == "authorization_code":
            found = self.oauth_codes.pop(request.form.get("code", ""), None)
            if found is None or found[1] != request.form.get("redirect_uri"):
                return self._oauth_error(400, "invalid_grant", "The code is invalid or used.")
            org_id = found[0]
            self.granted_scopes[org_id] = found[2]
        elif grant == "refresh_token":
            org_id = self.refresh_tokens.get(request.form.get("refresh_token", ""))
            if org_id is None:
                return self._oauth_error(400, "invalid_grant", "The refresh token is invalid.")
            for token, owner in list(self.access_tokens.items()):
                if owner == org_id:
                    del self.access_tokens[token]  # the old access token stops working
        else:
            return self._oauth_error(400, "unsupported_grant_type", str(grant))
        access = "access_" + secrets.token_hex(16)
        refresh = "refresh_" + secrets.token_hex(16)
        self.access_tokens[access] = org_id
        self.issued_tokens.add(access)
        self.refresh_tokens[refresh] = org_id
        return self.json_response(
            {
                "access_token": access,
                "refresh_token": refresh,
                "expires_in": 3600,
                "token_type": "bearer",
                "scope": self.granted_scopes.get(org_id, ""),
            }
        )

    def org_for_token(self, token: str) -> str | None:
        """The organisation a bearer token acts for (None: rejected)."""
        if token in self.access_tokens:
            return self.access_tokens[token]
        if token in self.issued_tokens:
            return None  # replaced or revoked
        return PLATFORM_ORG

    # --------------------------------------------------------------- organisations
    def _org(self) -> _Org | None:
        return self.orgs.get(self._org_context)

    def api_organization_me(self, request: Request) -> Response:
        org = self._org()
        if org is None:
            return self._ok({"resource": "organization", "id": PLATFORM_ORG, "name": "Platform"})
        return self._ok(
            {
                "resource": "organization",
                "id": org.id,
                "name": org.name,
                "email": org.email,
                "locale": "nl_NL",
                "_links": {"self": self._link("/v2/organizations/me")},
            }
        )

    def api_onboarding_me(self, request: Request) -> Response:
        org = self._org()
        if org is None:
            return self.error_response(403, "Only connected organisations have an onboarding.")
        return self._ok(
            {
                "resource": "onboarding",
                "name": org.name,
                "signedUpAt": org.created_at.isoformat(),
                "status": org.status,
                "canReceivePayments": org.can_receive_payments,
                "canReceiveSettlements": org.can_receive_settlements,
                "_links": {
                    "self": self._link("/v2/onboarding/me"),
                    "onboarding": {
                        "href": f"https://my.mollie.com/dashboard/{org.id}/onboarding",
                        "type": "text/html",
                    },
                    "organization": self._link(f"/v2/organizations/{org.id}"),
                },
            }
        )

    def api_list_profiles(self, request: Request) -> Response:
        org = self._org()
        profiles = []
        if org is not None:
            profiles.append(
                {
                    "resource": "profile",
                    "id": org.profile_id,
                    "name": org.name,
                    "website": "https://example.org",
                    "status": "verified",
                    "_links": {"self": self._link(f"/v2/profiles/{org.profile_id}")},
                }
            )
        return self._ok(self._list(request, "profiles", profiles))

    # ------------------------------------------------------------ connect payments
    def connect_payment_fields(self, data: dict, cents: int, currency: str) -> dict[str, Any]:
        """Checks what a payment made with an organisation's token needs; its extra fields."""
        org = self._org()
        fee = data.get("applicationFee")
        if org is None:
            if fee is not None:
                raise self.connect_error(
                    422, "Application fees are only available with OAuth.", "applicationFee"
                )
            return {"org_id": PLATFORM_ORG}
        if data.get("profileId") != org.profile_id:
            raise self.connect_error(422, "The profile ID is invalid.", "profileId")
        extra: dict[str, Any] = {"org_id": org.id, "profile_id": org.profile_id}
        if fee is not None:
            fee_cents, fee_currency = self._parse_amount(fee.get("amount"), "applicationFee.amount")
            if fee_currency != currency or fee_cents > cents:
                raise self.connect_error(422, "The application fee is invalid.", "applicationFee")
            extra["application_fee"] = {
                "amount": {
                    "value": f"{fee_cents // 100}.{fee_cents % 100:02d}",
                    "currency": currency,
                },  # fmt: skip
                "description": str(fee.get("description") or ""),
            }
        return extra

    # ---------------------------------------------------------------------- routes
    def _render_route(self, route: _Route) -> dict:
        return {
            "resource": "route",
            "id": route.id,
            "paymentId": route.payment_id,
            "amount": {
                "value": f"{route.amount // 100}.{route.amount % 100:02d}",
                "currency": route.currency,
            },
            "description": route.description,
            "destination": {"type": "organization", "organizationId": route.organization_id},
            "createdAt": route.created_at.isoformat(),
            "_links": {
                "self": self._link(f"/v2/payments/{route.payment_id}/routes/{route.id}"),
                "payment": self._link(f"/v2/payments/{route.payment_id}"),
            },
        }

    def api_create_route(self, request: Request, pid: str) -> Response:
        payment = self._get_payment(pid, http=True)
        data = self._body(request)
        if payment.status != "paid":
            raise self.connect_error(422, "Routes can only be made for paid payments.")
        cents, currency = self._parse_amount(data.get("amount"), "amount")
        destination = data.get("destination") or {}
        org_id = destination.get("organizationId")
        if destination.get("type") != "organization" or org_id not in self.orgs:
            raise self.connect_error(422, "The destination organization is invalid.", "destination")
        routed = sum(r.amount for r in self.routes.values() if r.payment_id == pid)
        if currency != payment.currency or routed + cents > self._remaining(payment):
            raise self.connect_error(422, "The route amount is higher than what remains.", "amount")
        route = _Route(
            random_id("crt_", 10), pid, cents, currency, org_id,
            str(data.get("description") or "")[:255],
        )  # fmt: skip
        self.routes[route.id] = route
        return self._ok(self._render_route(route), 201)

    def api_list_routes(self, request: Request, pid: str) -> Response:
        self._get_payment(pid, http=True)
        items = [self._render_route(r) for r in self.routes.values() if r.payment_id == pid]
        return self._ok(self._list(request, "routes", items))

    def api_get_route(self, request: Request, pid: str, rid: str) -> Response:
        self._get_payment(pid, http=True)
        route = self.routes.get(rid)
        if route is None or route.payment_id != pid:
            raise self.connect_error(404, f"No route exists with token {rid}.")
        return self._ok(self._render_route(route))
