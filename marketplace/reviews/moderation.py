"""Reports and hiding: anyone logged in reports a review, administrators hide it with a reason
(or show it again); every step is kept in `review_actions`."""

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace import pagecache
from marketplace.errors import InvalidInput, NotAllowed
from marketplace.extensions import db
from marketplace.reviews.models import ActionKind, Review, ReviewAction, SubjectType
from marketplace.reviews.reviews import get_review
from marketplace.text import plain_text
from marketplace.timeutil import utcnow

REASON_MAX = 500


def _record(review: Review, action: ActionKind, user, reason: str) -> None:
    db.session.add(ReviewAction(review_id=review.id, action=action, user_id=user.id, reason=reason))


def _bump(review: Review) -> None:
    if review.subject_type == SubjectType.INITIATIVE:
        pagecache.bump([f"initiative:{review.subject_id}"])


def report_review(user, review_id: int, reason: str = "") -> Review:
    """Flag a review for the administrators."""
    review = get_review(review_id)
    review.reported_at = review.reported_at or utcnow()
    _record(review, ActionKind.REPORT, user, plain_text(reason, REASON_MAX))
    db.session.commit()
    return review


def _require_admin(user) -> None:
    if not getattr(user, "is_admin", False):
        raise NotAllowed(_("Only administrators may do this."))


def hide_review(user, review_id: int, reason: str) -> Review:
    """Hide a review from pages, the API and the averages; the reason is kept."""
    _require_admin(user)
    review = get_review(review_id, include_hidden=True)
    clean = plain_text(reason, REASON_MAX)
    if not clean:
        raise InvalidInput(_("Give a reason."), {"reason": [_("Give a reason.")]})
    review.hidden_at, review.hidden_reason, review.reported_at = utcnow(), clean, None
    _record(review, ActionKind.HIDE, user, clean)
    db.session.commit()
    _bump(review)
    return review


def unhide_review(user, review_id: int, reason: str = "") -> Review:
    _require_admin(user)
    review = get_review(review_id, include_hidden=True)
    review.hidden_at, review.hidden_reason, review.reported_at = None, "", None
    _record(review, ActionKind.UNHIDE, user, plain_text(reason, REASON_MAX))
    db.session.commit()
    _bump(review)
    return review


def dismiss_report(user, review_id: int) -> Review:
    """The review may stay: the open report is closed (the trail keeps it)."""
    _require_admin(user)
    review = get_review(review_id, include_hidden=True)
    review.reported_at = None
    db.session.commit()
    return review


def reported_reviews() -> list[Review]:
    """Reviews with an open report, oldest report first."""
    return list(
        db.session.scalars(
            select(Review).where(Review.reported_at.is_not(None)).order_by(Review.reported_at)
        )
    )


def hidden_reviews() -> list[Review]:
    return list(
        db.session.scalars(
            select(Review).where(Review.hidden_at.is_not(None)).order_by(Review.hidden_at.desc())
        )
    )


def trail(review_id: int) -> list[ReviewAction]:
    return list(
        db.session.scalars(
            select(ReviewAction)
            .where(ReviewAction.review_id == review_id)
            .order_by(ReviewAction.id)
        )
    )
