"""Registration reveals nothing about existing accounts; every new address confirms by link."""

import re

import pytest

from marketplace.accounts import registration
from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.mail.models import MailMessage

PASSWORD = "lang-genoeg-1"


def register(client, email, name="Sanne", password=PASSWORD):
    return client.post(
        "/account/register",
        data={"name": name, "email": email, "password": password, "confirm": password},
        follow_redirects=True,
    )


def confirmation_path(message) -> str:
    link = re.search(r"http://\S+/account/confirm/\S+", message.get_content()).group(0)
    return link.split("5000", 1)[1]


def visible_text(response, email: str) -> str:
    """The page without the address itself (the answer may repeat what was typed)."""
    return response.get_data(as_text=True).replace(email, "")


def test_same_answer_whether_or_not_the_address_has_an_account(client, make_user, outbox):
    existing = make_user(email="bestaat@example.org", name="Bea")
    taken = register(client, "Bestaat@Example.org", name="Indringer")
    fresh = register(client, "nieuw@example.org", name="Nina")
    assert taken.status_code == fresh.status_code == 200
    assert taken.request.path == fresh.request.path == "/account/login"
    assert visible_text(taken, "bestaat@example.org") == visible_text(fresh, "nieuw@example.org")
    # The existing account is untouched: same name, same password.
    db.session.refresh(existing)
    assert existing.name == "Bea"
    assert client.post(
        "/account/login", data={"email": existing.email, "password": "correct-horse-battery"}
    ).status_code == 302  # fmt: skip


def test_owner_of_an_existing_account_is_told_someone_tried(client, make_user, outbox):
    make_user(email="bestaat@example.org", name="Bea")
    register(client, "bestaat@example.org", name="Indringer")
    [mail] = outbox()
    assert mail["To"] == "bestaat@example.org"
    body = mail.get_content()
    assert "/account/login" in body and "/account/forgot" in body
    assert "/account/confirm/" not in body
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1


def test_new_account_logs_in_only_after_the_link(client, outbox):
    register(client, "nieuw@example.org")
    [mail] = outbox()
    assert mail["To"] == "nieuw@example.org"
    before = client.post(
        "/account/login", data={"email": "nieuw@example.org", "password": PASSWORD}
    )
    assert before.status_code == 422
    assert "bevestig" in before.get_data(as_text=True).lower()
    assert client.get("/account").status_code == 302
    # Logging in before confirming sends a fresh link; either link works.
    assert len(outbox()) == 2
    confirmed = client.get(confirmation_path(mail), follow_redirects=True)
    assert "bevestigd" in confirmed.get_data(as_text=True)
    user = db.session.scalar(db.select(User).where(User.email == "nieuw@example.org"))
    assert user.email_confirmed_at is not None
    after = client.post("/account/login", data={"email": "nieuw@example.org", "password": PASSWORD})
    assert after.status_code == 302
    assert client.get("/account").status_code == 200


def test_link_is_signed_and_expires(app, client, outbox):
    register(client, "nieuw@example.org")
    path = confirmation_path(outbox()[0])
    token = path.rsplit("/", 1)[1]
    assert registration.confirm_email(token[:-2] + "xx") is None
    app.config["EMAIL_CONFIRM_MAX_AGE"] = -1
    try:
        assert registration.confirm_email(token) is None
        client.get(path)
    finally:
        app.config["EMAIL_CONFIRM_MAX_AGE"] = 3 * 24 * 3600
    user = db.session.scalar(db.select(User).where(User.email == "nieuw@example.org"))
    assert user.email_confirmed_at is None


def test_registering_an_unconfirmed_address_again_replaces_the_pending_details(client, outbox):
    register(client, "nieuw@example.org", name="Eerste", password="eerste-wachtwoord")
    [first] = outbox()
    first_link = confirmation_path(first)
    register(client, "nieuw@example.org", name="Tweede", password="tweede-wachtwoord")
    [second] = [m for m in outbox() if confirmation_path(m) != first_link]
    second_link = confirmation_path(second)
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1
    # The older link was made for the older password: it no longer confirms anything.
    client.get(first_link)
    user = db.session.scalar(db.select(User).where(User.email == "nieuw@example.org"))
    assert user.email_confirmed_at is None
    client.get(second_link)
    db.session.refresh(user)
    assert user.email_confirmed_at is not None and user.name == "Tweede"


def test_password_reset_link_also_confirms_the_address(client, outbox):
    register(client, "nieuw@example.org")
    client.post("/account/forgot", data={"email": "nieuw@example.org"})
    reset = next(m for m in outbox() if "/account/reset/" in m.get_content())
    link = re.search(r"http://\S+/account/reset/\S+", reset.get_content()).group(0)
    path = link.split("5000", 1)[1]
    client.post(path, data={"new_password": "nieuw-geheim-1", "confirm": "nieuw-geheim-1"})
    login = client.post(
        "/account/login", data={"email": "nieuw@example.org", "password": "nieuw-geheim-1"}
    )
    assert login.status_code == 302


def test_registration_answers_the_same_when_the_mail_server_is_down(app, client, monkeypatch):
    """SMTP down: the mail waits in the outbox for the mail-outbox job; no error page."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", 1)  # nothing listens there
    response = register(client, "nieuw@example.org")
    assert response.status_code == 200 and response.request.path == "/account/login"
    queued = db.session.scalars(db.select(MailMessage)).all()
    assert [m.to for m in queued] == ["nieuw@example.org"]


@pytest.mark.parametrize("locale", ["nl", "en"])
def test_mails_are_in_the_account_language(client, outbox, locale):
    client.get(f"/lang/{locale}")
    register(client, "nieuw@example.org")
    subject = outbox()[0]["Subject"]
    expected = "Bevestig" if locale == "nl" else "Confirm"
    assert subject.startswith(expected)
