"""What the initiative page shows beyond its own fields: sections the other domains provide.

The initiatives package sits below the domains that know about money, impact and the exchange,
so it cannot import them. The app factory lists their sections instead
(`create_app` → `register_initiative_page`); each section is a function of the initiative that
returns template context.
"""

from collections.abc import Callable

from flask import Flask, current_app

from marketplace.initiatives.models import Initiative

Section = Callable[[Initiative], dict]
EXTENSION = "initiative_page_sections"


def set_sections(app: Flask, sections: tuple[Section, ...]) -> None:
    app.extensions[EXTENSION] = sections


def page_sections(initiative: Initiative) -> dict:
    """The context every registered section adds to the initiative page."""
    context: dict = {}
    for section in current_app.extensions.get(EXTENSION, ()):
        context.update(section(initiative))
    return context
