"""Payment providers: a registry of name → provider class, and `get_provider` to build one.

A provider is a `base.PaymentProvider` subclass; it is registered here under its `name`, which is
also what `PAYMENT_PROVIDER` names, what a contribution stores as its `provider` and the last part
of its webhook URL (`/webhooks/<name>`). Objects are built fresh from the app config per use.
"""

from flask import current_app

from marketplace.donations.providers.base import PaymentProvider
from marketplace.donations.providers.mollie import MollieProvider
from marketplace.donations.providers.simulator import SimulatorProvider
from marketplace.donations.providers.stripe import StripeProvider

PROVIDERS: dict[str, type[PaymentProvider]] = {
    provider.name: provider for provider in (MollieProvider, StripeProvider, SimulatorProvider)
}


def get_provider(name: str | None = None) -> PaymentProvider:
    """The provider called `name` (default: the configured one), configured from the app.

    The simulator refuses to be built in production configuration (RuntimeError).
    """
    config = current_app.config
    name = (name or config["PAYMENT_PROVIDER"]).lower()
    provider = PROVIDERS.get(name)
    if provider is None:
        raise RuntimeError(f"Unknown payment provider {name!r}")
    return provider(config)
