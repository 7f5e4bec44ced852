"""What an event's page shows beyond its own fields: sections of the domains above events
(reviews), listed by the app factory (`create_app` → `register_event_page`)."""

from collections.abc import Callable

from flask import Flask, current_app

from marketplace.events.models import Event

Section = Callable[[Event], dict]
EXTENSION = "event_page_sections"


def set_sections(app: Flask, sections: tuple[Section, ...]) -> None:
    app.extensions[EXTENSION] = sections


def page_sections(event: Event) -> dict:
    context: dict = {}
    for section in current_app.extensions.get(EXTENSION, ()):
        context.update(section(event))
    return context
