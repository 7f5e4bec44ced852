"""Domain errors raised by services, mapped to HTTP responses in one place."""

from http import HTTPStatus

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str = "", errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotFound(DomainError):
    """Also used where an object exists but the caller may not know that (no IDOR leaks)."""

    status_code = 404


class NotAllowed(DomainError):
    status_code = 403


class InvalidInput(DomainError):
    status_code = 422


class Conflict(DomainError):
    status_code = 409


class InvalidTransition(Conflict):
    """A status change that the state machine does not allow."""


class ServiceUnavailable(DomainError):
    status_code = 503


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.startswith("/webhooks/")


def error_body(code: int, message: str = "", errors: dict | None = None) -> dict:
    return {
        "code": code,
        "status": HTTPStatus(code).phrase,
        "message": message or HTTPStatus(code).description or HTTPStatus(code).phrase,
        "errors": errors or {},
    }


def json_error(code: int, message: str = "", errors: dict | None = None):
    return jsonify(error_body(code, message, errors)), code


def register_errorhandlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        if wants_json():
            return json_error(error.status_code, error.message, error.errors)
        return render_error_page(error.status_code, error.message)

    @app.errorhandler(HTTPException)
    def handle_http_exception(error: HTTPException):
        code = error.code or 500
        if wants_json():
            errors = {}
            data = getattr(error, "data", None)
            if isinstance(data, dict) and "messages" in data:
                # webargs/flask-smorest: {"json": {"field": ["..."]}}, or {"json": ["Invalid JSON
                # body."]} when the body is not JSON at all.
                for location, found in data["messages"].items():
                    if isinstance(found, dict):
                        errors.update(found)
                    else:
                        errors[location] = found
            if code == 422:
                message = _("Please correct the marked fields.")
            elif errors:
                message = _("The request could not be read.")
            else:
                message = error.description
            response = json_error(code, message, errors)
            if error.get_headers():
                for name, value in error.get_headers():
                    if name.lower() not in ("content-type", "content-length"):
                        response[0].headers[name] = value
            return response
        return render_error_page(code, "")

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        if wants_json():
            return json_error(500, "Something went wrong on our side.")
        return render_error_page(500, "")


def render_error_page(code: int, message: str):
    titles = {
        400: _("Bad request"),
        403: _("You may not do this"),
        404: _("Page not found"),
        405: _("Method not allowed"),
        409: _("This cannot be done right now"),
        413: _("The file is too large"),
        422: _("The input is not valid"),
        429: _("Too many attempts, please wait a moment"),
        500: _("Something went wrong on our side"),
        503: _("Temporarily unavailable"),
    }
    title = titles.get(code, _("Something went wrong"))
    try:
        return render_template("errors/error.html", code=code, title=title, message=message), code
    except Exception:  # the error page itself must never fail
        return f"{code} {title}", code
