"""Pages: find tasks near a postcode (list and map), a task with sign-up and cancel, the owner's
task form and sign-ups with their confirm forms, and a person's own sign-ups."""

from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.accounts.forms import EmptyForm
from marketplace.errors import InvalidInput
from marketplace.initiatives.models import Theme
from marketplace.text import render_markdown
from marketplace.timeutil import AMSTERDAM
from marketplace.volunteering import hours, signups, tasks
from marketplace.volunteering.forms import ConfirmForm, TaskForm
from marketplace.volunteering.tasks import DEFAULT_RADIUS_KM

bp = Blueprint("volunteering", __name__)
RADII = (2, 5, 10, 25, 50)
PAGE_SIZE = 100


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _radius() -> float:
    try:
        radius = int(request.args.get("radius_km", DEFAULT_RADIUS_KM))
    except ValueError:
        return DEFAULT_RADIUS_KM
    return float(radius if radius in RADII else DEFAULT_RADIUS_KM)


@bp.route("/tasks")
def index():
    """Find tasks near a postcode (list and map), by theme and date."""
    near = (request.args.get("near") or "").strip()[:10]
    theme = request.args.get("theme") or None
    theme = theme if theme in {t.value for t in Theme} else None
    search = tasks.Search(
        near=near or None,
        radius_km=_radius(),
        theme=theme,
        first=_date_arg("from"),
        last=_date_arg("to"),
    )
    error, found = None, []
    try:
        found, _total = tasks.find_tasks(search, limit=PAGE_SIZE)
    except InvalidInput:
        error = _("We do not know the postcode “%(postcode)s”.", postcode=near)
    place = tasks.locate_postcode(near) if near and not error else None
    markers = [
        {
            "id": f.task.id,
            "title": f.task.title,
            "lat": float(f.task.latitude),
            "lon": float(f.task.longitude),
            "url": url_for("volunteering.detail", task_id=f.task.id),
        }
        for f in found
        if f.task.latitude is not None
    ]
    return render_template(
        "volunteering/index.html",
        found=found,
        search=search,
        near=near,
        place=place,
        error=error,
        radii=RADII,
        themes=list(Theme),
        markers=markers,
        tile_url=current_app.config["MAP_TILE_URL"],
        tile_attribution=current_app.config["MAP_TILE_ATTRIBUTION"],
    )


@bp.route("/tasks/<int:task_id>")
def detail(task_id: int):
    """One task: when, where, places left; sign up or cancel."""
    task = tasks.get_task(task_id, current_user)
    numbers = tasks.counts([task.id])[task.id]
    own = None
    if current_user.is_authenticated:
        own = next((s for s in signups.signups_of_user(current_user) if s.task_id == task.id), None)
    return render_template(
        "volunteering/detail.html",
        task=task,
        numbers=numbers,
        own=own,
        description=render_markdown(task.description),
        form=EmptyForm(),
    )


@bp.route("/tasks/<int:task_id>/signup", methods=["POST"])
@login_required
def sign_up(task_id: int):
    """Take a place (or a place on the waiting list)."""
    if EmptyForm().validate_on_submit():
        signup, _created = signups.sign_up(task_id, current_user)
        flash(signup.status.label, "success")
    return redirect(url_for("volunteering.detail", task_id=task_id))


@bp.route("/signups/<int:signup_id>/cancel", methods=["POST"])
@login_required
def cancel(signup_id: int):
    """Cancel one's own sign-up (up to the deadline)."""
    signup = signups.get_own_signup(signup_id, current_user)
    task_id = signup.task_id
    if EmptyForm().validate_on_submit():
        try:
            signups.cancel_signup(signup_id, current_user)
            flash(_("Your sign-up is cancelled."), "success")
        except InvalidInput as error:
            flash(error.message, "error")
    return redirect(url_for("volunteering.detail", task_id=task_id))


@bp.route("/my/signups")
@login_required
def mine():
    """The tasks I signed up for, and the hours confirmed."""
    return render_template(
        "volunteering/mine.html",
        signups=signups.signups_of_user(current_user),
        hours=hours.hours_by_initiative(current_user.id),
        form=EmptyForm(),
    )


@bp.route("/initiatives/<int:initiative_id>/tasks/new", methods=["GET", "POST"])
@login_required
def new_task(initiative_id: int):
    """The owner's task form."""
    initiative = tasks.owned_initiative(initiative_id, current_user)
    form = TaskForm()
    if form.validate_on_submit():
        data = {**form.data, "initiative_id": initiative.id}
        if data["starts_at"] is not None:
            data["starts_at"] = data["starts_at"].replace(tzinfo=AMSTERDAM)
        try:
            task = tasks.create_task(current_user, data)
        except InvalidInput as error:
            for field, messages in error.errors.items():
                if field in form:
                    form[field].errors = list(messages)
        else:
            flash(_("Your task is posted."), "success")
            return redirect(url_for("volunteering.detail", task_id=task.id))
    return render_template("volunteering/new.html", form=form, initiative=initiative)


@bp.route("/tasks/manage")
@login_required
def manage():
    """The owner's tasks with their sign-ups and a form to confirm each one's hours."""
    owned = tasks.tasks_owned_by(current_user)
    people = signups.signups_of_tasks([t.id for t in owned])
    return render_template(
        "volunteering/manage.html",
        owned=[(t, people[t.id]) for t in owned],
        form=ConfirmForm(),
    )


@bp.route("/signups/<int:signup_id>/confirm", methods=["POST"])
@login_required
def confirm(signup_id: int):
    """Confirm the hours of one sign-up (owners of the task's initiative only)."""
    signup = hours.signup_for_owner(signup_id, current_user)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            hours.confirm_hours(signup.id, current_user, form.hours.data)
            flash(_("Hours confirmed."), "success")
        except InvalidInput as error:
            flash(" ".join([error.message, *sum(error.errors.values(), [])]), "error")
    return redirect(url_for("volunteering.manage"))
