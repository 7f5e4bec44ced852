"""No 500 on any input: ids beyond the database, NUL bytes, LIKE wildcards, unsafe `next=`."""

import ast
from pathlib import Path

import pytest

from marketplace.inputs import DB_INTEGER_MAX, as_id, whole_number
from tests.conftest import TEST_PASSWORD

HUGE = "99999999999999999999"  # beyond 64 bits: too large for SQLite as well as PostgreSQL


def assert_error_format(response, code: int) -> dict:
    assert response.status_code == code, response.get_data(as_text=True)[:500]
    body = response.get_json()
    assert set(body) == {"code", "status", "message", "errors"}
    assert body["code"] == code
    return body


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/donations/2637479440",
        f"/api/v1/donations/{HUGE}",
        "/api/v1/organisations/1/members/5981007297896971264",
        f"/api/v1/initiatives/{HUGE}",
        f"/api/v1/reports/{DB_INTEGER_MAX + 1}/pdf",
        "/api/v1/initiatives/0",
    ],
)
def test_an_id_that_cannot_exist_is_404(client, make_user, auth_headers, path):
    headers = auth_headers(make_user())
    if "/members/" in path:
        response = client.patch(path, json={"role": "member"}, headers=headers)
    else:
        response = client.get(path, headers=headers)
    assert_error_format(response, 404)


def test_the_openapi_document_states_the_id_bounds(client):
    document = client.get("/api/v1/openapi.json").get_json()
    [parameter] = document["paths"]["/api/v1/donations/{donation_id}"]["parameters"]
    assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": DB_INTEGER_MAX}


@pytest.mark.parametrize("page", [HUGE, str(DB_INTEGER_MAX + 1)])
def test_a_page_beyond_the_database_is_a_422_on_the_field(client, page):
    body = assert_error_format(client.get(f"/api/v1/initiatives?page={page}"), 422)
    assert list(body["errors"]) == ["page"]


@pytest.mark.parametrize("initiative_id", [20922789887999, int(HUGE)])
def test_a_json_id_beyond_the_database_is_a_422_on_the_field(
    client, make_user, auth_headers, initiative_id
):
    response = client.post(
        "/api/v1/donations",
        json={"initiative_id": initiative_id, "amount": "25.00"},
        headers=auth_headers(make_user()),
    )
    body = assert_error_format(response, 422)
    assert list(body["errors"]) == ["initiative_id"]


def test_nul_in_a_query_is_422(client):
    body = assert_error_format(client.get("/api/v1/initiatives?q=%00"), 422)
    assert list(body["errors"]) == ["q"]


def test_nul_in_a_json_body_names_the_field(client, make_user, auth_headers):
    response = client.post(
        "/api/v1/initiatives",
        json={"name": "Buurt\x00tuin", "values": [{"note": "ok"}, {"note": "a\x00"}]},
        headers=auth_headers(make_user()),
    )
    body = assert_error_format(response, 422)
    assert set(body["errors"]) == {"name", "values.1.note"}


def test_nul_in_a_path_is_404(client):
    assert_error_format(client.get("/api/v1/metrics/a%00b"), 404)
    assert client.get("/initiatives/a%00b").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/initiatives?q=%00",
        "/initiatives?municipality=Utrecht%00",
        "/exchange/?province=%00",
        "/exchange/map?q=1234%00",
    ],
)
def test_nul_on_web_pages_is_an_error_page_not_a_500(client, url):
    response = client.get(url)
    assert response.status_code == 422
    assert "text/html" in response.content_type


def test_nul_in_a_web_form_is_refused(client, login, make_user):
    login(make_user())
    response = client.post("/account/profile", data={"name": "Ann\x00", "locale": "nl"})
    assert response.status_code == 422


@pytest.mark.parametrize("page", [HUGE, str(DB_INTEGER_MAX + 1)])
def test_web_pages_beyond_the_last_possible_page_are_404(client, login, make_user, page):
    assert client.get(f"/initiatives?page={page}").status_code == 404
    assert client.get(f"/exchange/?page={page}").status_code == 404
    login(make_user())
    assert client.get(f"/impact-reports?page={page}").status_code == 404


@pytest.mark.parametrize("page", ["abc", "²", "-5", ""])
def test_unreadable_web_page_numbers_show_the_first_page(client, page):
    assert client.get(f"/initiatives?page={page}").status_code == 200


def test_map_radius_is_clamped(client):
    assert client.get(f"/exchange/map?q=Utrecht&radius={HUGE}").status_code == 200
    assert client.get("/exchange/map?q=Utrecht&radius=-3").status_code == 200


def test_whole_numbers_and_ids():
    assert whole_number(" +42 ") == 42
    assert whole_number("-3") == -3
    assert whole_number("4" * 5000) == 10**18  # beyond Python's own digit limit: no error
    assert whole_number("²") is None and whole_number("1.5") is None
    assert as_id("7") == 7 and as_id(7) == 7
    assert as_id(HUGE) is None and as_id("0") is None and as_id(True) is None


# --- search: what people type is matched literally -------------------------------------------


def test_search_matches_percent_and_underscore_literally(client, make_initiative):
    make_initiative(name="Korting 100% duurzaam", summary="Zonnepanelen")
    make_initiative(name="Tuin_groep Noord", summary="Groen")
    make_initiative(name="Buurthuis", summary="Koffie")

    def names(q):
        response = client.get("/api/v1/initiatives", query_string={"q": q})
        return sorted(item["name"] for item in response.get_json()["items"])

    assert names("%") == ["Korting 100% duurzaam"]
    assert names("_") == ["Tuin_groep Noord"]
    assert names("100%") == ["Korting 100% duurzaam"]
    assert names("k_rting") == []  # "_" is no wildcard: "Korting" does not match
    assert names("\\") == []
    assert names("tuin_") == ["Tuin_groep Noord"]


# --- redirects: every next= through the one safe-redirect function --------------------------


@pytest.mark.parametrize(
    "evil",
    ["/\t/evil.com", "/\n/evil.com", "//evil.com", "/\\evil.com", "https://evil.com", "/\r/x"],
)
def test_follow_next_never_leaves_the_site(client, login, make_user, make_initiative, evil):
    login(make_user())
    initiative = make_initiative()
    response = client.post(
        "/follow", data={"subject_type": "initiative", "subject_id": initiative.id, "next": evil}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/feed"


def test_follow_keeps_a_safe_next_and_refuses_impossible_ids(
    client, login, make_user, make_initiative
):
    login(make_user())
    initiative = make_initiative()
    target = f"/initiatives/{initiative.slug}"
    response = client.post(
        "/follow", data={"subject_type": "initiative", "subject_id": initiative.id, "next": target}
    )
    assert response.headers["Location"] == target
    for form in (
        {"subject_id": HUGE},
        {"subject_id": "abc"},
        {"subject_id": initiative.id, "organisation_id": HUGE},
    ):
        form["subject_type"] = "initiative"
        assert client.post("/follow", data=form).status_code == 404


def test_login_next_with_control_characters_stays_on_the_site(client, make_user):
    user = make_user()
    response = client.post(
        "/account/login", data={"email": user.email, "password": TEST_PASSWORD, "next": "/\t/e.com"}
    )
    assert response.headers["Location"] == "/account"


def test_every_next_parameter_goes_through_safe_next():
    """Read the code: each `<...>.get("next")` is an argument of safe_next, or only fills a form
    field (`LoginForm(next=...)`) whose value reaches safe_next later."""
    offenders = []
    for path in sorted(Path("marketplace").rglob("*.py")):
        tree = ast.parse(path.read_text())
        allowed = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "safe_next":
                allowed.update(id(arg) for arg in node.args)
            if isinstance(node, ast.keyword) and node.arg == "next":
                allowed.add(id(node.value))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and node.args[0].value == "next"
                and id(node) not in allowed
            ):
                offenders.append(f"{path}:{node.lineno}")
    assert offenders == []


def test_every_api_schema_uses_the_bounded_integer():
    """`marketplace.api.schemas.Integer` (database bounds) everywhere, never marshmallow's own."""
    offenders = [
        f"{path}:{number}"
        for path in sorted(Path("marketplace").rglob("*.py"))
        if path != Path("marketplace/api/schemas.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "fields.Integer(" in line or "fields.Int(" in line
    ]
    assert offenders == []


def test_every_operation_documents_its_errors(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            responses = operation["responses"]
            assert {"401", "default"} <= set(responses), (method, path)
            if "{" in path:
                assert "404" in responses, (method, path)
            if operation.get("security"):
                assert "403" in responses, (method, path)
            success = [code for code in responses if code.startswith("2")]
            assert success, (method, path)
            for code in success:
                content = responses[code].get("content", {})
                assert code == "204" or content, (method, path, code)
                if "application/json" in content:
                    assert "schema" in content["application/json"], (method, path, code)


def test_portfolio_months_beyond_the_calendar_are_a_field_error(
    client, login, make_user, auth_headers
):
    user = make_user()
    api = client.get("/api/v1/portfolio?from=0001-01&to=9999-12", headers=auth_headers(user))
    assert list(assert_error_format(api, 422)["errors"]) == ["to"]
    login(user)
    assert client.get("/portfolio?from=0001-01&to=9999-12").status_code == 200
