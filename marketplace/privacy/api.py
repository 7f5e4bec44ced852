"""JSON API for privacy: your data as a zip, deleting your account; admins for someone else."""

from flask import Response
from flask_smorest import Blueprint

from marketplace.accounts.models import User
from marketplace.api.auth import BEARER, require_api_user
from marketplace.errors import NotFound
from marketplace.extensions import db, limiter
from marketplace.privacy.erasure import erase_person
from marketplace.privacy.export import export_person
from marketplace.privacy.schemas import PasswordSchema
from marketplace.privacy.views import privacy_rate_limit, zip_response

blp = Blueprint("api_privacy", __name__, url_prefix="/api/v1", description="Your data (AVG/GDPR)")
ZIP = {"200": {"description": "A zip of JSON and CSV files", "content": {"application/zip": {}}}}


def someone(user_id: int) -> tuple[User, User]:
    """(the admin, the person); for anybody but an admin: 404, whether the person exists or not."""
    admin = require_api_user()
    user = db.session.get(User, user_id)
    if not admin.is_admin or user is None or user.erased_at is not None:
        raise NotFound()
    return admin, user


@blp.route("/me/export")
@limiter.limit(privacy_rate_limit)
@blp.doc(security=BEARER, responses=ZIP)
def export_me() -> Response:
    """All your data as a zip of JSON and CSV files."""
    user = require_api_user()
    return zip_response(*export_person(user, user, via="api"))


@blp.route("/me", methods=["DELETE"])
@limiter.limit(privacy_rate_limit)
@blp.arguments(PasswordSchema)
@blp.response(204)
@blp.doc(security=BEARER)
def delete_me(data):
    """Delete your account, confirmed with `{"password": ...}`: 204. A wrong password: 403, and
    nothing changes."""
    user = require_api_user()
    erase_person(user, user, data["password"], via="api")


@blp.route("/users/<int:user_id>/export")
@blp.doc(security=BEARER, responses=ZIP)
def export_someone(user_id: int) -> Response:
    """Admins: someone's data, at their request (anybody else: 404)."""
    admin, user = someone(user_id)
    return zip_response(*export_person(user, admin, via="api"))


@blp.route("/users/<int:user_id>", methods=["DELETE"])
@limiter.limit(privacy_rate_limit)
@blp.arguments(PasswordSchema)
@blp.response(204)
@blp.doc(security=BEARER)
def delete_someone(data, user_id: int):
    """Admins: erase someone's account at their request, confirmed with the admin's password."""
    admin, user = someone(user_id)
    erase_person(user, admin, data["password"], via="api")
