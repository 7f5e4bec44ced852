"""The pages: find, sign up and cancel with forms, the owner's form and confirm page."""

from datetime import timedelta

from marketplace.extensions import db
from marketplace.timeutil import utcnow
from marketplace.volunteering import signups
from marketplace.volunteering.models import Signup
from tests.queries import count_queries


def test_find_sign_up_confirm_through_pages(client, login, make_user, owner, initiative):
    login(owner)
    start = (utcnow() + timedelta(days=3)).astimezone().strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/initiatives/{initiative.id}/tasks/new",
        data={
            "title": "Soep koken", "description": "<script>x</script>Lekker", "postcode": "3511AB",
            "starts_at": start, "duration_minutes": 90, "capacity": 3, "cancel_hours": 24,
        },
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    task_path = response.headers["Location"]
    page = client.get(task_path).get_data(as_text=True)
    assert "Soep koken" in page and "<script>x" not in page
    client.post("/account/logout")

    volunteer = login(make_user())
    listing = client.get("/tasks?near=3512&radius_km=10").get_data(as_text=True)
    assert "Soep koken" in listing
    assert client.post(f"{task_path}/signup").status_code == 302
    assert "my-signups" in client.get("/my/signups").get_data(as_text=True)
    signup = Signup.query.filter_by(user_id=volunteer.id).one()
    client.post("/account/logout")

    login(owner)
    assert "confirm-form" in client.get("/tasks/manage").get_data(as_text=True)
    assert client.post(f"/signups/{signup.id}/confirm", data={"hours": "1,5"}).status_code == 302
    assert db.session.get(Signup, signup.id).confirmed_minutes == 90


def test_others_cannot_post_or_confirm(client, login, make_user, initiative):
    login(make_user())
    assert client.get(f"/initiatives/{initiative.id}/tasks/new").status_code == 403
    assert client.post("/signups/999999/confirm", data={"hours": "1"}).status_code == 404


def test_the_owners_page_asks_the_same_for_one_task_as_for_five(
    client, login, make_user, owner, post_task
):
    people = [make_user() for _ in range(3)]

    def post_with_signups() -> None:
        task_id = post_task().json["id"]
        for person in people:
            signups.sign_up(task_id, person)

    post_with_signups()
    login(owner)
    one = count_queries(client, "/tasks/manage")
    for _ in range(4):
        post_with_signups()
    assert count_queries(client, "/tasks/manage") == one
