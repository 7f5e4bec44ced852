"""Stopping a monthly gift: a confirm step (CSRF-protected), only for its donor; stopped monthly
gifts stay in the history."""

from marketplace.donations.models import RecurringGift, RecurringStatus
from marketplace.extensions import db


def monthly_gift(donor, initiative) -> RecurringGift:
    gift = RecurringGift(
        user_id=donor.id, initiative_id=initiative.id, amount_cents=1500, currency="EUR",
        provider="simulator", status=RecurringStatus.ACTIVE,
    )  # fmt: skip
    db.session.add(gift)
    db.session.commit()
    return gift


def test_the_confirm_step_is_csrf_protected(app, client, login, donor, initiative):
    gift = monthly_gift(donor, initiative)
    login(donor)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = client.get(f"/donations/monthly/{gift.id}/cancel").get_data(as_text=True)
        assert 'name="csrf_token"' in page
        forged = client.post(f"/donations/monthly/{gift.id}/cancel", data={"confirm": "yes"})
        assert forged.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db.session.refresh(gift)
    assert gift.status == RecurringStatus.ACTIVE


def test_only_the_donor_can_stop_it(client, login, donor, initiative, make_user):
    gift = monthly_gift(donor, initiative)
    login(make_user())
    assert client.get(f"/donations/monthly/{gift.id}/cancel").status_code == 404
    assert client.post(f"/donations/monthly/{gift.id}/cancel",
                       data={"confirm": "yes"}).status_code == 404  # fmt: skip
    db.session.refresh(gift)
    assert gift.status == RecurringStatus.ACTIVE


def test_stopped_gifts_stay_in_the_history(client, login, donor, initiative):
    gift = monthly_gift(donor, initiative)
    login(donor)
    assert client.post(f"/donations/monthly/{gift.id}/cancel",
                       data={"confirm": "yes"}).status_code == 302  # fmt: skip
    db.session.refresh(gift)
    assert gift.status == RecurringStatus.CANCELED
    account = client.get("/account").get_data(as_text=True)
    monthly = account.split('data-testid="monthly-gifts"')[1].split("</section>")[0]
    assert "15,00" in monthly and 'data-testid="stopped-monthly"' in monthly
    assert "Geen maandelijkse giften" not in monthly
