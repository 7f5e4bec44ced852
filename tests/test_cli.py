from marketplace.accounts.models import Role, User
from marketplace.extensions import db


def test_users_create_and_token(runner, client):
    result = runner.invoke(
        args=["users", "create", "admin@example.org", "--password", "lang-genoeg"]
        + ["--role", "admin"]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.email == "admin@example.org"))
    assert user.role == Role.ADMIN
    result = runner.invoke(args=["users", "token", "admin@example.org", "--label", "ci"])
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    response = client.post(
        "/api/v1/initiatives",
        json={"name": "Via CLI", "theme": "care", "municipality": "Ede"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201


def test_users_create_rejects_bad_input(runner):
    result = runner.invoke(args=["users", "create", "not-an-email", "--password", "lang-genoeg"])
    assert result.exit_code != 0
    assert "e-mail" in result.output.lower()


def test_demo_is_refused_in_production(runner, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPACTBEURS_ENV", "production")
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0
    assert "refused in production" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0
