"""A person's reviews, replies and reports in their data export; erasure makes reviews anonymous
(the author cleared, the words kept) and keeps the moderation trail without the person."""

from sqlalchemy import select, update

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.privacy.registry import DataDomain, Erasure, Rows, when
from marketplace.reviews.models import Review, ReviewAction


def export_reviews(user: User) -> dict[str, Rows]:
    written = db.session.scalars(
        select(Review).where(Review.user_id == user.id).order_by(Review.id)
    )
    replied = db.session.scalars(
        select(Review).where(Review.reply_by_id == user.id).order_by(Review.id)
    )
    actions = db.session.scalars(
        select(ReviewAction).where(ReviewAction.user_id == user.id).order_by(ReviewAction.id)
    )
    return {
        "reviews": [
            {
                "subject_type": r.subject_type.value,
                "subject_id": r.subject_id,
                "stars": r.stars,
                "text": r.text,
                "verified": r.verified,
                "hidden": r.hidden_at is not None,
                "created_at": when(r.created_at),
                "updated_at": when(r.updated_at),
            }
            for r in written
        ],
        "review_replies": [
            {"review_id": r.id, "text": r.reply_text, "replied_at": when(r.replied_at)}
            for r in replied
        ],
        "review_actions": [
            {
                "review_id": a.review_id,
                "action": a.action.value,
                "reason": a.reason,
                "created_at": when(a.created_at),
            }
            for a in actions
        ],
    }


def anonymise_reviews(erasure: Erasure) -> None:
    """Reviews stay, without their author; reports and moderation steps stay, without who."""
    for column in (Review.user_id, Review.reply_by_id, ReviewAction.user_id):
        db.session.execute(
            update(column.class_).where(column == erasure.user_id).values({column: None})
        )


DATA = DataDomain(name="reviews", export=export_reviews, erase=anonymise_reviews)
