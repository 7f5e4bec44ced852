"""Absolute URLs for providers: where the donor returns and where the provider posts webhooks.

Kept apart from the code that calls the providers, so that a provider (the simulator, for its
checkout page) can build a URL without importing that code.
"""

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


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
