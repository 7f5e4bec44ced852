"""Stripe Connect for `StripeProvider`: initiatives get an Express account (Stripe does the
identity checks on its own onboarding pages), one-off gifts are destination charges with the
platform's tip and fee as the application fee, and money the platform held is sent with a
transfer. Everything goes through the official `stripe` client.

With destination charges Stripe takes refunds and chargebacks out of the platform's balance, so
`refunds_from_connected_account` is False: the initiative's part of such a refund is owed back and
netted from its next transfer (see `payouts.transfers`).
"""

from __future__ import annotations

import stripe

from marketplace.donations.providers.base import (
    AccountState,
    ConnectedAccount,
    ConnectRequest,
    ConnectStart,
    ProviderPaymentRef,
    ProviderRejected,
    ProviderTransfer,
    TransferSource,
)


def _get(obj, key, default=None):
    try:
        value = obj[key]
    except (KeyError, TypeError):
        return default
    return default if value is None else value


def account_status(account) -> tuple[str, tuple[str, ...]]:
    """An Express account's normalised state and what Stripe still needs (pure)."""
    requirements = _get(account, "requirements", {})
    due = tuple(_get(requirements, "currently_due", [])) + tuple(_get(requirements, "past_due", []))
    transfers = _get(_get(account, "capabilities", {}), "transfers")
    if (
        _get(account, "charges_enabled", False)
        and _get(account, "payouts_enabled", False)
        and transfers == "active"
    ):
        return "active", ()
    reason = _get(requirements, "disabled_reason")
    needs = due + ((reason,) if reason else ())
    if not _get(account, "details_submitted", False):
        return "pending", needs or ("details_submitted",)
    if not due and _get(requirements, "pending_verification", []):
        return "in_review", tuple(_get(requirements, "pending_verification", []))
    return "restricted", needs


class StripeConnect:
    """The Connect half of `StripeProvider` (it provides `config`, `client`, `_call`)."""

    config: dict
    client: stripe.StripeClient

    @property
    def supports_connect(self) -> bool:
        return bool(self.config.get("STRIPE_SECRET_KEY"))

    def start_connect(self, request: ConnectRequest, account_id: str | None) -> ConnectStart:
        """An Express account (once) and a fresh onboarding link (links are single-use)."""
        if not account_id:
            params = {
                "type": "express",
                "country": self.config.get("STRIPE_CONNECT_COUNTRY", "NL"),
                "business_profile": {"name": request.name[:200]},
                "capabilities": {
                    "card_payments": {"requested": True},
                    "transfers": {"requested": True},
                },
                "metadata": {"initiative_id": str(request.initiative_id)},
            }
            if request.email:
                params["email"] = request.email
            account = self._call(
                self.client.v1.accounts.create,
                params=params,
                options={"idempotency_key": f"initiative-{request.initiative_id}-account"},
            )
            account_id = account.id
        link = self._call(
            self.client.v1.account_links.create,
            params={
                "account": account_id,
                "refresh_url": request.refresh_url,
                "return_url": request.return_url,
                "type": "account_onboarding",
            },
        )
        return ConnectStart(url=link.url, account_id=account_id)

    def fetch_account(self, account: ConnectedAccount) -> AccountState:
        try:
            found = self._call(self.client.v1.accounts.retrieve, account.account_id)
        except LookupError as error:
            raise ProviderRejected(str(error)) from error
        status, needs = account_status(found)
        name = _get(_get(found, "business_profile", {}), "name", "")
        return AccountState(found.id, status, needs, name=name)

    def destination_params(self, intent_data: dict, destination) -> None:
        """A destination charge: the share to the account, the tip and fee to the platform."""
        intent_data["application_fee_amount"] = destination.application_fee_cents
        intent_data["transfer_data"] = {"destination": destination.account.account_id}

    def application_fee_cents(self, payment: ProviderPaymentRef) -> int | None:
        """The application fee Stripe collected on a destination charge (Application Fees)."""
        if not payment.reference:
            return None
        try:
            intent = self._call(self.client.v1.payment_intents.retrieve, payment.reference)
            charge = _get(intent, "latest_charge")
            if not charge:
                return None
            fees = self._call(
                self.client.v1.application_fees.list, params={"charge": charge, "limit": 10}
            )
        except LookupError:
            return None
        return sum(fee.amount - (fee.amount_refunded or 0) for fee in fees.data)

    def create_transfer(
        self, account: ConnectedAccount, amount_cents: int, currency: str,
        sources: tuple[TransferSource, ...], idempotency_key: str, description: str,
    ) -> ProviderTransfer:  # fmt: skip
        """One transfer from the platform's balance to the account."""
        try:
            transfer = self._call(
                self.client.v1.transfers.create,
                params={
                    "amount": amount_cents,
                    "currency": currency.lower(),
                    "destination": account.account_id,
                    "description": description[:255],
                    "metadata": {"batch": idempotency_key},
                },
                options={"idempotency_key": idempotency_key},
            )
        except LookupError as error:
            raise ProviderRejected(str(error)) from error
        return _transfer(transfer)

    def fetch_transfer(self, reference: str, account_id: str) -> ProviderTransfer | None:
        try:
            return _transfer(self._call(self.client.v1.transfers.retrieve, reference))
        except LookupError:
            return None


def _transfer(transfer) -> ProviderTransfer:
    reversed_ = bool(_get(transfer, "reversed", False)) or _get(transfer, "amount_reversed", 0) > 0
    return ProviderTransfer(
        reference=transfer.id,
        amount_cents=transfer.amount - _get(transfer, "amount_reversed", 0),
        currency=transfer.currency.upper(),
        account_id=_get(transfer, "destination", ""),
        status="reversed" if reversed_ else "paid",
    )
