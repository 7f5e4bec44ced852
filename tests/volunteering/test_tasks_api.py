"""Posting and finding tasks through the API."""

from datetime import timedelta

from marketplace.timeutil import utcnow


def test_owner_posts_a_task_with_place_and_counts(post_task):
    response = post_task()
    assert response.status_code == 201, response.json
    task = response.json
    assert task["signed_up"] == 0 and task["waitlisted"] == 0
    assert task["place"]["postcode"] == "3511 AB"
    assert task["place"]["latitude"] is not None
    assert "<strong>wieden</strong>" in task["description_html"]


def test_only_owners_post_tasks(client, auth_headers, make_user, initiative, post_task):
    stranger = make_user()
    response = client.post(
        "/api/v1/tasks",
        json={
            "initiative_id": initiative.id, "title": "x", "postcode": "3511",
            "duration_minutes": 60, "capacity": 1,
        },
        headers=auth_headers(stranger),
    )  # fmt: skip
    assert response.status_code == 403
    assert post_task(initiative_id=999999).status_code == 404


def test_bad_fields_are_422(post_task):
    assert post_task(postcode="ABCD").status_code == 422
    assert post_task(postcode="0000 AA").status_code == 422
    assert post_task(duration_minutes=0).status_code == 422
    assert post_task(capacity=0).status_code == 422
    assert post_task(starts_at="0001-01-01T00:00:00").status_code == 422


def test_flexible_task_has_no_start(post_task, client):
    response = post_task(starts_at=None)
    assert response.status_code == 201
    assert response.json["starts_at"] is None and response.json["flexible"] is True
    again = client.get(f"/api/v1/tasks/{response.json['id']}")
    assert again.status_code == 200 and again.json["flexible"] is True


def test_near_filters_by_radius_and_sorts_nearest_first(post_task, client):
    utrecht = post_task(title="Utrecht", postcode="3511 AB").json["id"]
    amersfoort = post_task(title="Amersfoort", postcode="3811 AB").json["id"]
    far = post_task(title="Groningen", postcode="9711 AB").json["id"]
    near = client.get("/api/v1/tasks?near=3512&radius_km=30").json["items"]
    ids = [t["id"] for t in near]
    assert utrecht in ids and far not in ids
    assert amersfoort not in ids or ids.index(utrecht) < ids.index(amersfoort)
    assert all(t["distance_km"] is not None for t in near)
    assert near == sorted(near, key=lambda t: t["distance_km"])
    assert client.get("/api/v1/tasks?near=nowhere").status_code == 422


def test_theme_and_date_filters(post_task, client):
    soon = post_task(starts_at=(utcnow() + timedelta(days=2)).isoformat()).json["id"]
    later = post_task(starts_at=(utcnow() + timedelta(days=40)).isoformat()).json["id"]
    day = (utcnow() + timedelta(days=30)).date().isoformat()
    found = [t["id"] for t in client.get(f"/api/v1/tasks?from={day}").json["items"]]
    assert later in found and soon not in found
    found = [t["id"] for t in client.get(f"/api/v1/tasks?to={day}").json["items"]]
    assert soon in found and later not in found
    moment = (utcnow() + timedelta(days=30)).isoformat()
    found = [
        t["id"] for t in client.get("/api/v1/tasks", query_string={"from": moment}).json["items"]
    ]
    assert later in found and soon not in found
    assert client.get("/api/v1/tasks?from=yesterday").status_code == 422
    assert {t["id"] for t in client.get("/api/v1/tasks?theme=care").json["items"]} >= {soon}
    assert client.get("/api/v1/tasks?theme=sport").json["items"] == []
    assert client.get("/api/v1/tasks?theme=nonsense").status_code == 422


def test_list_is_paged_soonest_first_flexible_last(post_task, client):
    flexible = post_task(starts_at=None).json["id"]
    later = post_task(starts_at=(utcnow() + timedelta(days=9)).isoformat()).json["id"]
    sooner = post_task(starts_at=(utcnow() + timedelta(days=1)).isoformat()).json["id"]
    first = client.get("/api/v1/tasks?per_page=2").json
    assert [t["id"] for t in first["items"]] == [sooner, later]
    assert (first["total"], first["pages"]) == (3, 2)
    second = client.get("/api/v1/tasks?per_page=2&page=2").json
    assert [t["id"] for t in second["items"]] == [flexible]
