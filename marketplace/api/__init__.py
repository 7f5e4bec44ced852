"""The JSON API under /api/v1: bearer-token auth, OpenAPI document, one error format."""

from flask import Flask

from marketplace.extensions import api, csrf


def init_api(app: Flask) -> None:
    from marketplace.api.auth import BEARER_SCHEME, reject_invalid_token
    from marketplace.donations.api import blp as donations_blp
    from marketplace.exchange.api import blp as exchange_blp
    from marketplace.figures.api import blp as figures_blp
    from marketplace.impact.api import blp as impact_blp
    from marketplace.initiatives.api import blp as initiatives_blp
    from marketplace.organisations.api import blp as organisations_blp
    from marketplace.portfolios.api import blp as portfolios_blp
    from marketplace.reporting.api import blp as reporting_blp

    api.init_app(app)
    app.before_request(reject_invalid_token)
    api.spec.components.security_scheme("bearerAuth", BEARER_SCHEME)
    blueprints = (
        initiatives_blp,
        impact_blp,
        figures_blp,
        donations_blp,
        organisations_blp,
        portfolios_blp,
        exchange_blp,
        reporting_blp,
    )
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)  # token-authenticated, never cookie-authenticated
