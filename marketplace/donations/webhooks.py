"""Provider webhooks: triggers only. The payment is fetched from the provider again and applied
through the one status-update path: in the request, or with `WEBHOOKS_QUEUED` by the workers
that drain the inbox (`donations.inbox`). CSRF-exempt (providers cannot send our token)."""

import logging

from flask import Blueprint, current_app, jsonify, request

from marketplace.donations import inbox
from marketplace.donations.providers import PROVIDERS, get_provider
from marketplace.donations.providers.base import InvalidSignature
from marketplace.donations.triggers import apply_trigger
from marketplace.errors import NotFound, json_error

log = logging.getLogger(__name__)

bp = Blueprint("donation_webhooks", __name__, url_prefix="/webhooks")


@bp.route("/<provider>", methods=["POST"])
def webhook(provider: str):
    """A provider says a payment changed: 200 once its triggers are applied (or unknown to us).

    A provider that signs its webhooks (Stripe) gets 400 for a bad or stale signature, and while
    it is not configured (nothing can be verified); an unsigned one (Mollie) gets 200 with
    `received: false` then. 503 when the provider cannot be reached or the row is busy. Queued
    (`WEBHOOKS_QUEUED`): 200 `queued: true` once the triggers are stored.
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
    if current_app.config.get("WEBHOOKS_QUEUED"):
        inbox.receive(provider, triggers)
        return jsonify({"received": True, "queued": True}), 200
    for trigger in triggers:
        apply_trigger(provider, trigger)
    return jsonify({"received": True}), 200
