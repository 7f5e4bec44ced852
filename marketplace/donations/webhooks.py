"""Provider webhooks: triggers only. The payment is fetched from the provider again and applied
through the one status-update path. CSRF-exempt (providers cannot send our token)."""

import logging

from flask import Blueprint, current_app, jsonify, request

from marketplace import signals
from marketplace.donations.payment_kinds import refresh_any
from marketplace.donations.providers import PROVIDERS, get_provider
from marketplace.donations.providers.base import InvalidSignature, WebhookTrigger
from marketplace.errors import NotFound, json_error
from marketplace.payouts.accounts import find_by_account_id

log = logging.getLogger(__name__)

bp = Blueprint("donation_webhooks", __name__, url_prefix="/webhooks")


@bp.route("/<provider>", methods=["POST"])
def webhook(provider: str):
    """A provider says a payment changed: 200 once its triggers are applied (or unknown to us).

    A provider that signs its webhooks (Stripe) gets 400 for a bad or stale signature, and while
    it is not configured (nothing can be verified); an unsigned one (Mollie) gets 200 with
    `received: false` then. 503 when the provider cannot be reached or the row is busy.
    """
    provider_type = PROVIDERS.get(provider)
    if provider_type is None:
        raise NotFound("Unknown payment provider.")
    if not provider_type.is_configured(current_app.config):
        if provider_type.signs_webhooks:
            return json_error(
                400,
                f"{provider.capitalize()} is not configured; the signature cannot be verified.",
            )
        return jsonify({"received": False}), 200
    try:
        triggers = get_provider(provider).parse_webhook(
            request.get_data(), request.form.to_dict(), dict(request.headers)
        )
    except InvalidSignature as error:
        log.warning("%s webhook refused: %s", provider, error)
        return json_error(400, "Invalid signature.")
    for trigger in triggers:
        apply_trigger(provider, trigger)
    return jsonify({"received": True}), 200


def apply_trigger(provider: str, trigger: WebhookTrigger) -> None:
    """A payment is fetched again; news from a connected account goes to whoever follows it.

    An account the platform does not know (another platform's, or one long disconnected) is
    ignored: the provider gets its 200 and nothing changes.
    """
    if trigger.account_id:
        account = find_by_account_id(provider, trigger.account_id)
        if account is None:
            log.info("%s webhook for an unknown connected account ignored", provider)
            return
        if not trigger.payment_id:
            signals.notify(signals.payout_account_event, provider=provider, account_pk=account.id)
            return
    refresh_any(
        provider, trigger.payment_id, source="webhook", extra_chargebacks=trigger.chargebacks
    )
