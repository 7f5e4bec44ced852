"""Privacy pages: your data as a zip, deleting your account, and the admins' requests page."""

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from marketplace.accounts.models import User
from marketplace.accounts.services import find_user_by_email
from marketplace.errors import NotAllowed, NotFound, ServiceUnavailable
from marketplace.extensions import db, limiter
from marketplace.privacy import logins
from marketplace.privacy.erasure import erase_person
from marketplace.privacy.export import export_person
from marketplace.privacy.forms import AdminEraseForm, DeleteAccountForm, FindPersonForm
from marketplace.privacy.retention import retention_periods

bp = Blueprint("privacy", __name__)


def privacy_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.app_template_global()
def privacy_account_context(user) -> dict:
    """What the privacy block on the account page needs: your log-ins and requests."""
    return {"logins": logins.recent_logins(user), "requests": logins.recent_requests(user)}


@bp.app_template_global()
def privacy_retention_periods():
    """The retention periods, for the privacy statement (`privacy/_retention.html`)."""
    return retention_periods()


def zip_response(filename: str, archive: bytes) -> Response:
    return Response(
        archive,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/account/export")
@login_required
@limiter.limit(privacy_rate_limit)
def export():
    """All your data as a zip of JSON and CSV files."""
    return zip_response(*export_person(current_user, current_user))


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
@limiter.limit(privacy_rate_limit, methods=["POST"])
def delete_account():
    """Delete your account, confirmed with your password (403 and nothing changes without)."""
    form = DeleteAccountForm()
    status = 200
    if form.validate_on_submit():
        try:
            erase_person(current_user._get_current_object(), current_user, form.password.data)
        except NotAllowed as error:
            form.password.errors = [*form.password.errors, error.message]
            status = 403
        except ServiceUnavailable as error:
            flash(error.message, "error")
            status = 503
        else:
            logout_user()
            flash(_("Your account and your personal data have been deleted."), "success")
            return redirect(url_for("pages.home"))
    elif request.method == "POST":
        status = 422
    return render_template("privacy/delete.html", form=form, periods=retention_periods()), status


# -------------------------------------------------------------------------------- admin
def person_for_admin(user_id: int) -> User:
    """A person an admin acts for; anybody else asking gets 404 (no hint the page exists)."""
    if not current_user.is_authenticated or not current_user.is_admin:
        raise NotFound()
    user = db.session.get(User, user_id)
    if user is None or user.erased_at is not None:
        raise NotFound()
    return user


@bp.route("/admin/privacy")
@login_required
def admin_requests():
    """Find a person to carry out a request for."""
    if not current_user.is_admin:
        raise NotFound()
    form = FindPersonForm(request.args)
    found = None
    if request.args.get("email") and form.validate():
        found = find_user_by_email(form.email.data)
        if found is None or found.erased_at is not None:
            flash(_("No account with this e-mail address."), "info")
            found = None
    return render_template("privacy/admin.html", form=form, found=found)


@bp.route("/admin/privacy/users/<int:user_id>")
@login_required
def admin_person(user_id: int):
    user = person_for_admin(user_id)
    return render_template(
        "privacy/admin_person.html",
        person=user,
        form=AdminEraseForm(),
        requests=logins.recent_requests(user),
    )


@bp.route("/admin/privacy/users/<int:user_id>/export")
@login_required
def admin_export(user_id: int):
    """Someone's data, exported by an admin at their request."""
    return zip_response(*export_person(person_for_admin(user_id), current_user))


@bp.route("/admin/privacy/users/<int:user_id>/erase", methods=["POST"])
@login_required
@limiter.limit(privacy_rate_limit)
def admin_erase(user_id: int):
    """Erase someone's account at their request, confirmed with the admin's own password."""
    user = person_for_admin(user_id)
    form = AdminEraseForm()
    if not form.validate_on_submit():
        flash(_("Enter your password to confirm."), "error")
        return redirect(url_for("privacy.admin_person", user_id=user_id))
    try:
        erase_person(user, current_user, form.password.data)
    except NotAllowed as error:
        flash(error.message, "error")
        return redirect(url_for("privacy.admin_person", user_id=user_id)), 303
    except ServiceUnavailable as error:
        flash(error.message, "error")
        return redirect(url_for("privacy.admin_person", user_id=user_id))
    flash(_("The account has been erased."), "success")
    return redirect(url_for("privacy.admin_requests"))
