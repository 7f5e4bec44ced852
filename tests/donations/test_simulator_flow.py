"""Giving with the simulator: give form → test checkout → return page → paid, end to end."""

from sqlalchemy import select

from marketplace.donations.models import Contribution, ContributionEvent, ContributionStatus
from marketplace.extensions import db
from marketplace.figures.read import raised_cents


def only_contribution() -> Contribution:
    return db.session.scalars(select(Contribution)).one()


def test_give_simulator_paid_credits_the_initiative(client, give, initiative, outbox):
    response = give("25.00", message="Succes!")
    assert response.status_code == 303
    checkout = response.headers["Location"]
    assert checkout.startswith("/donations/simulator/sim_")

    page = client.get(checkout)
    assert page.status_code == 200
    assert "TEST" in page.get_data(as_text=True)

    back = client.post(checkout, data={"outcome": "paid"})
    assert back.status_code == 303
    contribution = only_contribution()
    assert back.headers["Location"].endswith(f"/donations/{contribution.id}/return")
    assert contribution.status == ContributionStatus.PAID
    assert contribution.net_cents == 2500
    assert raised_cents(initiative.id) == 2500

    ledger = db.session.scalars(select(ContributionEvent)).all()
    assert [(e.kind.value, e.amount_cents) for e in ledger] == [("payment", 2500)]

    status = client.get(f"/donations/{contribution.id}/status").get_json()
    assert status["status"] == "paid" and status["final"] is True and status["paid"] is True

    page = client.get(f"/initiatives/{initiative.slug}")
    assert "25,00" in page.get_data(as_text=True)

    mails = outbox()
    assert len(mails) == 1
    body = mails[0].get_body(preferencelist=("plain",)).get_content()
    assert "Stichting Buurtmoestuin" in body and "002441484" in body
    assert "IB-" in body and "periodieke" not in body.lower()


def test_simulator_failed_then_retry_makes_a_new_attempt(client, give):
    checkout = give("10").headers["Location"]
    client.post(checkout, data={"outcome": "failed"})
    first = only_contribution()
    assert first.status == ContributionStatus.FAILED
    page = client.get(f"/donations/{first.id}/return").get_data(as_text=True)
    assert "retry" in page

    again = client.post(f"/donations/{first.id}/retry")
    assert again.status_code == 303
    second_checkout = again.headers["Location"]
    assert second_checkout != checkout
    client.post(second_checkout, data={"outcome": "paid"})
    statuses = sorted(c.status.value for c in db.session.scalars(select(Contribution)))
    assert statuses == ["failed", "paid"]


def test_the_same_gift_twice_reuses_the_open_checkout(give):
    first = give("30").headers["Location"]
    second = give("30").headers["Location"]
    assert first == second
    assert db.session.query(Contribution).count() == 1


def test_invalid_amounts_are_form_errors(give):
    for amount in ("0", "-5", "1,2345", "25000.01", "25.000,01", "abc", "0.99", "", "1.5,00"):
        response = give(amount)
        assert response.status_code == 422, amount
    assert db.session.query(Contribution).count() == 0


def test_return_page_of_someone_else_is_not_found(client, give, make_user, login):
    give("15")
    contribution = only_contribution()
    login(make_user())
    assert client.get(f"/donations/{contribution.id}/return").status_code == 404
    assert client.get(f"/donations/{contribution.id}/status").status_code == 404


def test_anonymous_gift_hides_the_name_on_the_donor_wall(client, give, initiative, donor):
    checkout = give("20", anonymous="y", message="geheim").headers["Location"]
    client.post(checkout, data={"outcome": "paid"})
    page = client.get(f"/initiatives/{initiative.slug}").get_data(as_text=True)
    assert 'data-testid="donor-wall"' in page
    assert donor.name not in page.split('data-testid="donor-wall"')[1]
    assert "geheim" not in page


def test_amounts_as_people_type_them_in_the_give_form(give):
    for typed, cents in (("1.500,00", 150000), ("1500,00", 150000), ("1500.00", 150000),
                         ("1.500", 150000), ("1,5", 150), ("€ 12,50", 1250)):  # fmt: skip
        assert give(typed).status_code == 303, typed
        contribution = db.session.scalars(
            db.select(Contribution).order_by(Contribution.id.desc())
        ).first()
        assert contribution.amount_cents == cents, typed
