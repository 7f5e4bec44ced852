"""Erasure: RSVPs go, reviews stay anonymous with their words, reports keep their trail without
the reporter; the export holds RSVPs and reviews."""

from sqlalchemy import select

from marketplace.events import rsvps
from marketplace.events.models import Rsvp
from marketplace.extensions import db
from marketplace.privacy.erasure import erase_person
from marketplace.privacy.registry import data_domains
from marketplace.reviews import moderation, reviews
from marketplace.reviews.models import ActionKind, ReviewAction
from tests.conftest import TEST_PASSWORD


def test_export_and_erase(app, make_user, owner, initiative, past_event):
    person = make_user()
    rsvp, _new = rsvps.rsvp_to_event(person, past_event.id)
    review, _new = reviews.write_review(person, "initiative", initiative.id, 4, "Fijne club")
    other, _new = reviews.write_review(make_user(), "initiative", initiative.id, 1, "Slecht")
    moderation.report_review(person, other.id, "Onaardig")
    domains = {d.name: d for d in data_domains()}
    assert domains["events"].export(person)["event_rsvps"][0]["code"] == rsvp.code
    exported = domains["reviews"].export(person)
    assert exported["reviews"][0]["text"] == "Fijne club"
    assert exported["review_actions"][0]["action"] == "report"

    erase_person(person, person, TEST_PASSWORD)

    assert db.session.scalars(select(Rsvp).where(Rsvp.user_id == person.id)).all() == []
    db.session.refresh(review)
    assert review.user_id is None and review.text == "Fijne club"
    action = db.session.scalar(select(ReviewAction).where(ReviewAction.review_id == other.id))
    assert action.action == ActionKind.REPORT and action.user_id is None
    assert action.reason == "Onaardig"


def test_erasure_gives_the_place_to_the_waiting_list(app, make_user, future_event):
    future_event.capacity = 1
    db.session.commit()
    person, waiting = make_user(), make_user()
    rsvps.rsvp_to_event(person, future_event.id)
    rsvps.rsvp_to_event(waiting, future_event.id)
    erase_person(person, person, TEST_PASSWORD)
    assert rsvps.rsvp_of(waiting, future_event.id).status.value == "going"
