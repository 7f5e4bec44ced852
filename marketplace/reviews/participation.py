"""Who took part: the checks that mark a review as by a verified participant.

Reviews sit above events and volunteering but should not know how each counts taking part, so
the app factory lists the checks (`create_app` → `register_review_participation`), as it lists
the initiative page's sections. A check is a function of (user id, subject type, subject id)
that says whether that person took part: checked in at the event (or at an event the initiative
organised), confirmed volunteer hours for the initiative, ...
"""

from collections.abc import Callable

from flask import Flask, current_app

Check = Callable[[int, str, int], bool]
EXTENSION = "review_participation_checks"


def set_checks(app: Flask, checks: tuple[Check, ...]) -> None:
    app.extensions[EXTENSION] = checks


def checks() -> tuple[Check, ...]:
    return current_app.extensions.get(EXTENSION, ())


def took_part(user_id: int, subject_type: str, subject_id: int) -> bool:
    """Did the person take part, by any of the registered checks?"""
    return any(check(user_id, subject_type, subject_id) for check in checks())
