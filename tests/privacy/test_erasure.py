"""/account/delete and DELETE /api/v1/me: confirmed with the password; personal data removed or
anonymised at once, the fiscal records pseudonymised; a wrong password changes nothing."""

from datetime import date

import pytest
from sqlalchemy import select

from marketplace.accounts.models import ApiToken, User
from marketplace.community.models import Follow
from marketplace.donations.models import Contribution, RecurringGift, RecurringStatus
from marketplace.extensions import db
from marketplace.impact.models import OutcomeReport, ReportPeriod, ReportStatus
from marketplace.organisations.models import Membership
from marketplace.privacy.models import LoginRecord, PrivacyRequest, RequestKind
from marketplace.reporting.models import ReportPreference
from tests.conftest import TEST_PASSWORD


def snapshot(person_id: int) -> tuple:
    user = db.session.get(User, person_id)
    db.session.refresh(user)
    return (
        user.name, user.email, user.active, user.erased_at,
        db.session.query(ApiToken).filter_by(user_id=person_id).count(),
        db.session.query(Membership).filter_by(user_id=person_id).count(),
        db.session.query(Contribution).filter_by(user_id=person_id).count(),
    )  # fmt: skip


def test_a_wrong_password_is_403_and_changes_nothing(browser, rich_person):
    person, _paid, _unpaid = rich_person
    client = browser(person)
    before = snapshot(person.id)
    response = client.post(
        "/account/delete", data={"password": "not-my-password", "understood": "y"}
    )
    assert response.status_code == 403
    assert 'id="password-error"' in response.get_data(as_text=True)
    assert snapshot(person.id) == before
    assert db.session.scalars(select(PrivacyRequest)).all() == []
    assert client.get("/account").status_code == 200  # still logged in


def test_erasure_removes_personal_data_and_keeps_gifts_pseudonymised(
    browser, rich_person, initiative
):
    person, paid, unpaid = rich_person
    paid_id, unpaid_id = paid.id, unpaid.id
    report = OutcomeReport(
        initiative_id=initiative.id, period=ReportPeriod.MONTH, period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31), status=ReportStatus.SUBMITTED, created_by_id=person.id,
    )  # fmt: skip
    db.session.add(report)
    db.session.commit()
    client = browser(person)
    response = client.post("/account/delete", data={"password": TEST_PASSWORD, "understood": "y"})
    assert response.status_code == 302
    user = db.session.get(User, person.id)
    db.session.refresh(user)
    assert (user.name, user.active) == ("", False) and user.erased_at is not None
    assert user.email == f"erased-{person.id}@erased.invalid"
    for model in (ApiToken, Membership, Follow, ReportPreference, LoginRecord):
        assert db.session.query(model).filter_by(user_id=person.id).count() == 0, model
    kept = db.session.get(Contribution, paid_id)
    assert (kept.donor_name, kept.donor_email, kept.message, kept.anonymous) == ("", "", "", True)
    assert kept.user_id == person.id and kept.net_cents == 2500  # the pseudonymised record
    assert db.session.get(Contribution, unpaid_id) is None  # never paid: nothing to keep
    assert db.session.get(OutcomeReport, report.id).created_by_id is None  # now anonymous
    erasure = db.session.scalars(select(PrivacyRequest)).one()
    assert erasure.kind == RequestKind.ERASURE and erasure.user_id == person.id
    assert client.get("/account").status_code == 302  # logged out everywhere
    again = client.post(
        "/account/login", data={"email": "petra@example.org", "password": TEST_PASSWORD}
    )
    assert again.status_code == 422
    client.post(
        "/account/register",
        data={"name": "Petra", "email": "petra@example.org", "password": "a-new-password",
              "confirm": "a-new-password"},
    )  # fmt: skip
    fresh = db.session.scalars(select(User).where(User.email == "petra@example.org")).one()
    assert fresh.id != person.id  # the address is free again: a new account, no old data


def test_erasure_stops_monthly_gifts(browser, person, initiative):
    client = browser(person)
    client.post(
        f"/initiatives/{initiative.slug}/give", data={"amount": "10.00", "interval": "monthly"}
    )
    gift = db.session.scalars(select(Contribution)).one()
    client.post(f"/donations/simulator/{gift.provider_payment_id}", data={"outcome": "paid"})
    monthly = db.session.scalars(select(RecurringGift)).one()
    assert monthly.status == RecurringStatus.ACTIVE
    client.post("/account/delete", data={"password": TEST_PASSWORD, "understood": "y"})
    db.session.refresh(monthly)
    assert monthly.status == RecurringStatus.CANCELED


def test_the_api_deletes_with_204_and_a_wrong_password_is_403(client, auth_headers, person):
    headers = auth_headers(person)
    wrong = client.delete("/api/v1/me", json={"password": "wrong-password"}, headers=headers)
    assert wrong.status_code == 403
    assert wrong.get_json()["code"] == 403 and "password" in wrong.get_json()["errors"]
    assert db.session.get(User, person.id).erased_at is None
    missing = client.delete("/api/v1/me", json={}, headers=headers)
    assert missing.status_code == 422 and "password" in missing.get_json()["errors"]
    response = client.delete("/api/v1/me", json={"password": TEST_PASSWORD}, headers=headers)
    assert response.status_code == 204 and response.data == b""
    assert client.get("/api/v1/donations", headers=headers).status_code == 401  # token gone


@pytest.mark.parametrize("as_admin", [True, False])
def test_an_admin_erases_for_someone_and_nobody_else_can(
    client, auth_headers, make_user, person, as_admin
):
    actor = make_user(role="admin" if as_admin else "user")
    response = client.delete(
        f"/api/v1/users/{person.id}", json={"password": TEST_PASSWORD}, headers=auth_headers(actor)
    )
    assert response.status_code == (204 if as_admin else 404)
    assert (db.session.get(User, person.id).erased_at is not None) is as_admin


def test_the_admin_page_erases_with_the_admins_password(browser, make_user, person):
    admin = make_user(role="admin")
    web = browser(admin)
    wrong = web.post(f"/admin/privacy/users/{person.id}/erase", data={"password": "nope-nope"})
    assert wrong.status_code in (302, 303)
    assert db.session.get(User, person.id).erased_at is None
    web.post(f"/admin/privacy/users/{person.id}/erase", data={"password": TEST_PASSWORD})
    erased = db.session.get(User, person.id)
    db.session.refresh(erased)
    assert erased.erased_at is not None
    request = db.session.scalars(select(PrivacyRequest)).one()
    assert request.by_admin and request.requested_by_id == admin.id
    assert web.get(f"/admin/privacy/users/{person.id}").status_code == 404  # gone
