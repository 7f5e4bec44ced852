"""Erasing a person's account at their request (or by an admin for them).

Confirmed with a password: the person's own, or the admin's. Then, in one transaction, every
domain removes or anonymises its part (`registry.DataDomain.erase`) and the account row is
pseudonymised (`own.erase_account`): it stays, without personal data, as what the gifts and
receipts the law makes us keep for seven years still point at; the retention purge deletes
those later. A wrong password changes nothing.
"""

from __future__ import annotations

import logging

from flask_babel import gettext as _

from marketplace.accounts.models import User
from marketplace.accounts.passwords import verify_password
from marketplace.errors import NotAllowed, NotFound
from marketplace.extensions import db
from marketplace.privacy.models import PrivacyRequest, RequestKind
from marketplace.privacy.own import erase_account
from marketplace.privacy.registry import Erasure, data_domains
from marketplace.timeutil import utcnow

log = logging.getLogger(__name__)


def check_confirmation(user: User, actor: User, password: str | None) -> None:
    """The person's own password, or the password of the admin acting for them."""
    if actor.id != user.id and not actor.is_admin:
        raise NotFound()
    if not verify_password(actor.password_hash, password or ""):
        message = _("The password is not correct.")
        raise NotAllowed(message, {"password": [message]})


def erase_person(user: User, actor: User, password: str | None, via: str = "web") -> None:
    """Remove or anonymise everything about `user` now; keep the pseudonymised records the law
    requires until the purge. Raises NotAllowed (wrong password: nothing changes), NotFound,
    ServiceUnavailable (a provider could not stop a monthly gift: nothing is erased)."""
    if user is None or user.erased_at is not None:
        raise NotFound()
    check_confirmation(user, actor, password)
    user_id, actor_id, email = user.id, actor.id, user.email
    for domain in data_domains():
        if domain.prepare is not None:
            domain.prepare(user)
    erasure = Erasure(user_id=user_id, email=email, now=utcnow())
    try:
        for domain in data_domains():
            if domain.erase is not None:
                domain.erase(erasure)
        erase_account(erasure)
        db.session.add(
            PrivacyRequest(
                user_id=user_id,
                kind=RequestKind.ERASURE,
                requested_by_id=actor_id,
                by_admin=actor_id != user_id,
                via=via,
            )
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    log.info("account %s erased (by %s)", user_id, "an admin" if actor_id != user_id else "itself")
