"""Updates on the initiative page: the owners' form, the photos, the Atom feed per initiative."""

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.accounts.views import show_errors
from marketplace.community import updates
from marketplace.community.forms import UpdateForm
from marketplace.errors import InvalidInput, NotAllowed
from marketplace.initiatives.services import get_initiative_by_slug
from marketplace.text import render_markdown
from marketplace.uploads import stored_path

bp = Blueprint("updates", __name__)


def initiative_section(initiative) -> dict:
    """The initiative page's updates (a section registered by the app factory)."""
    return {"updates": updates.updates_of(initiative.id) if initiative.is_published else []}


@bp.route("/initiatives/<slug>/updates/new", methods=["GET", "POST"])
@login_required
def new_update(slug: str):
    """Post an update (the initiative's owners)."""
    initiative = get_initiative_by_slug(slug, current_user)
    if not initiative.is_owned_by(current_user):
        raise NotAllowed(_("Only the initiative's owners can post updates."))
    form = UpdateForm()
    form.outcome_report_id.choices = [("", _("None"))] + [
        (str(i), _("Outcome report %(id)d", id=i)) for i in updates.accepted_reports(initiative.id)
    ]
    if form.validate_on_submit():
        data = {k: form[k].data for k in ("title", "body", "outcome_report_id", "event_id")}
        photos = [f.stream for f in (form.photos.data or []) if getattr(f, "filename", "")]
        try:
            if not initiative.is_published:
                raise InvalidInput(_("Publish the initiative first."), {})
            updates.post_update(initiative, current_user, data, photos)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("Your update is published."), "success")
            return redirect(url_for("initiatives.detail", slug=slug))
    status = 422 if form.errors else 200
    return render_template("community/update_form.html", form=form, initiative=initiative), status


@bp.route("/updates/<int:update_id>/photos/<int:position>")
def photo(update_id: int, position: int):
    found = updates.get_photo(update_id, position)
    path = stored_path("updates", found.filename)
    if not path.exists():
        abort(404)
    response = send_file(path, mimetype=found.content_type, max_age=86400)
    response.headers["Content-Disposition"] = "inline"
    return response


@bp.route("/initiatives/<slug>/updates.atom")
def atom(slug: str):
    """The initiative's updates as an Atom feed (bodies sanitised, as on the page)."""
    initiative = get_initiative_by_slug(slug, None)
    entries = [(u, render_markdown(u.body)) for u in updates.updates_of(initiative.id, 50)]
    body = render_template("community/updates.atom.xml", initiative=initiative, entries=entries)
    return body, 200, {"Content-Type": "application/atom+xml; charset=utf-8"}
