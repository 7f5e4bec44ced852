"""Money that never goes negative unseen: refunds and chargebacks beyond the payment are recorded
as the provider reports them, the gift is flagged, every total counts it as zero until (and after)
an admin resolves it with a note, and `payments audit` checks the ledger of every gift."""

from sqlalchemy import func, select, text

from marketplace.donations import refunds
from marketplace.donations.models import Contribution, ContributionEvent, ContributionStatus, Flag
from marketplace.extensions import db
from marketplace.figures.models import FunderSeries
from marketplace.figures.read import raised_cents


def ledger_total(contribution_id: int) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(ContributionEvent.amount_cents), 0)).where(
            ContributionEvent.contribution_id == contribution_id
        )
    )


def paid_gift(client, give, mollie, amount="100.00"):
    assert give(amount).status_code == 303
    contribution = db.session.scalars(select(Contribution).order_by(Contribution.id.desc())).first()
    mollie.pay(contribution.provider_payment_id)
    client.post("/webhooks/mollie", data={"id": contribution.provider_payment_id})
    db.session.refresh(contribution)
    assert contribution.status == ContributionStatus.PAID
    return contribution


def portfolio_given(client, headers) -> str:
    answer = client.get("/api/v1/portfolio", headers=headers).get_json()
    return answer["totals"]["given"]


def test_refund_then_chargeback_below_zero_is_recorded_flagged_and_counted_as_zero(
    client, give, mollie, initiative, donor, make_user, auth_headers
):
    kept = paid_gift(client, give, mollie, "40.00")  # another gift: the total must keep it
    gift = paid_gift(client, give, mollie, "100.00")
    admin = make_user(role="admin")
    refunds.refund_contribution(admin, gift.id)  # everything back to the donor ...
    mollie.add_chargeback(gift.provider_payment_id, 10000)  # ... and the bank reverses it too
    client.post("/webhooks/mollie", data={"id": gift.provider_payment_id})
    client.post("/webhooks/mollie", data={"id": gift.provider_payment_id})  # a replay

    db.session.refresh(gift)
    # Recorded exactly as the provider reports it: nothing refused, nothing clipped.
    assert gift.refunded_cents == 10000 and gift.charged_back_cents == 10000
    assert gift.balance_cents == -10000 == ledger_total(gift.id)
    assert gift.net_cents == 0
    assert gift.flagged and gift.flag_reason.startswith(Flag.BELOW_ZERO.value)
    # The SQL expression is the Python one, row by row.
    assert db.session.scalar(select(Contribution.net_cents).where(Contribution.id == gift.id)) == 0
    # Initiative totals, the funder's series (portfolios) and so the exchange: zero, not −100.
    assert raised_cents(initiative.id) == kept.net_cents == 4000
    series_given = db.session.scalars(
        select(FunderSeries.given_cents).where(
            FunderSeries.user_id == donor.id, FunderSeries.initiative_id == initiative.id
        )
    ).one()
    assert series_given[-1] == 4000
    headers = auth_headers(donor)
    assert portfolio_given(client, headers) == "40.00"
    # Admins see it; the API says so.
    answer = client.get(f"/api/v1/donations/{gift.id}", headers=headers).get_json()
    assert answer["flagged"] is True and answer["net"] == "0.00"
    other = client.get(f"/api/v1/donations/{kept.id}", headers=headers).get_json()
    assert other["flagged"] is False
    assert gift in refunds.flagged_contributions()


def test_partial_refund_then_full_chargeback_is_flagged_too(client, give, mollie, initiative):
    gift = paid_gift(client, give, mollie, "50.00")
    mollie.add_refund(gift.provider_payment_id, 2000, status="refunded")
    client.post("/webhooks/mollie", data={"id": gift.provider_payment_id})
    db.session.refresh(gift)
    assert gift.net_cents == 3000 and not gift.flagged
    mollie.add_chargeback(gift.provider_payment_id, 5000)  # the bank takes back the whole payment
    client.post("/webhooks/mollie", data={"id": gift.provider_payment_id})
    db.session.refresh(gift)
    assert gift.charged_back_cents == 5000  # counted as reported, although only 30.00 remained
    assert gift.balance_cents == -2000 == ledger_total(gift.id)
    assert gift.flagged and gift.net_cents == 0 and raised_cents(initiative.id) == 0


def test_exactly_zero_is_not_flagged(client, give, mollie):
    gift = paid_gift(client, give, mollie, "50.00")
    mollie.add_chargeback(gift.provider_payment_id, 5000)
    client.post("/webhooks/mollie", data={"id": gift.provider_payment_id})
    db.session.refresh(gift)
    assert gift.net_cents == 0 == gift.balance_cents and not gift.flagged


def test_admin_resolves_a_flag_with_a_note_kept_in_the_ledger(
    client, give, mollie, initiative, make_user, login
):
    gift = paid_gift(client, give, mollie, "30.00")
    mollie.add_refund(gift.provider_payment_id, 3000, status="refunded")
    mollie.add_chargeback(gift.provider_payment_id, 3000)
    client.post("/webhooks/mollie", data={"id": gift.provider_payment_id})
    admin = make_user(role="admin", email="beheer@example.org")
    login(admin)

    listing = client.get("/admin/donations").get_data(as_text=True)
    flagged_section = listing.split('data-testid="flagged"')[1].split("</section>")[0]
    assert f"/admin/donations/{gift.id}" in flagged_section
    assert "Meer terugbetaald en teruggeboekt dan er betaald is" in flagged_section
    detail = client.get(f"/admin/donations/{gift.id}").get_data(as_text=True)
    assert 'data-testid="resolve-form"' in detail

    empty = client.post(f"/admin/donations/{gift.id}/resolve", data={"resolve-note": "  "})
    assert empty.status_code == 422
    db.session.refresh(gift)
    assert gift.flagged

    note = "Donor confirmed the double return; bank case 123 closed."
    done = client.post(f"/admin/donations/{gift.id}/resolve", data={"resolve-note": note})
    assert done.status_code == 302
    db.session.refresh(gift)
    assert not gift.flagged and gift.net_cents == 0
    assert raised_cents(initiative.id) == 0  # resolving never makes a gift count negative
    row = db.session.scalars(
        select(ContributionEvent)
        .where(ContributionEvent.contribution_id == gift.id)
        .order_by(ContributionEvent.id.desc())
    ).first()
    assert row.to_status == "resolved" and row.amount_cents == 0
    assert "beheer@example.org" in row.detail and note in row.detail
    assert ledger_total(gift.id) == gift.balance_cents
    assert gift not in refunds.flagged_contributions()

    # A further chargeback is a new below-zero state: flagged again.
    mollie.add_chargeback(gift.provider_payment_id, 1000)
    client.post("/webhooks/mollie", data={"id": gift.provider_payment_id})
    db.session.refresh(gift)
    assert gift.flagged and gift.balance_cents == -4000


def test_resolving_is_for_admins_only(client, give, mollie, donor, login):
    gift = paid_gift(client, give, mollie, "30.00")
    login(donor)
    response = client.post(f"/admin/donations/{gift.id}/resolve", data={"resolve-note": "x"})
    assert response.status_code in (403, 404)


def test_payments_audit_checks_every_gift(client, give, mollie, make_user, runner):
    good = paid_gift(client, give, mollie, "20.00")
    below = paid_gift(client, give, mollie, "10.00")
    refunds.refund_contribution(make_user(role="admin"), below.id)
    mollie.add_chargeback(below.provider_payment_id, 1000)
    client.post("/webhooks/mollie", data={"id": below.provider_payment_id})

    result = runner.invoke(args=["payments", "audit"])
    assert result.exit_code == 0, result.output
    assert "0 violating" in result.output

    # An incident: money changed behind the ledger's back.
    db.session.execute(
        text("UPDATE contributions SET refunded_cents = 500 WHERE id = :id"), {"id": good.id}
    )
    db.session.commit()
    result = runner.invoke(args=["payments", "audit"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.startswith(f"gift {good.id}:") for line in lines)
    assert not any(line.startswith(f"gift {below.id}:") for line in lines)
    assert "difference -5.00" in result.output
    assert "1 violating" in result.output
