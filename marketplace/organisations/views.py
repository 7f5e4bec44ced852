"""Organisation pages: list and create, members and invitations, accepting an invitation."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.accounts.forms import EmptyForm
from marketplace.accounts.views import show_errors
from marketplace.errors import InvalidInput
from marketplace.organisations import services
from marketplace.organisations.forms import InviteForm, OrganisationForm, RoleForm

bp = Blueprint("organisations", __name__, url_prefix="/organisations")


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    """Your organisations, and a form to create one."""
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            org = services.create_organisation(current_user, form.name.data, form.kind.data)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("The organisation was created. Invite your colleagues."), "success")
            return redirect(url_for("organisations.detail", organisation_id=org.id))
    status = 422 if form.errors else 200
    return render_template(
        "organisations/index.html", memberships=services.memberships_of(current_user), form=form
    ), status


@bp.route("/<int:organisation_id>")
@login_required
def detail(organisation_id: int):
    """Members, roles and open invitations (members only)."""
    org = services.require_member(organisation_id, current_user)
    return _detail_page(org, InviteForm())


def _detail_page(org, invite_form, status=200):
    role = services.membership_role(org, current_user)
    return render_template(
        "organisations/detail.html",
        organisation=org,
        role=role,
        members=services.members_of(org),
        invitations=services.open_invitations(org) if role == "owner" else [],
        invite_form=invite_form,
        role_form=RoleForm(),
        button_form=EmptyForm(),
    ), status


@bp.route("/<int:organisation_id>/invite", methods=["POST"])
@login_required
def invite(organisation_id: int):
    org = services.require_member(organisation_id, current_user, roles=("owner",))
    form = InviteForm()
    if form.validate_on_submit():
        try:
            services.invite_member(org.id, current_user, form.email.data, form.role.data)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("The invitation was sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("organisations.detail", organisation_id=org.id))
    return _detail_page(org, form, 422)


@bp.route("/<int:organisation_id>/members/<int:user_id>/role", methods=["POST"])
@login_required
def change_role(organisation_id: int, user_id: int):
    form = RoleForm()
    if form.validate_on_submit():
        services.change_role(organisation_id, current_user, user_id, form.role.data)
        flash(_("The role was changed."), "success")
    return redirect(url_for("organisations.detail", organisation_id=organisation_id))


@bp.route("/<int:organisation_id>/members/<int:user_id>/remove", methods=["POST"])
@login_required
def remove_member(organisation_id: int, user_id: int):
    if EmptyForm().validate_on_submit():
        services.remove_member(organisation_id, current_user, user_id)
        flash(_("The member was removed."), "success")
    if user_id == current_user.id:
        return redirect(url_for("organisations.index"))
    return redirect(url_for("organisations.detail", organisation_id=organisation_id))


@bp.route("/<int:organisation_id>/invitations/<int:invitation_id>/revoke", methods=["POST"])
@login_required
def revoke_invitation(organisation_id: int, invitation_id: int):
    if EmptyForm().validate_on_submit():
        services.revoke_invitation(organisation_id, current_user, invitation_id)
        flash(_("The invitation was withdrawn."), "success")
    return redirect(url_for("organisations.detail", organisation_id=organisation_id))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@login_required
def accept(token: str):
    """Show an invitation and accept it (the invited e-mail address only)."""
    invitation = services.invitation_for_token(token)
    form = EmptyForm()
    if form.validate_on_submit():
        org = services.accept_invitation(token, current_user)
        flash(_("Welcome to %(name)s.", name=org.name), "success")
        return redirect(url_for("portfolios.organisation_portfolio", organisation_id=org.id))
    return render_template("organisations/accept.html", invitation=invitation, form=form)
