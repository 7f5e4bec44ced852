"""Security defaults that every page shares."""

import pytest

from marketplace.security import is_safe_redirect


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_session_cookie_flags(client, make_user):
    user = make_user()
    response = client.post("/account/login", data={"email": user.email, "password": "x"})
    client.post("/account/login", data={"email": user.email, "password": "correct-horse-battery"})
    cookie = client.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    assert response.status_code == 422


@pytest.mark.parametrize(
    "target, safe",
    [
        ("/account", True),
        ("/initiatives?theme=care", True),
        ("//evil.example", False),
        ("/\\evil.example", False),
        ("https://evil.example", False),
        ("javascript:alert(1)", False),
        ("", False),
        (None, False),
    ],
)
def test_safe_redirects(target, safe):
    assert is_safe_redirect(target) is safe


def test_csrf_is_enforced_on_forms(app, make_user):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        response = client.post("/account/login", data={"email": "a@example.org", "password": "x"})
        assert response.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_friendly_404_in_both_languages(client):
    assert "Pagina niet gevonden" in client.get("/does-not-exist").text
    assert "Page not found" in client.get("/does-not-exist?lang=en").text
    api = client.get("/api/v1/nothing-here")
    assert api.status_code == 404
    assert api.get_json()["code"] == 404


def test_production_requires_secret_key(monkeypatch, tmp_path):
    from marketplace.config import ConfigurationError, load_config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("IMPACTBEURS_ENV", "production")
    with pytest.raises(ConfigurationError):
        load_config(tmp_path)
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("PAYMENT_PROVIDER", "simulator")
    with pytest.raises(ConfigurationError):
        load_config(tmp_path)
    monkeypatch.setenv("PAYMENT_PROVIDER", "mollie")
    config = load_config(tmp_path)
    assert config["SESSION_COOKIE_SECURE"] is True
