from marketplace.accounts.models import Role
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative, InitiativeStatus

VALID = {
    "name": "Repair Café Zuid",
    "theme": "community",
    "municipality": "Utrecht",
    "summary": "Samen repareren.",
    "description": "**Elke zaterdag** <script>alert(1)</script>",
    "postcode": "3511ab",
    "funding_goal": "5000.00",
    "currency": "EUR",
    "anbi": True,
    "rsin": "002441484",
}


def test_create_requires_token(client):
    response = client.post("/api/v1/initiatives", json=VALID)
    assert response.status_code == 401
    body = response.get_json()
    assert set(body) == {"code", "status", "message", "errors"}
    assert body["code"] == 401
    assert "Bearer" in response.headers["WWW-Authenticate"]


def test_invalid_token_is_401(client):
    response = client.get("/api/v1/initiatives", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


def test_create_and_read_initiative(client, make_user, auth_headers):
    user = make_user()
    response = client.post("/api/v1/initiatives", json=VALID, headers=auth_headers(user))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "draft"
    assert body["funding_goal"] == "5000.00"
    assert body["currency"] == "EUR"
    assert body["postcode"] == "3511 AB"
    assert body["slug"] == "repair-cafe-zuid"
    assert body["owner_ids"] == [user.id]
    # A draft is invisible to others, visible to its owner.
    assert client.get(f"/api/v1/initiatives/{body['id']}").status_code == 404
    own = client.get(f"/api/v1/initiatives/{body['id']}", headers=auth_headers(user))
    assert own.status_code == 200


def test_create_validation_errors_are_422_with_field_errors(client, make_user, auth_headers):
    headers = auth_headers(make_user())
    bad = {**VALID, "funding_goal": "12.3456", "postcode": "nope", "rsin": "12345"}
    response = client.post("/api/v1/initiatives", json=bad, headers=headers)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert {"funding_goal", "postcode", "rsin"} <= set(errors)
    missing = client.post("/api/v1/initiatives", json={"name": "x"}, headers=headers)
    assert missing.status_code == 422
    assert {"theme", "municipality"} <= set(missing.get_json()["errors"])
    wrong_type = client.post(
        "/api/v1/initiatives", json={**VALID, "theme": "pirates"}, headers=headers
    )
    assert wrong_type.status_code == 422
    assert "theme" in wrong_type.get_json()["errors"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Initiative)) == 0


def test_patch_only_by_owner_or_admin(client, make_user, make_initiative, auth_headers):
    owner = make_user()
    initiative = make_initiative(owner=owner)
    url = f"/api/v1/initiatives/{initiative.id}"
    stranger = client.patch(url, json={"name": "Gekaapt"}, headers=auth_headers(make_user()))
    assert stranger.status_code == 403
    assert client.patch(url, json={"name": "x"}).status_code == 401
    by_owner = client.patch(url, json={"summary": "Nieuw"}, headers=auth_headers(owner))
    assert by_owner.status_code == 200
    assert by_owner.get_json()["summary"] == "Nieuw"
    admin = make_user(role=Role.ADMIN)
    by_admin = client.patch(url, json={"status": "draft"}, headers=auth_headers(admin))
    assert by_admin.get_json()["status"] == "draft"
    bad = client.patch(url, json={"funding_goal": "-5"}, headers=auth_headers(owner))
    assert bad.status_code == 422


def test_patch_someone_elses_draft_is_404(client, make_user, make_initiative, auth_headers):
    draft = make_initiative(status=InitiativeStatus.DRAFT)
    response = client.patch(
        f"/api/v1/initiatives/{draft.id}", json={"name": "x"}, headers=auth_headers(make_user())
    )
    assert response.status_code == 404


def test_list_filters_and_pagination(client, make_initiative):
    make_initiative(name="Zonnedak Noord", theme="energy", municipality="Groningen")
    make_initiative(name="Buurtzorg Oost", theme="care", municipality="Utrecht")
    make_initiative(name="Verborgen", status=InitiativeStatus.DRAFT)
    everything = client.get("/api/v1/initiatives").get_json()
    assert everything["total"] == 2
    assert [
        i["name"] for i in client.get("/api/v1/initiatives?theme=energy").get_json()["items"]
    ] == ["Zonnedak Noord"]
    by_place = client.get("/api/v1/initiatives?municipality=utrecht").get_json()
    assert [i["name"] for i in by_place["items"]] == ["Buurtzorg Oost"]
    assert client.get("/api/v1/initiatives?q=zonne").get_json()["total"] == 1
    page = client.get("/api/v1/initiatives?per_page=1&page=2").get_json()
    assert page["page"] == 2 and len(page["items"]) == 1 and page["pages"] == 2
    assert client.get("/api/v1/initiatives?theme=pirates").status_code == 422
    assert client.get("/api/v1/initiatives?page=0").status_code == 422


def test_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/initiatives" in spec["paths"]
    assert "/api/v1/initiatives/{initiative_id}" in spec["paths"]


def test_a_body_that_is_not_json_is_a_400_with_the_error_format(client, make_user, auth_headers):
    response = client.post(
        "/api/v1/initiatives",
        data="not json",
        content_type="application/json",
        headers=auth_headers(make_user()),
    )
    assert response.status_code == 400
    body = response.get_json()
    assert set(body) == {"code", "status", "message", "errors"}
    assert body["errors"] == {"json": ["Invalid JSON body."]}
