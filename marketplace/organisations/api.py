"""JSON API for organisations and their members (members only: anybody else gets 404)."""

from flask_smorest import Blueprint

from marketplace.api.auth import BEARER, require_api_user
from marketplace.organisations import services
from marketplace.organisations.schemas import (
    AcceptInputSchema,
    InvitationSchema,
    InviteInputSchema,
    MemberSchema,
    OrganisationInputSchema,
    OrganisationSchema,
    RoleInputSchema,
)

blp = Blueprint(
    "api_organisations",
    __name__,
    url_prefix="/api/v1/organisations",
    description="Organisations (foundations, impact investors, companies) and their staff",
)


def organisation_json(org, role) -> dict:
    return {
        "id": org.id,
        "name": org.name,
        "slug": org.slug,
        "kind": org.kind.value,
        "created_at": org.created_at,
        "role": getattr(role, "value", role),
    }


@blp.route("")
@blp.response(200, OrganisationSchema(many=True))
@blp.doc(security=BEARER)
def list_organisations():
    """The organisations you are a member of, with your role."""
    user = require_api_user()
    return [organisation_json(m.organisation, m.role) for m in services.memberships_of(user)]


@blp.route("", methods=["POST"])
@blp.arguments(OrganisationInputSchema)
@blp.response(201, OrganisationSchema)
@blp.doc(security=BEARER)
def create_organisation(data):
    """Create an organisation; you become its owner."""
    user = require_api_user()
    org = services.create_organisation(user, data["name"], data["kind"])
    return organisation_json(org, "owner")


@blp.route("/<int:organisation_id>")
@blp.response(200, OrganisationSchema)
@blp.doc(security=BEARER)
def get_organisation(organisation_id: int):
    """One of your organisations."""
    user = require_api_user()
    org = services.require_member(organisation_id, user)
    return organisation_json(org, services.membership_role(org, user))


@blp.route("/<int:organisation_id>/members")
@blp.response(200, MemberSchema(many=True))
@blp.doc(security=BEARER)
def list_members(organisation_id: int):
    """The organisation's members and their roles."""
    user = require_api_user()
    org = services.require_member(organisation_id, user)
    return services.members_of(org)


@blp.route("/<int:organisation_id>/members", methods=["POST"])
@blp.arguments(InviteInputSchema)
@blp.response(201, InvitationSchema)
@blp.doc(security=BEARER)
def invite_member(data, organisation_id: int):
    """Invite someone by e-mail with a role (owners only); they get a signed link by e-mail."""
    user = require_api_user()
    invitation, _token = services.invite_member(organisation_id, user, data["email"], data["role"])
    return invitation


@blp.route("/<int:organisation_id>/invitations")
@blp.response(200, InvitationSchema(many=True))
@blp.doc(security=BEARER)
def list_invitations(organisation_id: int):
    """Open invitations (owners only)."""
    user = require_api_user()
    org = services.require_member(organisation_id, user, roles=("owner",))
    return services.open_invitations(org)


@blp.route("/<int:organisation_id>/invitations/<int:invitation_id>", methods=["DELETE"])
@blp.response(204)
@blp.doc(security=BEARER)
def revoke_invitation(organisation_id: int, invitation_id: int):
    """Withdraw an open invitation (owners only)."""
    user = require_api_user()
    services.revoke_invitation(organisation_id, user, invitation_id)


@blp.route("/invitations/accept", methods=["POST"])
@blp.arguments(AcceptInputSchema)
@blp.response(200, OrganisationSchema)
@blp.doc(security=BEARER)
def accept_invitation(data):
    """Accept an invitation sent to your e-mail address (the token from the link)."""
    user = require_api_user()
    org = services.accept_invitation(data["token"], user)
    return organisation_json(org, services.membership_role(org, user))


@blp.route("/<int:organisation_id>/members/<int:user_id>", methods=["PATCH"])
@blp.arguments(RoleInputSchema)
@blp.response(200, MemberSchema)
@blp.doc(security=BEARER)
def change_role(data, organisation_id: int, user_id: int):
    """Change a member's role (owners only; the last owner cannot step down: 409)."""
    user = require_api_user()
    return services.change_role(organisation_id, user, user_id, data["role"])


@blp.route("/<int:organisation_id>/members/<int:user_id>", methods=["DELETE"])
@blp.response(204)
@blp.doc(security=BEARER)
def remove_member(organisation_id: int, user_id: int):
    """Remove a member (owners), or leave yourself; the last owner stays (409)."""
    user = require_api_user()
    services.remove_member(organisation_id, user, user_id)
