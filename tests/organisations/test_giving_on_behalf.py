"""POST /api/v1/donations with organisation_id: owners and members only (can_give_for)."""

from marketplace.donations.models import Contribution
from marketplace.extensions import db
from marketplace.organisations.services import accept_invitation, invite_member


def donate(client, headers, initiative, organisation_id):
    return client.post(
        "/api/v1/donations",
        json={
            "initiative_id": initiative.id,
            "amount": "25.00",
            "organisation_id": organisation_id,
        },
        headers=headers,
    )


def test_member_gives_on_behalf_of_the_organisation(
    client, make_user, make_org, make_initiative, auth_headers
):
    owner = make_user()
    org = make_org(owner=owner)
    response = donate(client, auth_headers(owner), make_initiative(), org.id)
    assert response.status_code == 201, response.json
    assert db.session.get(Contribution, response.json["id"]).organisation_id == org.id


def test_viewers_and_strangers_cannot_give_on_behalf(
    client, make_user, make_org, make_initiative, auth_headers
):
    owner, viewer, stranger = make_user(), make_user(), make_user()
    org = make_org(owner=owner)
    _invitation, token = invite_member(org.id, owner, viewer.email, "viewer")
    accept_invitation(token, viewer)
    initiative = make_initiative()
    for user in (viewer, stranger):
        response = donate(client, auth_headers(user), initiative, org.id)
        assert response.status_code == 422
        assert "organisation_id" in response.json["errors"]
    assert donate(client, auth_headers(owner), initiative, 987654).status_code == 422
    assert db.session.query(Contribution).count() == 0


def test_give_form_offers_the_donors_organisations(client, login, make_user, make_initiative):
    from marketplace.organisations import services as organisation_services

    member = login(make_user())
    organisation = organisation_services.create_organisation(member, "Stichting Proef")
    initiative = make_initiative()
    page = client.get(f"/initiatives/{initiative.slug}/give").get_data(as_text=True)
    assert "Stichting Proef" in page
    response = client.post(
        f"/initiatives/{initiative.slug}/give",
        data={"amount": "30", "interval": "once", "organisation_id": str(organisation.id)},
    )
    assert response.status_code == 303
    from marketplace.donations.models import Contribution
    from marketplace.extensions import db

    contribution = db.session.scalars(db.select(Contribution)).one()
    assert contribution.organisation_id == organisation.id
