"""The edges every request passes: ids and numbers the database can hold, text without NUL.

Checked once here, not endpoint by endpoint: `<int:...>` in every URL is `IdConverter` (a larger
id cannot exist: 404), JSON schemas use `marketplace.api.schemas.Integer` (422), HTML views read
numbers from the query string with `int_arg` / `page_arg`, and `reject_nul_bytes` runs before
every view (PostgreSQL cannot store U+0000 in text; SQLite would store it silently).
"""

import re

from flask import Flask, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from marketplace.errors import InvalidInput, NotFound

# PostgreSQL INTEGER, the type of every id and count column. SQLite holds more, but both
# databases promise the same answers.
DB_INTEGER_MAX = 2**31 - 1
DB_INTEGER_MIN = -(2**31)
NUL = "\x00"
WHOLE_NUMBER = re.compile(r"\s*([+-]?)0*([0-9]+)\s*")
BEYOND_ANY_BOUND = 10**18


class IdConverter(IntegerConverter):
    """`<int:...>` everywhere: 1 up to the largest id the database holds; anything else is 404.

    The OpenAPI document reads `min` and `max` from here (flask-smorest's converter mapping).
    """

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", DB_INTEGER_MAX)
        super().__init__(map, *args, **kwargs)


def whole_number(text: str) -> int | None:
    """ "42", " +7 " or "-3" as an int; None for anything else. Digits beyond any bound saturate
    (Python refuses to read more than 4,300 digits; no bound here needs more than 18)."""
    match = WHOLE_NUMBER.fullmatch(text or "")
    if match is None:
        return None
    sign, digits = match.groups()
    number = BEYOND_ANY_BOUND if len(digits) > 18 else int(digits)
    return -number if sign == "-" else number


def as_id(value) -> int | None:
    """An id from a form field or other text: 1 up to DB_INTEGER_MAX, else None (no such row)."""
    if isinstance(value, bool):
        return None
    number = value if isinstance(value, int) else whole_number(str(value or ""))
    if number is None or not 1 <= number <= DB_INTEGER_MAX:
        return None
    return number


def int_arg(name: str, default: int, minimum: int = 1, maximum: int = DB_INTEGER_MAX) -> int:
    """A whole number from the query string; missing or unreadable is `default`, out of bounds
    is clamped (a radius of 10**30 km is the largest radius, not an error page)."""
    number = whole_number(request.args.get(name, ""))
    if number is None:
        return default
    return min(max(number, minimum), maximum)


def page_arg(name: str = "page") -> int:
    """A page number from the query string: 1 when missing or unreadable, 404 beyond what a
    database offset can reach (such a page cannot exist)."""
    number = whole_number(request.args.get(name, ""))
    if number is None:
        return 1
    if number > DB_INTEGER_MAX:
        raise NotFound(_("This page does not exist."))
    return max(number, 1)


def _nul_fields(value, path: str):
    """The paths (dotted) of every string in a JSON value, key or item that contains NUL."""
    if isinstance(value, str):
        if NUL in value:
            yield path or "json"
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                yield path or "json"
            yield from _nul_fields(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_fields(item, f"{path}.{index}" if path else str(index))


def fields_with_nul() -> list[str]:
    """Every input field of the request (query, form, file names, JSON) whose text holds NUL."""
    found = []
    for source in (request.args, request.form):
        for key, value in source.items(multi=True):
            if NUL in key or NUL in value:
                found.append(key.replace(NUL, ""))
    for key, upload in request.files.items(multi=True):
        if NUL in key or NUL in (upload.filename or ""):
            found.append(key.replace(NUL, ""))
    if request.is_json:
        found.extend(_nul_fields(request.get_json(silent=True), ""))
    return found


def reject_nul_bytes() -> None:
    """Before every view: a NUL in the path is 404, in any field a 422 naming the fields."""
    if NUL in request.path:
        raise NotFound(_("This page does not exist."))
    if request.mimetype in ("application/x-www-form-urlencoded", "application/json"):
        request.get_data(cache=True)  # a view may still read the raw body (webhook signatures)
    fields = fields_with_nul()
    if fields:
        message = _("Text may not contain the NUL character.")
        raise InvalidInput(message, {field: [message] for field in dict.fromkeys(fields)})


def register_edges(app: Flask) -> None:
    """Before any blueprint is registered: the id converter, then the NUL check."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(reject_nul_bytes)
