"""Absolute URLs for providers: where the donor returns and where the provider posts webhooks.

Kept apart from the code that calls the providers, so that a provider (the simulator, for its
checkout page) can build a URL without importing that code.
"""

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for
from itsdangerous import BadSignature, URLSafeSerializer


def public_base_is_local(base_url: str) -> bool:
    """True for localhost and loopback addresses, which no payment provider can reach."""
    host = (urlsplit(base_url).hostname or "").lower()
    return (
        host in ("localhost", "::1", "0.0.0.0")  # noqa: S104 (a check, not a bind)
        or host.startswith("127.")
        or host.endswith(".localhost")
    )


def path_for(endpoint: str, **values) -> str:
    """url_for that also works outside a request (CLI, scheduler, threads)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def public_url(path: str) -> str:
    """The path under the configured public base URL (`PUBLIC_BASE_URL`)."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def webhook_url_for(provider_name: str) -> str | None:
    """Mollie refuses webhook URLs it cannot reach: none when the public base URL is local."""
    if provider_name == "simulator" or public_base_is_local(current_app.config["PUBLIC_BASE_URL"]):
        return None
    return public_url(path_for("donation_webhooks.webhook", provider=provider_name))


# --------------------------------------------------------------------------- guest gifts
def _guest_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="guest-gift")


def guest_token(contribution_id: int) -> str:
    """The signed key to a guest gift's return and status pages (a guest has no log-in)."""
    return _guest_serializer().dumps(contribution_id)


def guest_token_valid(token: str | None, contribution_id: int) -> bool:
    if not token or len(token) > 200:
        return False
    try:
        return _guest_serializer().loads(token) == contribution_id
    except BadSignature:
        return False


def return_path_for(contribution) -> str:
    """Where the donor comes back after paying; a guest's path carries the gift's key."""
    if contribution.user_id is None:
        return path_for(
            "donations.return_page",
            contribution_id=contribution.id,
            token=guest_token(contribution.id),
        )
    return path_for("donations.return_page", contribution_id=contribution.id)
