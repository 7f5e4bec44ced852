"""Account pages: register, log in/out, passwords, the account page with API tokens."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from marketplace.accounts import registration, services
from marketplace.accounts.forms import (
    ApiTokenForm,
    ChangePasswordForm,
    EmptyForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
)
from marketplace.errors import InvalidInput
from marketplace.extensions import limiter
from marketplace.i18n import select_locale
from marketplace.security import safe_next

bp = Blueprint("accounts", __name__, url_prefix="/account")


def login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def show_errors(form, error: InvalidInput) -> None:
    """Put a service's validation error on the matching form fields (or flash it)."""
    placed = False
    for name, messages in error.errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*field.errors, *messages]
            placed = True
    if not placed:
        flash(error.message, "error")


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(login_rate_limit, methods=["POST"])
def register():
    """Register: the same answer whether or not the address has an account."""
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            email = registration.register_account(
                form.email.data, form.password.data, form.name.data, locale=select_locale()
            )
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(
                _(
                    "Almost done: we have sent an e-mail to %(email)s. Open the link in it to "
                    "confirm your address, then log in.",
                    email=email,
                ),
                "success",
            )
            return redirect(url_for("accounts.login"))
    return render_template("accounts/register.html", form=form), 422 if form.errors else 200


@bp.route("/confirm/<token>")
def confirm(token: str):
    """The link from the confirmation mail: the address is confirmed, log-in is open."""
    if registration.confirm_email(token) is None:
        flash(
            _("This confirmation link is invalid or has expired. Log in to get a new one."), "error"
        )
    else:
        flash(_("Your e-mail address is confirmed. You can log in now."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_rate_limit, methods=["POST"])
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            flash(_("E-mail address or password is not correct."), "error")
        elif not user.is_confirmed:
            registration.send_confirmation(user)
            message = _("Confirm your e-mail address first: we have sent you a new link.")
            flash(message, "warning")
        else:
            login_user(user)
            flash(_("You are logged in."), "success")
            return redirect(safe_next(form.next.data, url_for("accounts.account")))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        services.end_all_sessions(current_user)
        logout_user()
        flash(_("You are logged out."), "success")
    return redirect(url_for("pages.home"))


@bp.route("", methods=["GET"])
@login_required
def account():
    return render_account()


def render_account(new_token: str | None = None, token_form=None, profile_form=None):
    profile_form = profile_form or ProfileForm(name=current_user.name, locale=current_user.locale)
    return render_template(
        "accounts/account.html",
        profile_form=profile_form,
        token_form=token_form or ApiTokenForm(),
        button_form=EmptyForm(),
        tokens=[t for t in current_user.tokens if t.is_active],
        new_token=new_token,
    )


@bp.route("/profile", methods=["POST"])
@login_required
def update_profile():
    form = ProfileForm()
    if form.validate_on_submit():
        services.update_profile(current_user, form.name.data, form.locale.data)
        session["lang"] = form.locale.data
        flash(_("Your details are saved."), "success")
        return redirect(url_for("accounts.account"))
    return render_account(profile_form=form), 422


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except InvalidInput as error:
            show_errors(form, error)
        else:
            # The session version changed: log this browser in again with the new one.
            login_user(current_user._get_current_object())
            flash(_("Your password is changed. Other devices are logged out."), "success")
            return redirect(url_for("accounts.account"))
    status = 422 if form.errors else 200
    return render_template("accounts/change_password.html", form=form), status


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(login_rate_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(
            _("If an account exists for this address, we have sent a link to reset the password."),
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    if services.user_for_reset_token(token) is None:
        flash(_("This reset link is invalid or has expired."), "error")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.new_password.data)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("Your password is changed. You can log in now."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form, token=token)


@bp.route("/tokens", methods=["POST"])
@login_required
def create_token():
    form = ApiTokenForm()
    if not form.validate_on_submit():
        return render_account(token_form=form), 422
    _token, plaintext = services.create_api_token(current_user, form.label.data)
    flash(_("Copy your new token now: it is shown only once."), "warning")
    return render_account(new_token=plaintext)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    if EmptyForm().validate_on_submit():
        services.revoke_api_token(current_user, token_id)
        flash(_("The token is revoked."), "success")
    return redirect(url_for("accounts.account"))
