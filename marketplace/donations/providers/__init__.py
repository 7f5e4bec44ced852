"""Payment providers: pick one by name (`PAYMENT_PROVIDER`), built fresh from the config."""

from flask import current_app

from marketplace.donations.providers.base import PaymentProvider


def get_provider(name: str | None = None) -> PaymentProvider:
    """The provider called `name` (default: the configured one), configured from the app."""
    config = current_app.config
    name = (name or config["PAYMENT_PROVIDER"]).lower()
    if name == "mollie":
        from marketplace.donations.providers.mollie import MollieProvider

        return MollieProvider(config)
    if name == "stripe":
        from marketplace.donations.providers.stripe import StripeProvider

        return StripeProvider(config)
    if name == "simulator":
        if config.get("IMPACTBEURS_ENV") == "production":
            raise RuntimeError("The payment simulator is refused in production")
        from marketplace.donations.providers.simulator import SimulatorProvider

        return SimulatorProvider(config)
    raise RuntimeError(f"Unknown payment provider {name!r}")
