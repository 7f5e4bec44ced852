"""The digest: opt-in, once per person and period (also when two runs race), sanitised, with a
one-click unsubscribe that needs no log-in."""

import os
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.community import digest, preferences, updates
from marketplace.community.follows import follow
from marketplace.community.models import DigestCadence
from marketplace.extensions import db
from marketplace.mail.models import MailMessage
from marketplace.timeutil import utcnow


def subscribed_reader(make_user, make_initiative, cadence="daily", body="Wij **groeien**."):
    reader = make_user()
    initiative = make_initiative()
    follow(reader, "initiative", initiative.id)
    settings = preferences.settings_of(reader)
    settings.digest = DigestCadence(cadence)
    db.session.add(settings)
    db.session.commit()
    updates.post_update(initiative, initiative.owners[0], {"title": "Nieuws", "body": body})
    return reader


def digests_to(user) -> list[MailMessage]:
    return list(db.session.scalars(select(MailMessage).where(MailMessage.to == user.email)))


def test_one_digest_per_period_and_none_without_news(make_user, make_initiative):
    reader = subscribed_reader(make_user, make_initiative, body="<script>alert(1)</script>Hoi")
    quiet = make_user()
    preferences.save_settings(quiet, "", 0, "daily")
    now = utcnow() + timedelta(minutes=1)
    assert digest.send_digests(now) == 1
    assert digest.send_digests(now) == 0
    (mail,) = digests_to(reader)
    assert "alert(" not in mail.html and "<script" not in mail.html and "Hoi" in mail.html
    assert "<script" not in mail.text
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/digest/unsubscribe/" in mail.headers["List-Unsubscribe"]
    assert digests_to(quiet) == []
    assert digest.send_digests(now + timedelta(days=1)) == 0  # nothing new the next day


def test_weekly_periods_are_iso_weeks():
    monday = utcnow().replace(year=2026, month=11, day=30, hour=8)
    assert digest.period_of(DigestCadence.WEEKLY, monday) == "2026-W49"
    assert digest.period_of(DigestCadence.DAILY, monday) == "2026-11-30"


def test_unsubscribe_confirms_on_get_and_stops_on_post(client, make_user, make_initiative):
    reader = subscribed_reader(make_user, make_initiative)
    digest.send_digests(utcnow() + timedelta(minutes=1))
    (mail,) = digests_to(reader)
    path = re.search(r"(/digest/unsubscribe/[^>\s]+)", mail.headers["List-Unsubscribe"]).group(1)
    assert client.get(path).status_code == 200
    assert preferences.settings_of(reader).digest == DigestCadence.DAILY  # GET changes nothing
    one_click = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 204
    assert preferences.settings_of(reader).digest == DigestCadence.OFF
    assert client.post(path).status_code == 200  # the confirm button, again: idempotent
    assert client.get("/digest/unsubscribe/forged").status_code == 404
    assert client.post("/digest/unsubscribe/forged").status_code == 404


@pytest.mark.committed_db
@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs PostgreSQL (TEST_DATABASE_URL)",
)
def test_two_racing_runs_queue_one_digest(app, make_user, make_initiative):
    readers = [subscribed_reader(make_user, make_initiative) for _ in range(3)]
    db.session.remove()
    now = utcnow() + timedelta(minutes=1)
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            with app.app_context():
                barrier.wait()
                digest.send_digests(now)
                db.session.remove()
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=run, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    count = db.session.scalar(select(func.count()).select_from(MailMessage))
    assert count == len(readers)
