"""The registry of a person's data: each domain's export, erasure and retention purge.

A domain describes its part as a `DataDomain` and the app factory lists them
(`create_app` → `register_privacy`), the way initiative page sections are listed. The functions
take plain context objects and return plain data:

* `export(user) -> {table: [row, ...]}`: rows as JSON-ready dicts (strings, numbers, booleans,
  None; `when()` for moments, `money()` for amounts), one CSV and one JSON file per table;
* `prepare(user)`: what must happen outside the database first (stop monthly gifts at the
  provider); may raise `ServiceUnavailable`, and then nothing is erased;
* `erase(erasure)`: remove or anonymise the person's data, inside the erasure's one transaction
  (no commit); records the law makes us keep stay, pointing at the pseudonymised account;
* `purge(purge) -> int`: delete what the person left behind once its retention ended (no
  commit); returns how many records went.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy import Select

from marketplace.accounts.models import User
from marketplace.money import format_cents
from marketplace.timeutil import to_amsterdam

EXTENSION = "privacy_domains"
Rows = list[dict]


@dataclass(frozen=True)
class Erasure:
    """One person's erasure, as every domain's eraser sees it."""

    user_id: int
    email: str  # the address before erasure (mail and invitations were sent to it)
    now: datetime


@dataclass
class Purge:
    """One run of the retention purge."""

    now: datetime
    fiscal_cutoff: datetime  # records of erased persons dated before this have done their time
    erased_users: Select  # SELECT users.id of every erased (pseudonymised) account
    after_commit: list[Callable[[], None]] = field(default_factory=list)  # e.g. named signals


@dataclass(frozen=True)
class DataDomain:
    name: str
    export: Callable[[User], dict[str, Rows]]
    erase: Callable[[Erasure], None] | None = None
    purge: Callable[[Purge], int] | None = None
    prepare: Callable[[User], None] | None = None


def set_domains(app: Flask, domains: tuple[DataDomain, ...]) -> None:
    names = [d.name for d in domains]
    if len(set(names)) != len(names):
        raise ValueError(f"two privacy domains share a name: {names}")
    app.extensions[EXTENSION] = domains


def data_domains() -> tuple[DataDomain, ...]:
    return current_app.extensions.get(EXTENSION, ())


def when(moment: datetime | None) -> str | None:
    """A moment as people read it: ISO 8601 in Amsterdam time."""
    return to_amsterdam(moment).isoformat(timespec="seconds") if moment else None


def money(cents: int | None) -> str | None:
    return None if cents is None else format_cents(cents)
