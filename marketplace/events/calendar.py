"""iCalendar (RFC 5545): one event's file and a person's feed of every event they RSVP'd to,
behind a secret URL that can be reset."""

import secrets
from datetime import UTC, datetime

from sqlalchemy import select

from marketplace.events.models import CalendarFeed, Event, Rsvp
from marketplace.extensions import db
from marketplace.timeutil import as_utc, utcnow

PRODID = "-//Impactbeurs//Events//NL"
LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """TEXT values: backslash, semicolon and comma escaped, newlines as \\n (RFC 5545 3.3.11)."""
    return (
        (value or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Lines longer than 75 octets folded: CRLF and one space, never inside a UTF-8 character."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > LINE_OCTETS:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)


def utc_stamp(moment: datetime) -> str:
    return as_utc(moment).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def vevent(event: Event, url: str, host: str, now: datetime) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:event-{event.id}@{host}",
        f"DTSTAMP:{utc_stamp(now)}",
        f"DTSTART:{utc_stamp(event.starts_at)}",
        f"DTEND:{utc_stamp(event.ends_at)}",
        f"SUMMARY:{escape_text(event.title)}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.online_url:
        lines.append(f"LOCATION:{escape_text(event.online_url)}")
    elif event.place_name or event.postcode:
        lines.append(f"LOCATION:{escape_text(f'{event.postcode} {event.place_name}'.strip())}")
    lines.append(f"URL:{event.online_url or url}")
    lines.append("END:VEVENT")
    return lines


def calendar(events: list[tuple[Event, str]], host: str, name: str = "") -> str:
    """A VCALENDAR of (event, page URL) pairs, CRLF line endings, long lines folded."""
    now = utcnow()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    if name:
        lines.append(f"X-WR-CALNAME:{escape_text(name)}")
    for event, url in events:
        lines += vevent(event, url, host, now)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def feed_token(user, reset: bool = False) -> str:
    """The person's calendar feed token, made on first use; `reset` makes the old URL stop."""
    feed = db.session.get(CalendarFeed, user.id)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, token=secrets.token_urlsafe(24))
        db.session.add(feed)
        db.session.commit()
    elif reset:
        feed.token = secrets.token_urlsafe(24)
        feed.created_at = utcnow()
        db.session.commit()
    return feed.token


def feed_events(token: str) -> list[Event] | None:
    """The events a feed's owner RSVP'd to (going or waiting), or None for an unknown token."""
    if not token or len(token) > 64:
        return None
    user_id = db.session.scalar(select(CalendarFeed.user_id).where(CalendarFeed.token == token))
    if user_id is None:
        return None
    return list(
        db.session.scalars(
            select(Event).join(Rsvp).where(Rsvp.user_id == user_id).order_by(Event.starts_at)
        )
    )
