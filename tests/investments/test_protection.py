"""Investor protection: the knowledge test (data, pass mark, two years, retakes, explanations),
the loss simulation, the risk warning threshold, the sophisticated declaration, and the 403s."""

from datetime import timedelta

import pytest

from marketplace.errors import InvalidInput, NotAllowed
from marketplace.extensions import db
from marketplace.investments import protection
from marketplace.investments.knowledge import load_test
from marketplace.investments.models import KnowledgeTestAttempt
from marketplace.timeutil import utcnow
from tests.investments.conftest import correct_answers, pass_checks


def test_the_test_is_data_with_both_languages_and_a_pass_mark():
    test = load_test()
    assert len(test.questions) == 10 and test.pass_mark == 8 and test.valid_years == 2
    for question in test.questions:
        assert question.text["nl"] and question.text["en"]
        assert question.correct in {c.id for c in question.choices}
        assert question.explanation["nl"] and question.explanation["en"]


def test_get_test_shows_questions_without_answers(client, auth_headers, make_user):
    response = client.get(
        "/api/v1/investor-profile/knowledge-test", headers=auth_headers(make_user(locale="en"))
    )
    assert response.status_code == 200
    questions = response.json["questions"]
    assert questions[0] == {
        "id": "loss",
        "text": "What can happen to the money you invest through a crowdfunding offer?",
        "choices": [
            {"id": "a", "text": "The deposit guarantee scheme pays back up to € 100,000."},
            {"id": "b", "text": "You can lose part or all of it."},
            {"id": "c", "text": "The platform pays you back if the initiative cannot."},
        ],
    }
    assert "correct" not in str(response.json)


def test_a_failed_attempt_teaches_and_a_retake_passes(client, auth_headers, make_user):
    user = make_user()
    headers = auth_headers(user)
    wrong = {
        q.id: next(c.id for c in q.choices if c.id != q.correct) for q in load_test().questions
    }
    failed = client.post(
        "/api/v1/investor-profile/knowledge-test", json={"answers": wrong}, headers=headers
    )
    assert failed.status_code == 200
    assert failed.json["passed"] is False and failed.json["valid_until"] is None
    assert failed.json["correct"] == 0
    first = failed.json["results"][0]
    assert first == {
        "question_id": "loss",
        "correct": False,
        "correct_choice_id": "b",
        "explanation": load_test().questions[0].explanation["nl"],
    }
    seven_right = dict(correct_answers())
    for question_id in list(seven_right)[:3]:
        seven_right[question_id] = wrong[question_id]
    almost = client.post(
        "/api/v1/investor-profile/knowledge-test", json={"answers": seven_right}, headers=headers
    )
    assert almost.json["correct"] == 7 and almost.json["passed"] is False  # pass mark 8

    passed = client.post(
        "/api/v1/investor-profile/knowledge-test",
        json={"answers": correct_answers()},
        headers=headers,
    )
    assert passed.json["passed"] is True
    valid_until = passed.json["valid_until"]
    assert valid_until[:4] == str(utcnow().year + 2)
    profile = client.get("/api/v1/investor-profile", headers=headers).json
    assert profile["knowledge_test_passed"] is True
    assert profile["may_invest"] is False  # the simulation is still to do
    assert profile["next_step"].endswith("/investments/loss-simulation")


def test_unknown_questions_or_choices_are_422(client, auth_headers, make_user):
    response = client.post(
        "/api/v1/investor-profile/knowledge-test",
        json={"answers": {"loss": "z", "nope": "a"}},
        headers=auth_headers(make_user()),
    )
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"answers.loss", "answers.nope"}


def test_loss_simulation_net_worth_and_ten_percent(client, auth_headers, make_user):
    response = client.post(
        "/api/v1/investor-profile/loss-simulation",
        json={"net_income": "42000.00", "liquid_assets": "25000", "commitments": "12000.50"},
        headers=auth_headers(make_user()),
    )
    assert response.status_code == 200
    data = response.json
    assert data["net_worth"] == "54999.50"
    assert data["loss_capacity"] == "5499.95"
    assert data["risk_warning_above"] == "2749.97"  # 5%, rounded down to the cent
    bad = client.post(
        "/api/v1/investor-profile/loss-simulation",
        json={"net_income": "-1", "liquid_assets": "x", "commitments": "0"},
        headers=auth_headers(make_user()),
    )
    assert bad.status_code == 422
    assert set(bad.json["errors"]) == {"net_income", "liquid_assets"}


def test_risk_warning_threshold_is_at_least_a_thousand_euros(make_user):
    small = pass_checks(make_user(), "10000", "0", "5000")  # net worth € 5.000
    profile = protection.profile_of(small)
    assert protection.risk_warning_threshold_cents(profile) == 100_000
    assert protection.needs_risk_warning(profile, 100_001)
    assert not protection.needs_risk_warning(profile, 100_000)
    poor = pass_checks(make_user(), "0", "0", "5000")  # negative net worth
    assert protection.risk_warning_threshold_cents(protection.profile_of(poor)) == 100_000
    assert protection.loss_capacity_cents(-500_000) == 0


def test_subscribing_without_a_passed_test_is_403_with_a_link(
    client, auth_headers, make_user, make_offer
):
    offer = make_offer()
    user = make_user()
    response = client.post(
        f"/api/v1/offers/{offer.id}/subscriptions",
        json={"amount": "500.00"},
        headers=auth_headers(user),
    )
    assert response.status_code == 403
    assert "http://127.0.0.1:5000/investments/knowledge-test" in response.json["message"]
    assert response.json["errors"] == {
        "knowledge_test": ["http://127.0.0.1:5000/investments/knowledge-test"]
    }
    protection.take_test(user, correct_answers(), "nl")
    without_simulation = client.post(
        f"/api/v1/offers/{offer.id}/subscriptions",
        json={"amount": "500.00"},
        headers=auth_headers(user),
    )
    assert without_simulation.status_code == 403
    assert "loss_simulation" in without_simulation.json["errors"]


def test_a_pass_expires_after_two_years(make_user):
    user = pass_checks(make_user())
    attempt = db.session.query(KnowledgeTestAttempt).filter_by(user_id=user.id).one()
    attempt.taken_at = utcnow() - timedelta(days=365 * 2 + 1)
    db.session.commit()
    assert protection.valid_pass(user) is None
    assert protection.next_step(user) == "investor.knowledge_test"


def test_risk_warning_must_be_acknowledged_above_the_threshold(
    client, auth_headers, investor, make_offer
):
    offer = make_offer()
    headers = auth_headers(investor)  # net worth € 60.000: warning above € 3.000
    url = f"/api/v1/offers/{offer.id}/subscriptions"
    at_threshold = client.post(url, json={"amount": "3000.00"}, headers=headers)
    assert at_threshold.status_code == 201
    above = client.post(url, json={"amount": "3000.01"}, headers=headers)
    assert above.status_code == 422
    assert "acknowledge_risk" in above.json["errors"]
    assert "3.000,00" in above.json["errors"]["acknowledge_risk"][0]
    acknowledged = client.post(
        url, json={"amount": "3000.01", "acknowledge_risk": True}, headers=headers
    )
    assert acknowledged.status_code == 201


def test_sophisticated_declaration_accepted_by_an_admin_skips_the_checks(
    client, auth_headers, make_user, admin, make_offer
):
    user = make_user()
    with pytest.raises(InvalidInput) as refused:
        protection.declare_sophisticated(user, ["financial_sector"], True)
    assert refused.value.errors.keys() == {"criteria"}
    profile = protection.declare_sophisticated(
        user, ["financial_sector", "income_or_portfolio"], True
    )
    assert profile.sophistication.value == "requested"
    assert protection.next_step(user) == "investor.knowledge_test"  # not yet accepted
    protection.decide_sophistication(admin, profile.id, accept=True)
    assert protection.next_step(user) is None
    offer = make_offer()
    response = client.post(
        f"/api/v1/offers/{offer.id}/subscriptions",
        json={"amount": "9000.00"},  # no risk warning for a sophisticated investor
        headers=auth_headers(user),
    )
    assert response.status_code == 201, response.json
    assert client.get("/api/v1/investor-profile", headers=auth_headers(user)).json["sophisticated"]


def test_admin_decision_needs_an_admin(make_user):
    user = make_user()
    profile = protection.declare_sophisticated(
        user, ["financial_sector", "professional_client"], True
    )
    with pytest.raises(NotAllowed):
        protection.decide_sophistication(make_user(), profile.id, accept=True)
    assert protection.profile_of(user).sophistication.value == "requested"
