import re

from marketplace.accounts.models import User
from marketplace.accounts.passwords import verify_password
from marketplace.extensions import db
from tests.conftest import TEST_PASSWORD


def test_register_hashes_with_argon2_and_waits_for_confirmation(client):
    response = client.post(
        "/account/register",
        data={
            "name": "Sanne",
            "email": "Sanne@Example.org",
            "password": "lang-genoeg-1",
            "confirm": "lang-genoeg-1",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "sanne@example.org"))
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, "lang-genoeg-1")
    assert user.email_confirmed_at is None
    assert client.get("/account").status_code == 302  # not logged in before confirming


def test_register_rejects_short_password(client):
    short = client.post(
        "/account/register",
        data={"name": "A", "email": "a@example.org", "password": "kort", "confirm": "kort"},
    )
    assert short.status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_login_message_does_not_reveal_whether_account_exists(client, make_user):
    user = make_user()
    wrong_password = client.post("/account/login", data={"email": user.email, "password": "nope"})
    unknown = client.post("/account/login", data={"email": "ghost@example.org", "password": "x"})
    assert wrong_password.status_code == unknown.status_code == 422
    text_a = re.sub(r"ghost@example.org|" + re.escape(user.email), "", wrong_password.text)
    text_b = re.sub(r"ghost@example.org|" + re.escape(user.email), "", unknown.text)
    assert text_a == text_b


def test_login_redirects_only_to_same_site_paths(client, make_user):
    user = make_user()
    for evil in ("//evil.example", "/\\evil.example", "https://evil.example/x", "javascript:x"):
        response = client.post(
            "/account/login", data={"email": user.email, "password": TEST_PASSWORD, "next": evil}
        )
        assert response.headers["Location"] == "/account"
        client.post("/account/logout")
    response = client.post(
        "/account/login",
        data={"email": user.email, "password": TEST_PASSWORD, "next": "/initiatives?theme=care"},
    )
    assert response.headers["Location"] == "/initiatives?theme=care"


def test_logout_invalidates_every_copy_of_the_cookie(app, client, login, make_user):
    login(make_user())
    stolen = app.test_client()
    stolen.set_cookie("session", client.get_cookie("session").value)
    assert stolen.get("/account").status_code == 200
    client.post("/account/logout")
    assert stolen.get("/account").status_code == 302


def test_change_password_logs_out_other_sessions(app, client, login, make_user):
    user = login(make_user())
    other = app.test_client()
    other.post("/account/login", data={"email": user.email, "password": TEST_PASSWORD})
    response = client.post(
        "/account/password",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": "een-nieuw-wachtwoord",
            "confirm": "een-nieuw-wachtwoord",
        },
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302


def test_change_password_requires_current_password(client, login, make_user):
    login(make_user())
    response = client.post(
        "/account/password",
        data={"current_password": "wrong", "new_password": "abcdefghij", "confirm": "abcdefghij"},
    )
    assert response.status_code == 422


def test_password_reset_by_mail_link(client, make_user, outbox):
    user = make_user(email="reset@example.org")
    response = client.post("/account/forgot", data={"email": "RESET@example.org"})
    assert response.status_code == 302
    unknown = client.post("/account/forgot", data={"email": "nobody@example.org"})
    assert unknown.status_code == 302
    messages = outbox()
    assert [m["To"] for m in messages] == [user.email]
    link = re.search(r"http://\S+/account/reset/(\S+)", messages[0].get_content()).group(0)
    path = link.split("5000", 1)[1]
    done = client.post(path, data={"new_password": "nieuw-geheim-1", "confirm": "nieuw-geheim-1"})
    assert done.status_code == 302
    # The link works once: the password it was made for has changed.
    again = client.post(path, data={"new_password": "nog-een-keer-1", "confirm": "nog-een-keer-1"})
    assert again.headers["Location"].endswith("/account/forgot")
    assert (
        client.post(
            "/account/login", data={"email": user.email, "password": "nieuw-geheim-1"}
        ).status_code
        == 302
    )


def test_reset_token_expires(app, make_user):
    from marketplace.accounts import services

    user = make_user()
    token = services.make_reset_token(user)
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    try:
        assert services.user_for_reset_token(token) is None
    finally:
        app.config["PASSWORD_RESET_MAX_AGE"] = 3600
    assert services.user_for_reset_token(token + "x") is None


def test_api_token_shown_once_stored_hashed_and_revocable(client, login, make_user):
    user = login(make_user())
    page = client.post("/account/tokens", data={"label": "script"})
    token = re.search(r'data-testid="new-token">(ib_[^<]+)<', page.text).group(1)
    assert token not in client.get("/account").text
    assert user.tokens[0].token_hash != token
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/initiatives", json={}, headers=headers).status_code == 422
    client.post(f"/account/tokens/{user.tokens[0].id}/revoke")
    assert client.post("/api/v1/initiatives", json={}, headers=headers).status_code == 401


def test_cannot_revoke_someone_elses_token(client, login, make_user, auth_headers):
    owner = make_user()
    auth_headers(owner)
    login(make_user())
    response = client.post(f"/account/tokens/{owner.tokens[0].id}/revoke")
    assert response.status_code == 404
    assert owner.tokens[0].revoked_at is None


def test_login_is_rate_limited(app, client):
    from marketplace.extensions import limiter

    app.config["LOGIN_RATE_LIMIT"] = "5 per minute"
    try:
        statuses = [
            client.post(
                "/account/login", data={"email": "x@example.org", "password": "bad"}
            ).status_code
            for _ in range(7)
        ]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "10000 per minute"
        limiter.reset()
    assert statuses[:5] == [422] * 5
    assert statuses[5:] == [429, 429]
