"""Initiative pages: the public list, detail pages, and the owners' edit pages."""

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.accounts.forms import EmptyForm
from marketplace.accounts.views import show_errors
from marketplace.errors import InvalidInput
from marketplace.initiatives import services
from marketplace.initiatives.forms import CoOwnerForm, InitiativeForm
from marketplace.initiatives.models import THEME_LABELS, InitiativeStatus
from marketplace.initiatives.page import page_sections
from marketplace.inputs import page_arg
from marketplace.pagecache import cached_page
from marketplace.uploads import stored_path

bp = Blueprint("initiatives", __name__, url_prefix="/initiatives")


@bp.route("")
@cached_page(lambda: ["initiatives"])
def index():
    page = page_arg()
    filters = {
        "theme": request.args.get("theme") or None,
        "municipality": request.args.get("municipality") or None,
        "q": request.args.get("q") or None,
    }
    try:
        pagination = services.search_initiatives(page=page, **filters)
    except InvalidInput:
        abort(404)
    return render_template(
        "initiatives/index.html",
        pagination=pagination,
        filters=filters,
        themes=THEME_LABELS,
        municipalities=services.municipalities_with_initiatives(),
    )


@bp.route("/mine")
@login_required
def mine():
    return render_template(
        "initiatives/mine.html", initiatives=services.initiatives_owned_by(current_user)
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    form = InitiativeForm()
    if form.validate_on_submit():
        try:
            initiative = services.create_initiative(current_user, form.service_data())
            if form.photo.data:
                services.set_photo(initiative, current_user, form.photo.data.stream)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("Your initiative is saved as a draft. Publish it when it is ready."), "success")
            _warn_when_not_placed(initiative)
            return redirect(url_for("initiatives.detail", slug=initiative.slug))
    status = 422 if form.errors else 200
    return render_template("initiatives/form.html", form=form, initiative=None), status


def _warn_when_not_placed(initiative) -> None:
    """Saving works without the geocoder; the owner learns that the map has to wait."""
    if services.needs_placing(initiative):
        flash(
            _(
                "We could not find postcode %(postcode)s on the map just now, so your initiative "
                "is not on the map yet. Everything else is saved; save again later to try once "
                "more.",
                postcode=initiative.postcode,
            ),
            "warning",
        )


@bp.route("/<slug>")
@cached_page(lambda slug: [f"initiative:{services.initiative_id_for_slug(slug)}", "exchange"])
def detail(slug: str):
    initiative = services.get_initiative_by_slug(slug, current_user)
    return render_template(
        "initiatives/detail.html",
        initiative=initiative,
        button_form=EmptyForm(),
        **page_sections(initiative),
    )


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    initiative = services.get_initiative_by_slug(slug, current_user)
    services.require_editor(initiative, current_user)
    form = InitiativeForm(obj=initiative)
    if request.method == "GET":
        form.theme.data = initiative.theme.value
        form.funding_goal.data = f"{initiative.funding_goal_cents / 100:.2f}"
    if form.validate_on_submit():
        try:
            services.update_initiative(initiative, current_user, form.service_data())
            if form.photo.data:
                services.set_photo(initiative, current_user, form.photo.data.stream)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("Your changes are saved."), "success")
            _warn_when_not_placed(initiative)
            return redirect(url_for("initiatives.detail", slug=initiative.slug))
    status = 422 if form.errors else 200
    return render_template("initiatives/form.html", form=form, initiative=initiative), status


@bp.route("/<slug>/owners", methods=["GET", "POST"])
@login_required
def owners(slug: str):
    initiative = services.get_initiative_by_slug(slug, current_user)
    services.require_editor(initiative, current_user)
    form = CoOwnerForm()
    if form.validate_on_submit():
        try:
            owner = services.add_co_owner(initiative, current_user, form.email.data)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("%(name)s is now a co-owner.", name=owner.name), "success")
            return redirect(url_for("initiatives.owners", slug=slug))
    status = 422 if form.errors else 200
    return render_template(
        "initiatives/owners.html", initiative=initiative, form=form, button_form=EmptyForm()
    ), status


@bp.route("/<slug>/owners/<int:owner_id>/remove", methods=["POST"])
@login_required
def remove_owner(slug: str, owner_id: int):
    initiative = services.get_initiative_by_slug(slug, current_user)
    if EmptyForm().validate_on_submit():
        try:
            services.remove_co_owner(initiative, current_user, owner_id)
        except InvalidInput as error:
            flash(error.message, "error")
    return redirect(url_for("initiatives.owners", slug=slug))


@bp.route("/<slug>/publish", methods=["POST"])
@login_required
def publish(slug: str):
    return _change_status(slug, InitiativeStatus.PUBLISHED, _("The initiative is published."))


@bp.route("/<slug>/unpublish", methods=["POST"])
@login_required
def unpublish(slug: str):
    return _change_status(slug, InitiativeStatus.DRAFT, _("The initiative is back in draft."))


def _change_status(slug: str, status: InitiativeStatus, message: str):
    initiative = services.get_initiative_by_slug(slug, current_user)
    if EmptyForm().validate_on_submit():
        services.set_status(initiative, current_user, status)
        flash(message, "success")
    return redirect(url_for("initiatives.detail", slug=initiative.slug))


@bp.route("/<slug>/photo")
def photo(slug: str):
    initiative = services.get_initiative_by_slug(slug, current_user)
    if not initiative.photo_filename:
        abort(404)
    path = stored_path("initiatives", initiative.photo_filename)
    if not path.exists():
        abort(404)
    response = send_file(path, mimetype=initiative.photo_content_type, max_age=3600)
    response.headers["Content-Disposition"] = "inline"
    return response
