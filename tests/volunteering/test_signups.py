"""Signing up, the waiting list, cancelling up to the deadline, reminders."""

from datetime import timedelta

from marketplace.timeutil import utcnow
from marketplace.volunteering.reminders import send_task_reminders


def test_capacity_then_waiting_list_and_second_post_answers_the_first(
    post_task, client, make_user, auth_headers
):
    task = post_task(capacity=1).json
    first, second = make_user(), make_user()
    one = client.post(f"/api/v1/tasks/{task['id']}/signups", headers=auth_headers(first))
    assert one.status_code == 201 and one.json["status"] == "signed_up"
    two = client.post(f"/api/v1/tasks/{task['id']}/signups", headers=auth_headers(second))
    assert two.json["status"] == "waitlisted"
    again = client.post(f"/api/v1/tasks/{task['id']}/signups", headers=auth_headers(first))
    assert again.status_code == 200 and again.json["id"] == one.json["id"]
    counts = client.get(f"/api/v1/tasks/{task['id']}").json
    assert (counts["signed_up"], counts["waitlisted"]) == (1, 1)


def test_cancel_moves_the_waiting_list_up_and_mails(
    post_task, client, make_user, auth_headers, outbox
):
    task = post_task(capacity=1).json
    first, second = make_user(), make_user(email="wachter@example.org")
    one = client.post(f"/api/v1/tasks/{task['id']}/signups", headers=auth_headers(first)).json
    client.post(f"/api/v1/tasks/{task['id']}/signups", headers=auth_headers(second))
    stranger = make_user()
    assert (
        client.delete(f"/api/v1/signups/{one['id']}", headers=auth_headers(stranger)).status_code
        == 404
    )
    cancelled = client.delete(f"/api/v1/signups/{one['id']}", headers=auth_headers(first))
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    counts = client.get(f"/api/v1/tasks/{task['id']}").json
    assert (counts["signed_up"], counts["waitlisted"]) == (1, 0)
    assert [m["To"] for m in outbox()] == ["wachter@example.org"]


def test_cancel_after_the_deadline_is_refused(post_task, client, make_user, auth_headers):
    task = post_task(starts_at=(utcnow() + timedelta(hours=5)).isoformat()).json
    person = make_user()
    signup = client.post(f"/api/v1/tasks/{task['id']}/signups", headers=auth_headers(person)).json
    response = client.delete(f"/api/v1/signups/{signup['id']}", headers=auth_headers(person))
    assert response.status_code == 422
    assert response.json["errors"]["signup"]


def test_reminder_the_day_before_once(post_task, client, make_user, auth_headers, outbox):
    start = utcnow() + timedelta(days=1)
    task = post_task(starts_at=start.isoformat()).json
    person = make_user(email="helper@example.org")
    client.post(f"/api/v1/tasks/{task['id']}/signups", headers=auth_headers(person))
    assert send_task_reminders(now=start - timedelta(days=1)) == 1
    assert send_task_reminders(now=start - timedelta(days=1)) == 0
    assert [m["To"] for m in outbox()] == ["helper@example.org"]
