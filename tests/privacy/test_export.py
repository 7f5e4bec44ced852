"""GET /account/export and /api/v1/me/export: all of a person's data, every domain's, as a zip of
JSON and CSV; someone else's only for admins (anybody else: 404)."""

import csv
import io

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.privacy.models import PrivacyRequest, RequestKind
from marketplace.privacy.registry import DataDomain
from tests.privacy.conftest import read_zip


def test_the_export_holds_every_domains_data_as_json_and_csv(browser, rich_person):
    person, paid, _unpaid = rich_person
    response = browser(person).get("/account/export")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    files = read_zip(response.data)
    assert files["account/profile.json"][0]["email"] == "petra@example.org"
    token = files["account/api_tokens.json"][0]
    assert token["label"] == "laptop" and "token_hash" not in token
    assert files["account/logins.json"][0]["method"] == "password"
    gifts = {g["reference"]: g for g in files["donations/gifts.json"]}
    assert gifts[f"IB-{paid.id:06d}"]["amount"] == "25.00"
    assert gifts[f"IB-{paid.id:06d}"]["message"] == "Voor de buurt, van Petra"
    assert files["organisations/memberships.json"] == [
        {"organisation": "Fonds Oost", "role": "owner", "since": files[
            "organisations/memberships.json"][0]["since"]}
    ]  # fmt: skip
    assert files["reporting/report_preferences.json"][0]["cadence"] == "quarterly"
    assert files["community/follows.json"][0]["subject"] == "Repair Café"
    rows = list(csv.DictReader(io.StringIO(files["donations/gifts.csv"])))
    assert {row["reference"] for row in rows} == set(gifts)
    assert "manifest.json" in files and "README.txt" in files
    request = db.session.scalars(select(PrivacyRequest)).one()
    assert (request.kind, request.by_admin, request.user_id) == (
        RequestKind.EXPORT,
        False,
        person.id,
    )


def test_exports_and_log_ins_show_on_the_account_page(browser, person):
    client = browser(person)
    client.get("/account/export")
    page = client.get("/account").get_data(as_text=True)
    assert 'data-testid="logins"' in page and "127.0.0.1" in page
    assert 'data-testid="privacy-requests"' in page
    assert "Data export" in page or "Gegevensexport" in page


def test_the_api_export_is_the_same_zip(client, auth_headers, rich_person):
    person, _paid, _unpaid = rich_person
    response = client.get("/api/v1/me/export", headers=auth_headers(person))
    assert response.status_code == 200 and response.mimetype == "application/zip"
    files = read_zip(response.data)
    assert len(files["donations/gifts.json"]) == 2
    assert db.session.scalars(select(PrivacyRequest.via)).one() == "api"


def test_someone_elses_export_is_not_found(client, auth_headers, browser, person, make_user):
    other = make_user()
    headers = auth_headers(other)
    assert client.get(f"/api/v1/users/{person.id}/export", headers=headers).status_code == 404
    assert client.get("/api/v1/users/999999/export", headers=headers).status_code == 404
    web = browser(other)
    assert web.get(f"/admin/privacy/users/{person.id}/export").status_code == 404
    assert web.get(f"/admin/privacy/users/{person.id}").status_code == 404
    assert web.get("/admin/privacy").status_code == 404
    assert db.session.scalars(select(PrivacyRequest)).all() == []
    assert client.get("/api/v1/me/export").status_code == 401


def test_an_admin_exports_for_someone(client, auth_headers, browser, person, make_user):
    admin = make_user(role="admin")
    response = client.get(f"/api/v1/users/{person.id}/export", headers=auth_headers(admin))
    assert response.status_code == 200
    assert read_zip(response.data)["account/profile.json"][0]["id"] == person.id
    web = browser(admin)
    found = web.get("/admin/privacy", query_string={"email": person.email})
    assert f"/admin/privacy/users/{person.id}" in found.get_data(as_text=True)
    assert web.get(f"/admin/privacy/users/{person.id}/export").status_code == 200
    requests = db.session.scalars(select(PrivacyRequest)).all()
    assert [(r.by_admin, r.requested_by_id) for r in requests] == [(True, admin.id)] * 2


def test_a_new_domain_plugs_into_the_export(app, browser, person):
    """Domains built later (investments, community) register a DataDomain in the factory."""
    domains = app.extensions["privacy_domains"]
    extra = DataDomain("community", export=lambda user: {"updates": [{"title": "Hallo"}]})
    app.extensions["privacy_domains"] = (*domains, extra)
    try:
        files = read_zip(browser(person).get("/account/export").data)
    finally:
        app.extensions["privacy_domains"] = domains
    assert files["community/updates.json"] == [{"title": "Hallo"}]
