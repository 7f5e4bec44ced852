"""Organisations: invitations by signed e-mail link, roles, the last owner, and no IDOR leaks."""

import re

import pytest

from marketplace.errors import Conflict, InvalidInput, NotAllowed, NotFound
from marketplace.organisations import services
from marketplace.organisations.models import MemberRole


def link_token(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"/organisations/invitations/(\S+)", body).group(1)


def test_creator_becomes_owner_and_slug_is_unique(make_user, make_org):
    owner = make_user()
    first = make_org(owner=owner, name="Fonds Één")
    second = make_org(owner=owner, name="Fonds Één")
    assert services.membership_role(first, owner) == "owner"
    assert first.slug == "fonds-een"
    assert second.slug == "fonds-een-2"
    assert [o.id for o in services.organisations_of(owner)] == [first.id, second.id]


def test_invitation_mail_link_lets_the_invited_address_join_with_its_role(
    make_user, make_org, outbox
):
    owner = make_user()
    org = make_org(owner=owner)
    colleague = make_user(email="collega@example.org")
    services.invite_member(org.id, owner, "Collega@Example.org", "member")

    (message,) = outbox()
    assert message["To"] == "collega@example.org"
    token = link_token(message)
    joined = services.accept_invitation(token, colleague)

    assert joined.id == org.id
    assert services.membership_role(org, colleague) == "member"
    assert services.can_give_for(org, colleague)
    with pytest.raises(NotFound):  # a link works once
        services.accept_invitation(token, colleague)


def test_invitation_cannot_be_accepted_by_another_account_or_with_a_forged_link(
    make_user, make_org, outbox
):
    owner = make_user()
    org = make_org(owner=owner)
    services.invite_member(org.id, owner, "invited@example.org", "viewer")
    token = link_token(outbox()[0])
    intruder = make_user()
    with pytest.raises(NotAllowed):
        services.accept_invitation(token, intruder)
    with pytest.raises(NotFound):
        services.accept_invitation(token[:-2] + "xx", intruder)
    assert services.membership_role(org, intruder) is None


def test_viewer_reads_but_cannot_give_or_invite(make_user, make_org, outbox):
    owner, viewer = make_user(), make_user(email="viewer@example.org")
    org = make_org(owner=owner)
    services.invite_member(org.id, owner, viewer.email, "viewer")
    services.accept_invitation(link_token(outbox()[0]), viewer)

    assert services.require_member(org.id, viewer).id == org.id
    assert not services.can_give_for(org, viewer)
    with pytest.raises(NotAllowed):
        services.invite_member(org.id, viewer, "x@example.org", "owner")


def test_non_members_get_not_found(make_user, make_org):
    org = make_org()
    stranger = make_user()
    with pytest.raises(NotFound):
        services.require_member(org.id, stranger)
    with pytest.raises(NotFound):
        services.invite_member(org.id, stranger, "x@example.org", "member")
    with pytest.raises(NotFound):
        services.change_role(org.id, stranger, org.memberships[0].user_id, "viewer")
    assert not services.can_give_for(org, stranger)


def test_at_least_one_owner_remains(make_user, make_org, outbox):
    owner = make_user()
    org = make_org(owner=owner)
    with pytest.raises(Conflict):
        services.change_role(org.id, owner, owner.id, "member")
    with pytest.raises(Conflict):
        services.remove_member(org.id, owner, owner.id)

    second = make_user(email="second@example.org")
    services.invite_member(org.id, owner, second.email, "owner")
    services.accept_invitation(link_token(outbox()[0]), second)
    services.change_role(org.id, second, owner.id, "viewer")
    assert services.membership_role(org, owner) == MemberRole.VIEWER.value
    with pytest.raises(Conflict):
        services.remove_member(org.id, second, second.id)


def test_bad_input_is_rejected_per_field(make_user, make_org):
    owner = make_user()
    with pytest.raises(InvalidInput) as error:
        services.create_organisation(owner, "  ", "foundation")
    assert "name" in error.value.errors
    org = make_org(owner=owner)
    with pytest.raises(InvalidInput) as error:
        services.invite_member(org.id, owner, "geen-adres", "member")
    assert "email" in error.value.errors
    with pytest.raises(InvalidInput) as error:
        services.invite_member(org.id, owner, "a@example.org", "admin")
    assert "role" in error.value.errors
