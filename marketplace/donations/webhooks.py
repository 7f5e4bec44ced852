"""Provider webhooks: triggers only. The payment is fetched from the provider again and applied
through the one status-update path. CSRF-exempt (providers cannot send our token)."""

import logging

from flask import Blueprint, current_app, jsonify, request

from marketplace.donations import services
from marketplace.donations.providers import get_provider
from marketplace.donations.providers.base import InvalidSignature
from marketplace.errors import json_error

log = logging.getLogger(__name__)

bp = Blueprint("donation_webhooks", __name__, url_prefix="/webhooks")


def provider_configured(name: str) -> bool:
    config = current_app.config
    if name == "mollie":
        return bool(config.get("MOLLIE_API_KEY"))
    if name == "stripe":
        return bool(config.get("STRIPE_SECRET_KEY"))
    return False


@bp.route("/mollie", methods=["POST"])
def mollie_webhook():
    """Mollie posts `id=tr_...`; an id we do not know still gets 200 and changes nothing."""
    if not provider_configured("mollie"):
        return jsonify({"received": False}), 200
    payment_ids = get_provider("mollie").webhook_payment_ids(
        request.get_data(), request.form.to_dict(), dict(request.headers)
    )
    for payment_id in payment_ids[:1]:
        services.refresh_payment("mollie", payment_id, source="webhook")
    return jsonify({"received": True}), 200


@bp.route("/stripe", methods=["POST"])
def stripe_webhook():
    """Stripe signs its events; a bad or stale signature gets 400 and changes nothing."""
    if not provider_configured("stripe"):
        # Without Stripe keys no signature can be verified: the same answer as a bad one.
        return json_error(400, "Stripe is not configured; the signature cannot be verified.")
    provider = get_provider("stripe")
    try:
        triggers = provider.webhook_triggers(request.get_data(), dict(request.headers))
    except InvalidSignature as error:
        log.warning("stripe webhook refused: %s", error)
        return json_error(400, "Invalid signature.")
    for trigger in triggers:
        services.refresh_payment(
            "stripe", trigger.payment_id, source="webhook",
            extra_chargebacks=trigger.chargebacks,
        )  # fmt: skip
    return jsonify({"received": True}), 200
