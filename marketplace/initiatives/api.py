"""JSON API for initiatives: list, create, read, edit."""

from flask_smorest import Blueprint

from marketplace.api.auth import BEARER, api_user_or_anonymous, require_api_user
from marketplace.api.schemas import page_envelope
from marketplace.initiatives import services
from marketplace.initiatives.models import InitiativeStatus
from marketplace.initiatives.schemas import (
    InitiativeInputSchema,
    InitiativePageSchema,
    InitiativePatchSchema,
    InitiativeQuerySchema,
    InitiativeSchema,
)

blp = Blueprint(
    "api_initiatives", __name__, url_prefix="/api/v1/initiatives", description="Initiatives"
)


@blp.route("")
@blp.arguments(InitiativeQuerySchema, location="query")
@blp.response(200, InitiativePageSchema)
def list_initiatives(query):
    """Published initiatives, filtered by theme, municipality and free text (q)."""
    pagination = services.search_initiatives(
        theme=query.get("theme"),
        municipality=query.get("municipality"),
        q=query.get("q"),
        page=query["page"],
        per_page=query["per_page"],
    )
    return page_envelope(pagination, list(pagination.items))


@blp.route("", methods=["POST"])
@blp.arguments(InitiativeInputSchema)
@blp.response(201, InitiativeSchema)
@blp.doc(security=BEARER)
def create_initiative(data):
    """Create an initiative (draft); the caller becomes its owner."""
    user = require_api_user()
    data.pop("currency", None)
    return services.create_initiative(user, data)


@blp.route("/<int:initiative_id>")
@blp.response(200, InitiativeSchema)
def get_initiative(initiative_id: int):
    """One initiative; drafts only for their owners and admins."""
    return services.get_initiative(initiative_id, api_user_or_anonymous())


@blp.route("/<int:initiative_id>", methods=["PATCH"])
@blp.arguments(InitiativePatchSchema)
@blp.response(200, InitiativeSchema)
@blp.doc(security=BEARER)
def patch_initiative(data, initiative_id: int):
    """Change fields or `status` (draft|published); owners and admins only."""
    user = require_api_user()
    initiative = services.get_initiative(initiative_id, user)
    data.pop("currency", None)
    status = data.pop("status", None)
    services.require_editor(initiative, user)
    if data:
        services.update_initiative(initiative, user, data)
    if status:
        services.set_status(initiative, user, InitiativeStatus(status))
    return initiative
