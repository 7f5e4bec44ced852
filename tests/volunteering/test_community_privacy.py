"""Tasks in the feed, hours on a profile, and a person's data: export and erasure."""

from datetime import timedelta

from flask import render_template
from sqlalchemy import select

from marketplace.community.registry import FeedScope, feed_sources, profile_sections
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative
from marketplace.privacy.registry import Erasure
from marketplace.timeutil import utcnow
from marketplace.volunteering import hours, privacy, signups
from marketplace.volunteering.feed import hours_section, tasks_feed
from marketplace.volunteering.models import Signup


def _confirmed(post_task, owner, person, minutes_hours="1"):
    task_id = post_task(starts_at=(utcnow() - timedelta(hours=3)).isoformat()).json["id"]
    signup, _new = signups.sign_up(task_id, person)
    hours.confirm_hours(signup.id, owner, minutes_hours)
    return task_id, signup.id


def test_tasks_feed_and_hours_section_are_registered(app, post_task, initiative, owner, make_user):
    assert tasks_feed in feed_sources()
    assert "hours" in [s.key for s in profile_sections()]
    task_id = post_task().json["id"]
    scope = FeedScope(
        initiative_ids=select(Initiative.id).where(Initiative.id == initiative.id),
        organisation_ids=select(Initiative.id).where(False),
        person_ids=select(Initiative.id).where(False),
        before=None,
        limit=10,
    )
    [item] = tasks_feed(scope)
    assert (item.kind, item.id, item.url) == ("task", task_id, f"/tasks/{task_id}")
    person = make_user()
    _confirmed(post_task, owner, person, "2")
    context = hours_section.context(person.id)
    assert [h.hours for h in context["hours_by_initiative"]] == [2]


def test_export_and_erase(post_task, owner, make_user):
    person = make_user()
    _task, confirmed_id = _confirmed(post_task, owner, person)
    open_task = post_task().json["id"]
    open_signup, _new = signups.sign_up(open_task, person)
    exported = privacy.export_signups(person)["task_signups"]
    assert sorted(row["confirmed_hours"] or "" for row in exported) == ["", "1.00"]
    open_id = open_signup.id
    privacy.erase_signups(Erasure(user_id=person.id, email=person.email, now=utcnow()))
    assert db.session.get(Signup, open_id) is None
    kept = db.session.get(Signup, confirmed_id)
    assert kept.user_id is None and kept.confirmed_minutes == 60


def test_hours_section_renders_the_hours(app, post_task, owner, make_user):
    person = make_user()
    _confirmed(post_task, owner, person, "2")
    context = hours_section.context(person.id)
    with app.test_request_context():
        html = render_template(hours_section.template, person=person, context=context)
    assert "profile-hours" in html
