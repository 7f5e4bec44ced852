"""JSON API for the shared figures: an initiative's social return."""

from flask import jsonify
from flask_smorest import Blueprint

from marketplace.api.auth import api_user_or_anonymous
from marketplace.figures.schemas import SocialReturnSchema, social_return_json
from marketplace.figures.social_return import social_return as initiative_social_return
from marketplace.initiatives.services import get_initiative
from marketplace.pagecache import cached_page

blp = Blueprint("api_figures", __name__, url_prefix="/api/v1", description="Social return")


@blp.route("/initiatives/<int:initiative_id>/social-return")
@blp.response(200, SocialReturnSchema)
@cached_page(lambda initiative_id: [f"initiative:{initiative_id}"])
def social_return(initiative_id: int):
    """Inputs, present value, NPV, SROI ratio, payback, breakdowns, sensitivity, monthly series."""
    initiative = get_initiative(initiative_id, api_user_or_anonymous())
    # Already plain strings: answered as built, the schema documents it.
    return jsonify(social_return_json(initiative_social_return(initiative)))
