"""The ticket mail (with the check-in code) when someone has a place, through the mail outbox."""

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from marketplace.donations.urls import path_for, public_url
from marketplace.events.models import Event, Rsvp
from marketplace.mail import Mail, queue_mail

LANGUAGES = ("nl", "en")


def queue_ticket(rsvp: Rsvp, event: Event, user, moved_up: bool = False) -> None:
    """Queue the ticket in the caller's transaction (once per RSVP)."""
    url = public_url(path_for("events.detail", event_id=event.id))
    with force_locale(user.locale if user.locale in LANGUAGES else "nl"):
        text = render_template(
            "events/mail/ticket.txt", name=user.name, event=event, rsvp=rsvp, url=url,
            moved_up=moved_up,
        )  # fmt: skip
        if moved_up:
            subject = _("A place came free: your ticket for %(title)s", title=event.title)
        else:
            subject = _("Your ticket for %(title)s", title=event.title)
    queue_mail(Mail(to=user.email, subject=subject, text=text), key=f"event-ticket:{rsvp.id}")
