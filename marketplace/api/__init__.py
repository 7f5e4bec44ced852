"""The JSON API under /api/v1: bearer-token auth, OpenAPI document, one error format."""

from flask import Flask

from marketplace.extensions import api, csrf


def init_api(app: Flask) -> None:
    from marketplace.api.auth import BEARER_SCHEME, reject_invalid_token
    from marketplace.initiatives.api import blp as initiatives_blp

    api.init_app(app)
    app.before_request(reject_invalid_token)
    api.spec.components.security_scheme("bearerAuth", BEARER_SCHEME)
    for blueprint in (initiatives_blp,):
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)  # token-authenticated, never cookie-authenticated
