"""Confirming hours: only the task's owner, within the slot, into the figures and portfolio."""

from datetime import timedelta

from sqlalchemy import delete

from marketplace.extensions import db
from marketplace.figures.models import FunderSeries, InitiativeMonth
from marketplace.impact.models import MetricProxy
from marketplace.timeutil import utcnow
from marketplace.volunteering.hours import volunteered_for


def _signed_up(post_task, client, auth_headers, person, **fields):
    task = post_task(**fields).json
    return client.post(f"/api/v1/tasks/{task['id']}/signups", headers=auth_headers(person)).json


def test_owner_confirms_hours_into_figures_and_portfolio(
    post_task, client, make_user, auth_headers, owner, initiative
):
    person = make_user()
    past = (utcnow() - timedelta(hours=2)).isoformat()  # the month of the task is the current one
    signup = _signed_up(post_task, client, auth_headers, person, starts_at=past)
    response = client.post(
        f"/api/v1/signups/{signup['id']}/confirm",
        json={"hours": "1.5"},
        headers=auth_headers(owner),
    )
    assert response.status_code == 200, response.json
    assert response.json["confirmed_hours"] == "1.50"
    months = db.session.query(InitiativeMonth).filter_by(initiative_id=initiative.id).all()
    assert sum(m.volunteer_cents for m in months) == 2820  # 1.5 h × € 18.80
    series = db.session.query(FunderSeries).filter_by(user_id=person.id, kind="time").one()
    assert series.given_cents[-1] == 2820
    assert volunteered_for(person.id, initiative.id)
    portfolio = client.get("/api/v1/portfolio", headers=auth_headers(person)).json
    [holding] = [h for h in portfolio["holdings"] if h["kind"] == "time"]
    assert holding["hours"] == "1.50" and holding["given"] == "28.20"
    page = client.get(f"/initiatives/{initiative.slug}").get_data(as_text=True)
    assert 'data-testid="inputs-volunteer"' in page
    figures = client.get(f"/api/v1/initiatives/{initiative.id}/social-return").json
    assert figures["inputs_volunteer"] == "28.20"


def test_hours_outside_the_slot_are_422(post_task, client, make_user, auth_headers, owner):
    signup = _signed_up(post_task, client, auth_headers, make_user(), duration_minutes=60)
    url = f"/api/v1/signups/{signup['id']}/confirm"
    for hours in ("-1", "1.01", "abc", 2):
        assert (
            client.post(url, json={"hours": hours}, headers=auth_headers(owner)).status_code == 422
        )
    assert client.post(url, json={"hours": 1}, headers=auth_headers(owner)).status_code == 200


def test_another_initiatives_owner_gets_404(
    post_task, client, make_user, auth_headers, make_initiative
):
    signup = _signed_up(post_task, client, auth_headers, make_user())
    other_owner = make_user()
    make_initiative(owner=other_owner)
    response = client.post(
        f"/api/v1/signups/{signup['id']}/confirm",
        json={"hours": "1"},
        headers=auth_headers(other_owner),
    )
    assert response.status_code == 404


def test_time_given_on_the_portfolio_pages(
    post_task, client, make_user, auth_headers, owner, initiative, login
):
    person = make_user()
    past = (utcnow() - timedelta(hours=2)).isoformat()
    signup = _signed_up(post_task, client, auth_headers, person, starts_at=past)
    client.post(
        f"/api/v1/signups/{signup['id']}/confirm", json={"hours": "2"}, headers=auth_headers(owner)
    )
    login(person)
    page = client.get("/portfolio").get_data(as_text=True)
    assert 'data-kind="time"' in page and "holding-hours" in page
    holding = client.get(f"/portfolio/holdings/{initiative.id}?kind=time")
    assert holding.status_code == 200
    assert client.get("/portfolio/holdings.csv").status_code == 200
    assert client.get("/portfolio/holdings.xlsx").status_code == 200


def test_hours_carry_no_value_without_the_catalogs_proxy(
    post_task, client, make_user, auth_headers, owner, initiative
):
    db.session.execute(delete(MetricProxy))
    db.session.commit()
    person = make_user()
    signup = _signed_up(post_task, client, auth_headers, person)
    client.post(
        f"/api/v1/signups/{signup['id']}/confirm", json={"hours": "1"}, headers=auth_headers(owner)
    )
    months = db.session.query(InitiativeMonth).filter_by(initiative_id=initiative.id).all()
    assert sum(m.volunteer_cents for m in months) == 0
    assert volunteered_for(person.id, initiative.id)  # the hours themselves still count
