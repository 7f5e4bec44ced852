"""Organisations API: create, list, members (invite, change role, remove), 404 for outsiders."""

import re


def test_create_list_and_manage_members(client, make_user, auth_headers, outbox):
    owner = make_user()
    headers = auth_headers(owner)
    created = client.post(
        "/api/v1/organisations", json={"name": "Fonds West", "kind": "foundation"}, headers=headers
    )
    assert created.status_code == 201, created.json
    org_id = created.json["id"]
    assert created.json["role"] == "owner"
    listed = client.get("/api/v1/organisations", headers=headers).json
    assert [(o["id"], o["role"]) for o in listed] == [(org_id, "owner")]

    invited = client.post(
        f"/api/v1/organisations/{org_id}/members",
        json={"email": "staff@example.org", "role": "member"},
        headers=headers,
    )
    assert invited.status_code == 201
    assert invited.json["role"] == "member"
    staff = make_user(email="staff@example.org")
    body = outbox()[0].get_body(preferencelist=("plain",)).get_content()
    token = re.search(r"/organisations/invitations/(\S+)", body).group(1)
    staff_headers = auth_headers(staff)
    accepted = client.post(
        "/api/v1/organisations/invitations/accept", json={"token": token}, headers=staff_headers
    )
    assert accepted.status_code == 200
    assert accepted.json["role"] == "member"

    members = client.get(f"/api/v1/organisations/{org_id}/members", headers=headers).json
    assert sorted(m["role"] for m in members) == ["member", "owner"]
    changed = client.patch(
        f"/api/v1/organisations/{org_id}/members/{staff.id}",
        json={"role": "viewer"},
        headers=headers,
    )
    assert changed.status_code == 200
    assert changed.json["role"] == "viewer"
    last_owner = client.patch(
        f"/api/v1/organisations/{org_id}/members/{owner.id}",
        json={"role": "viewer"},
        headers=headers,
    )
    assert last_owner.status_code == 409
    removed = client.delete(f"/api/v1/organisations/{org_id}/members/{staff.id}", headers=headers)
    assert removed.status_code == 204
    assert client.get(f"/api/v1/organisations/{org_id}", headers=staff_headers).status_code == 404


def test_outsiders_get_404_everywhere(client, make_user, auth_headers):
    owner = make_user()
    org = client.post(
        "/api/v1/organisations", json={"name": "Fonds Oost"}, headers=auth_headers(owner)
    ).json
    other = auth_headers(make_user())
    base = f"/api/v1/organisations/{org['id']}"
    assert client.get(base, headers=other).status_code == 404
    assert client.get(f"{base}/members", headers=other).status_code == 404
    assert client.get(f"{base}/portfolio", headers=other).status_code == 404
    assert (
        client.post(
            f"{base}/members", json={"email": "a@example.org", "role": "owner"}, headers=other
        ).status_code
        == 404
    )
    assert (
        client.patch(
            f"{base}/members/{owner.id}", json={"role": "viewer"}, headers=other
        ).status_code
        == 404
    )
    assert client.delete(f"{base}/members/{owner.id}", headers=other).status_code == 404
    assert client.get("/api/v1/organisations/999999/portfolio", headers=other).status_code == 404
    assert client.get("/api/v1/organisations").status_code == 401


def test_invalid_input_is_422(client, make_user, auth_headers):
    headers = auth_headers(make_user())
    response = client.post("/api/v1/organisations", json={"name": ""}, headers=headers)
    assert response.status_code == 422
    assert "name" in response.json["errors"]
    response = client.post(
        "/api/v1/organisations", json={"name": "X", "kind": "bank"}, headers=headers
    )
    assert response.status_code == 422
