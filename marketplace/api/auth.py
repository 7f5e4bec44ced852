"""Bearer-token authentication for the JSON API (`Authorization: Bearer <token>`)."""

from flask import g, request
from flask_babel import gettext as _
from werkzeug.exceptions import Unauthorized

from marketplace.accounts.models import User
from marketplace.accounts.services import user_for_api_token
from marketplace.errors import NotAllowed

BEARER_SCHEME = {"type": "http", "scheme": "bearer"}
# `@blp.doc(security=BEARER)`: the endpoint takes the token of the scheme registered above.
BEARER = [{"bearerAuth": []}]


class TokenRequired(Unauthorized):
    description = "A valid API token is required: send 'Authorization: Bearer <token>'."

    def get_headers(self, environ=None, scope=None):
        return [*super().get_headers(environ, scope), ("WWW-Authenticate", 'Bearer realm="api"')]


def api_user() -> User | None:
    """The user of the request's bearer token, or None when none (or an invalid one) was sent."""
    if "api_user" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _sep, token = header.partition(" ")
        g.api_user = None
        if scheme.lower() == "bearer" and token.strip():
            g.api_user = user_for_api_token(token.strip())
            if g.api_user is None:
                raise TokenRequired(_("The API token is invalid or revoked."))
    return g.api_user


def reject_invalid_token() -> None:
    """Before every API request: a token that was sent must be valid, even where it is optional."""
    if request.path.startswith("/api/"):
        api_user()


def require_api_user() -> User:
    user = api_user()
    if user is None:
        raise TokenRequired()
    return user


def require_admin() -> User:
    user = require_api_user()
    if not user.is_admin:
        raise NotAllowed(_("Only administrators may do this."))
    return user


class Anonymous:
    """Stands in for a user when no token was sent (object checks treat it as logged out)."""

    is_authenticated = False
    is_admin = False
    is_verifier = False
    id = None


ANONYMOUS = Anonymous()


def api_user_or_anonymous():
    return api_user() or ANONYMOUS
