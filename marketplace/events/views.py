"""Event pages: the list with filters and a map, an event (RSVP, ticket, the organiser's check-in
and attendees), the organisers' form, one's own events and calendars."""

from datetime import date
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.accounts.forms import EmptyForm
from marketplace.accounts.views import show_errors
from marketplace.errors import InvalidInput, NotAllowed
from marketplace.events import calendar, events, rsvps
from marketplace.events.forms import CheckInForm, EventForm
from marketplace.events.models import KIND_LABELS, EventKind, RsvpStatus
from marketplace.events.organisers import is_organiser, organiser_choices
from marketplace.events.page import page_sections
from marketplace.inputs import int_arg
from marketplace.text import render_markdown
from marketplace.timeutil import to_amsterdam

bp = Blueprint("events", __name__, url_prefix="/events")


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name) or "")
    except ValueError:
        return None


@bp.route("")
def index():
    """Upcoming events, filtered by kind, a postcode and radius, and dates; with a map."""
    kind = request.args.get("kind") or None
    filters = events.Filters(
        kind=kind if kind in {k.value for k in EventKind} else None,
        near=(request.args.get("near") or "").strip()[:10] or None,
        radius_km=int_arg("radius", 25, minimum=1, maximum=200),
        date_from=_date_arg("from"),
        date_to=_date_arg("to"),
        upcoming=True,
    )
    error = ""
    try:
        found = events.search_events(filters)
    except InvalidInput as problem:
        found, error = [], problem.message
    counts = events.counts_for([event.id for event, _km in found])
    return render_template(
        "events/index.html",
        found=found,
        counts=counts,
        filters=filters,
        error=error,
        kinds=KIND_LABELS,
        markers=[_marker(event) for event, _km in found if event.latitude is not None],
        tile_url=current_app.config["MAP_TILE_URL"],
        tile_attribution=current_app.config["MAP_TILE_ATTRIBUTION"],
    )


def _marker(event) -> dict:
    return {
        "id": event.id,
        "title": event.title,
        "lat": str(event.latitude),
        "lon": str(event.longitude),
        "url": url_for("events.detail", event_id=event.id),
        "when": to_amsterdam(event.starts_at).strftime("%d-%m-%Y %H:%M"),
    }


@bp.route("/<int:event_id>")
def detail(event_id: int):
    """One event: when and where, RSVP or cancel, the ticket; organisers check people in."""
    event = events.get_event(event_id)
    organiser = is_organiser(current_user, event)
    return render_template(
        "events/detail.html",
        event=event,
        description_html=render_markdown(event.description),
        counts=events.counts_for([event.id])[event.id],
        rsvp=rsvps.rsvp_of(current_user, event.id),
        is_organiser=organiser,
        attendees=rsvps.attendees(event) if organiser else [],
        button_form=EmptyForm(),
        check_in_form=CheckInForm(),
        going=RsvpStatus.GOING,
        **page_sections(event),
    )


@bp.route("/<int:event_id>/rsvp", methods=["POST"])
@login_required
def rsvp(event_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    made, _created = rsvps.rsvp_to_event(current_user, event_id)
    if made.status == RsvpStatus.GOING:
        flash(_("You have a place. Your ticket is on its way by e-mail."), "success")
    else:
        flash(_("The event is full: you are on the waiting list."), "info")
    return redirect(url_for("events.detail", event_id=event_id))


@bp.route("/rsvps/<int:rsvp_id>/cancel", methods=["POST"])
@login_required
def cancel(rsvp_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    event_id = rsvps.rsvps_event_id(current_user, rsvp_id)
    rsvps.cancel_rsvp(current_user, rsvp_id)
    flash(_("Your RSVP is cancelled."), "success")
    return redirect(url_for("events.detail", event_id=event_id))


@bp.route("/<int:event_id>/check-in", methods=["POST"])
@login_required
def check_in_code(event_id: int):
    """The organiser types the code from someone's ticket."""
    event = events.get_event(event_id)
    form = CheckInForm()
    if form.validate_on_submit():
        try:
            done = rsvps.check_in_by_code(current_user, event, form.code.data)
        except InvalidInput as error:
            flash(error.message, "error")
        else:
            flash(_("%(name)s is checked in.", name=done.user.name), "success")
    return redirect(url_for("events.detail", event_id=event.id) + "#attendees")


@bp.route("/rsvps/<int:rsvp_id>/check-in", methods=["POST"])
@login_required
def check_in(rsvp_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        done = rsvps.check_in(current_user, rsvp_id)
    except InvalidInput as error:
        flash(error.message, "error")
        return redirect(url_for("events.mine"))
    flash(_("%(name)s is checked in.", name=done.user.name), "success")
    return redirect(url_for("events.detail", event_id=done.event_id) + "#attendees")


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    """The organisers' form: only what the person may organise for is offered."""
    form = EventForm()
    form.organiser.choices = organiser_choices(current_user)
    if not form.organiser.choices:
        raise NotAllowed(_("Only owners of an initiative or members of an organisation do this."))
    if form.validate_on_submit():
        try:
            event = events.create_event(current_user, form.service_data())
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("Your event is published."), "success")
            return redirect(url_for("events.detail", event_id=event.id))
    status = 422 if form.errors else 200
    return render_template("events/form.html", form=form, event=None), status


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    event = events.get_event(event_id)
    if not is_organiser(current_user, event):
        abort(404)
    form = EventForm(obj=event)
    form.organiser.choices = [("", event.organiser_name)]
    if request.method == "GET":
        form.kind.data = event.kind.value
        form.starts_at.data = to_amsterdam(event.starts_at).replace(tzinfo=None)
        form.ends_at.data = to_amsterdam(event.ends_at).replace(tzinfo=None)
    if form.validate_on_submit():
        try:
            events.update_event(event, form.service_data(), rsvps.fill_free_places)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("events.detail", event_id=event.id))
    status = 422 if form.errors else 200
    return render_template("events/form.html", form=form, event=event), status


@bp.route("/mine")
@login_required
def mine():
    """What I RSVP'd to, with my calendar feed's secret address."""
    token = calendar.feed_token(current_user)
    return render_template(
        "events/mine.html",
        rsvps=rsvps.rsvps_of(current_user),
        feed_url=url_for("events.feed", token=token, _external=True),
        button_form=EmptyForm(),
        going=RsvpStatus.GOING,
    )


@bp.route("/calendar/reset", methods=["POST"])
@login_required
def reset_feed():
    if not EmptyForm().validate_on_submit():
        abort(400)
    calendar.feed_token(current_user, reset=True)
    flash(_("Your calendar has a new address; the old one no longer works."), "success")
    return redirect(url_for("events.mine"))


def _ics(body: str, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _host() -> str:
    return urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "impactbeurs.nl"


@bp.route("/<int:event_id>.ics")
def ics(event_id: int):
    """The event as an iCalendar file."""
    event = events.get_event(event_id)
    url = url_for("events.detail", event_id=event.id, _external=True)
    return _ics(calendar.calendar([(event, url)], _host()), f"event-{event.id}.ics")


@bp.route("/calendar/<token>.ics")
def feed(token: str):
    """A person's calendar feed (secret URL): every event they RSVP'd to."""
    found = calendar.feed_events(token)
    if found is None:
        abort(404)
    pairs = [(e, url_for("events.detail", event_id=e.id, _external=True)) for e in found]
    body = calendar.calendar(pairs, _host(), name=_("My events on Impactbeurs"))
    response = _ics(body, "my-events.ics")
    response.headers["Cache-Control"] = "private, no-store"
    return response
