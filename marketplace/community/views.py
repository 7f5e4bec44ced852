"""Community pages: follow buttons, the feed and its settings, people's and organisations'
public profiles, one's own profile settings, and the digest's one-click unsubscribe."""

from datetime import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from marketplace.accounts.forms import EmptyForm
from marketplace.accounts.views import show_errors
from marketplace.community import digest, follows, preferences, profiles
from marketplace.community.feed import feed_page, merged_items
from marketplace.community.forms import FeedSettingsForm, ProfileForm
from marketplace.community.models import SubjectType
from marketplace.community.registry import FeedScope
from marketplace.errors import InvalidInput, NotFound
from marketplace.extensions import csrf, db
from marketplace.organisations.models import Organisation
from marketplace.security import safe_next
from marketplace.timeutil import as_utc
from marketplace.uploads import stored_path

bp = Blueprint("community", __name__)


@bp.app_context_processor
def community_helpers():
    return {"follow_targets": _targets, "follower_count": follows.follower_count}


def _targets(subject_type: str, key) -> list[dict]:
    return follows.follow_targets(current_user, SubjectType(subject_type), key)


@bp.route("/follow", methods=["POST"])
@login_required
def follow():
    """Follow (or, with action=unfollow, stop following) from a button on any page."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    form = request.form
    args = (form.get("subject_type"), form.get("subject_id"), form.get("organisation_id"))
    try:
        if form.get("action") == "unfollow":
            follows.unfollow(current_user, *args)
        else:
            follows.follow(current_user, *args)
    except InvalidInput as error:
        flash(error.message, "error")
    return redirect(safe_next(form.get("next"), url_for("community.feed")))


@bp.route("/feed")
@login_required
def feed():
    """The logged-in person's feed, newest first; `before` pages on."""
    before = request.args.get("before") or None
    try:
        cursor = _cursor(before)
    except ValueError:
        abort(404)
    page = feed_page(current_user, cursor)
    return render_template(
        "community/feed.html", page=page, follows=follows.follows_of(current_user)
    )


def _cursor(text: str | None):
    if text is None:
        return None
    return as_utc(datetime.fromisoformat(text))


@bp.route("/feed/settings", methods=["GET", "POST"])
@login_required
def feed_settings():
    """Postcode and radius of the feed, and the digest."""
    saved = preferences.settings_of(current_user)
    form = FeedSettingsForm(
        data={"postcode": saved.postcode, "radius_km": str(saved.radius_km), "digest": saved.digest}
    )
    if form.validate_on_submit():
        try:
            preferences.save_settings(
                current_user, form.postcode.data, form.radius_km.data, form.digest.data
            )
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("Your feed settings are saved."), "success")
            return redirect(url_for("community.feed"))
    status = 422 if form.errors else 200
    return render_template("community/feed_settings.html", form=form), status


@bp.route("/people/<handle>")
def person(handle: str):
    """A public profile (one's own also while private); 404 for anybody else."""
    profile = profiles.public_profile(handle, current_user)
    return render_template(
        "community/person.html",
        profile=profile,
        person=profile.user,
        sections=profiles.visible_sections(profile, current_user),
        shows_follows=profiles.shows_follows(profile, current_user),
        followed=follows.follows_of(profile.user),
        followers=follows.follower_count(SubjectType.PERSON, profile.user_id),
        button_form=EmptyForm(),
    )


@bp.route("/people/<handle>/avatar")
def avatar(handle: str):
    profile = profiles.public_profile(handle, current_user)
    if not profile.avatar_filename:
        abort(404)
    path = stored_path("avatars", profile.avatar_filename)
    if not path.exists():
        abort(404)
    return _image(path, profile.avatar_content_type)


def _image(path, content_type: str):
    response = send_file(path, mimetype=content_type, max_age=3600)
    response.headers["Content-Disposition"] = "inline"
    return response


@bp.route("/account/public-profile", methods=["GET", "POST"])
@login_required
def edit_profile():
    """One's own public profile: handle, public or not, what it shows."""
    saved = profiles.profile_of(current_user)
    form = ProfileForm(obj=saved)
    form.shown_sections.choices = [(c.key, c.label) for c in profiles.section_choices()]
    if form.validate_on_submit():
        avatar_file = form.avatar.data or None
        try:
            profile = profiles.save_profile(
                current_user, form.data, avatar_file.stream if avatar_file else None
            )
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("community.person", handle=profile.handle))
    status = 422 if form.errors else 200
    return render_template("community/profile_form.html", form=form, profile=saved), status


@bp.route("/organisations/<int:organisation_id>/profile")
def organisation(organisation_id: int):
    """An organisation's public page: follower count, follow button, its events and tasks."""
    org = db.session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound(_("This organisation does not exist."))
    empty = select(Organisation.id).where(Organisation.id.is_(None))
    scope = FeedScope(
        initiative_ids=empty,
        organisation_ids=select(Organisation.id).where(Organisation.id == org.id),
        person_ids=empty,
        before=None,
        limit=10,
    )
    return render_template(
        "community/organisation.html",
        organisation=org,
        followers=follows.follower_count(SubjectType.ORGANISATION, org.id),
        items=merged_items(scope),
        button_form=EmptyForm(),
    )


@bp.route("/digest/unsubscribe/<token>", methods=["GET"])
def unsubscribe(token: str):
    """The digest's link: a confirm button (GET changes nothing)."""
    digest.user_for_token(token)
    return render_template("community/unsubscribe.html", token=token, done=False)


@bp.route("/digest/unsubscribe/<token>", methods=["POST"])
@csrf.exempt  # RFC 8058 one-click: the mail client POSTs without a session; the token is proof
def unsubscribe_post(token: str):
    """One-click unsubscribe (RFC 8058), and the confirm button of the page above."""
    digest.unsubscribe(token)
    if request.form.get("List-Unsubscribe") == "One-Click":
        return Response(status=204)
    return render_template("community/unsubscribe.html", token=token, done=True)
