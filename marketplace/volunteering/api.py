"""JSON API for tasks, sign-ups and confirmed hours."""

from flask_smorest import Blueprint

from marketplace.api.auth import BEARER, api_user_or_anonymous, require_api_user
from marketplace.volunteering import hours, signups, tasks
from marketplace.volunteering.schemas import (
    ConfirmSchema,
    SignupSchema,
    TaskInputSchema,
    TaskPageSchema,
    TaskQuerySchema,
    TaskSchema,
)
from marketplace.volunteering.serialize import found_json, one_task_json, signup_json

blp = Blueprint(
    "api_volunteering", __name__, url_prefix="/api/v1", description="Tasks and volunteer hours"
)


@blp.route("/tasks")
@blp.arguments(TaskQuerySchema, location="query")
@blp.response(200, TaskPageSchema)
def list_tasks(query):
    """Upcoming and flexible tasks; with `near` (a postcode) those within `radius_km`, nearest
    first, each with its `distance_km`; filters `theme` and `from`/`to` (dates, Amsterdam)."""
    search = tasks.Search(
        near=query["near"],
        radius_km=query["radius_km"],
        theme=query["theme"],
        first=query["from_"],
        last=query["to"],
    )
    page, per_page = query["page"], query["per_page"]
    found, total = tasks.find_tasks(search, offset=(page - 1) * per_page, limit=per_page)
    return {
        "items": [found_json(f) for f in found],
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": (total + per_page - 1) // per_page,
    }


@blp.route("/tasks", methods=["POST"])
@blp.arguments(TaskInputSchema)
@blp.response(201, TaskSchema)
@blp.doc(security=BEARER)
def create_task(data):
    """Post a task for an initiative you own (403 otherwise, 404 for an unknown initiative)."""
    return one_task_json(tasks.create_task(require_api_user(), data))


@blp.route("/tasks/<int:task_id>")
@blp.response(200, TaskSchema)
def get_task(task_id: int):
    """One task with its counts of places taken and people waiting."""
    return one_task_json(tasks.get_task(task_id, api_user_or_anonymous()))


@blp.route("/tasks/<int:task_id>/signups", methods=["POST"])
@blp.response(201, SignupSchema)
@blp.alt_response(200, schema=SignupSchema, description="Already signed up: that sign-up")
@blp.doc(security=BEARER)
def sign_up(task_id: int):
    """Sign up: a place (`signed_up`) or, when the task is full, the waiting list."""
    signup, created = signups.sign_up(task_id, require_api_user())
    return signup_json(signup), 201 if created else 200


@blp.route("/signups/<int:signup_id>", methods=["DELETE"])
@blp.response(200, SignupSchema)
@blp.doc(security=BEARER)
def cancel_signup(signup_id: int):
    """Cancel your sign-up (up to the task's deadline); the first on the waiting list moves up."""
    return signup_json(signups.cancel_signup(signup_id, require_api_user()))


@blp.route("/signups/<int:signup_id>/confirm", methods=["POST"])
@blp.arguments(ConfirmSchema)
@blp.response(200, SignupSchema)
@blp.doc(security=BEARER)
def confirm_hours(data, signup_id: int):
    """The initiative's owner confirms the hours given (0 up to the task's length)."""
    return signup_json(hours.confirm_hours(signup_id, require_api_user(), data["hours"]))
