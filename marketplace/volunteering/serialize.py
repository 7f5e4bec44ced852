"""Tasks and sign-ups as the API answers them (plain dicts)."""

from marketplace.text import render_markdown
from marketplace.timeutil import as_utc
from marketplace.volunteering.models import Signup, Task
from marketplace.volunteering.tasks import Found, counts


def _moment(value):
    return None if value is None else as_utc(value).isoformat()


def task_json(task: Task, signed_up: int, waitlisted: int, distance_km=None) -> dict:
    return {
        "id": task.id,
        "initiative_id": task.initiative_id,
        "initiative_name": task.initiative.name,
        "title": task.title,
        "description": task.description,
        "description_html": str(render_markdown(task.description)),
        "skills": task.skills,
        "postcode": task.postcode,
        "place": {
            "postcode": task.postcode,
            "name": task.place_name,
            "latitude": None if task.latitude is None else float(task.latitude),
            "longitude": None if task.longitude is None else float(task.longitude),
        },
        "latitude": None if task.latitude is None else float(task.latitude),
        "longitude": None if task.longitude is None else float(task.longitude),
        "starts_at": _moment(task.starts_at),
        "flexible": task.starts_at is None,
        "duration_minutes": task.duration_minutes,
        "capacity": task.capacity,
        "cancel_hours": task.cancel_hours,
        "cancel_deadline": _moment(task.cancel_deadline),
        "signed_up": signed_up,
        "waitlisted": waitlisted,
        "distance_km": None if distance_km is None else round(distance_km, 2),
        "created_at": _moment(task.created_at),
    }


def one_task_json(task: Task) -> dict:
    numbers = counts([task.id])[task.id]
    return task_json(task, numbers["signed_up"], numbers["waitlisted"])


def found_json(found: Found) -> dict:
    return task_json(found.task, found.signed_up, found.waitlisted, found.distance_km)


def signup_json(signup: Signup) -> dict:
    hours = signup.confirmed_hours
    return {
        "id": signup.id,
        "task_id": signup.task_id,
        "status": signup.status.value,
        "created_at": _moment(signup.created_at),
        "confirmed_hours": None if hours is None else f"{hours:.2f}",
    }
