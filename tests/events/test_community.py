"""What events and reviews add to the community registry: the feed source and profile sections."""

from flask import render_template_string
from sqlalchemy import select

from marketplace.community.registry import FeedScope, feed_sources, profile_sections
from marketplace.events import rsvps
from marketplace.events.feed import event_items
from marketplace.initiatives.models import Initiative
from marketplace.organisations.models import Organisation


def scope_of(initiative_ids: list[int], before=None):
    return FeedScope(
        initiative_ids=select(Initiative.id).where(Initiative.id.in_(initiative_ids)),
        organisation_ids=select(Organisation.id).where(Organisation.id == -1),
        person_ids=select(Initiative.id).where(Initiative.id == -1),
        before=before,
        limit=10,
    )


def test_feed_has_new_events_in_scope_and_the_platforms(
    app, make_event, make_initiative, admin, initiative
):
    ours = make_event(description="<script>x</script>**Kom**")
    other = make_initiative()
    theirs = make_event(organiser=other.owners[0], initiative_id=other.id)
    platform = make_event(organiser=admin, initiative_id=None)
    assert event_items in feed_sources()
    source = event_items
    items = source(scope_of([initiative.id]))
    assert {i.id for i in items} == {ours.id, platform.id}
    assert theirs.id not in {i.id for i in items}
    item = next(i for i in items if i.id == ours.id)
    assert item.kind == "event" and item.url == f"/events/{ours.id}" and item.place == "Utrecht"
    assert "<script" not in item.summary_html and "<strong>Kom</strong>" in item.summary_html
    assert source(scope_of([initiative.id], before=ours.created_at)) == [
        i for i in items if i.published_at < ours.created_at
    ]


def test_profile_sections(app, make_user, make_event, owner):
    event = make_event()
    guest = make_user()
    rsvp, _new = rsvps.rsvp_to_event(guest, event.id)
    rsvps.check_in(owner, rsvp.id)
    sections = {s.key: s for s in profile_sections()}
    assert {"events", "reviews"} <= set(sections)
    assert sections["events"].context(guest.id)["events"] == [event]
    with app.test_request_context():
        html = render_template_string(
            "{% include section.template %}",
            section=sections["events"],
            person=guest,
            context=sections["events"].context(guest.id),
        )
    assert event.title in html
    assert str(sections["reviews"].label())
