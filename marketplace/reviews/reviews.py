"""Writing reviews (one per person per subject: a second one edits the first), the summaries
(average, count, distribution of the visible ones) and the owner's one reply."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from marketplace import pagecache
from marketplace.errors import Conflict, InvalidInput, NotAllowed, NotFound
from marketplace.extensions import db
from marketplace.reviews import participation, subjects
from marketplace.reviews.models import Review, SubjectType
from marketplace.text import plain_text
from marketplace.timeutil import utcnow

TEXT_MAX = 1000
ONE_DECIMAL = Decimal("0.1")


def _stars(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise InvalidInput(_("Give 1 to 5 stars."), {"stars": [_("Give 1 to 5 stars.")]})
    return value


def _bump(subject: subjects.Subject) -> None:
    if subject.initiative_id is not None:
        pagecache.bump([f"initiative:{subject.initiative_id}"])


def write_review(
    user, subject_type, subject_id: int, stars, text: str | None
) -> tuple[Review, bool]:
    """Rate a subject, or change one's rating of it; (the review, new?). Verified when the person
    took part (recomputed on every edit)."""
    kind = subjects.subject_type(subject_type)
    stars = _stars(stars)
    subject = subjects.get_subject(kind, subject_id)
    subjects.require_reviewable(user, subject)
    clean = plain_text(text, TEXT_MAX)
    verified = participation.took_part(user.id, kind.value, subject.id)
    for _attempt in range(2):  # a concurrent first review by the same person: edit that one
        review = own_review(user, kind, subject.id)
        created = review is None
        if created:
            review = Review(subject_type=kind, subject_id=subject.id, user_id=user.id)
            db.session.add(review)
        review.stars, review.text, review.updated_at = stars, clean, utcnow()
        review.verified = verified
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            continue
        _bump(subject)
        return review, created
    raise Conflict(_("Your review could not be saved; please try again."))


def get_review(review_id: int, *, include_hidden: bool = False) -> Review:
    review = db.session.get(Review, review_id)
    if review is None or (review.hidden_at is not None and not include_hidden):
        raise NotFound(_("This review does not exist."))
    return review


def reply_to_review(user, review_id: int, text: str) -> Review:
    """The owner (or organiser) answers a review, once."""
    review = get_review(review_id)
    subject = subjects.get_subject(review.subject_type, review.subject_id)
    if not subjects.is_own(user, subject):
        raise NotAllowed(_("Only the owners or organisers reply to a review."))
    if review.reply_text is not None:
        raise InvalidInput(_("This review has a reply already."), {"text": [_("Replied already.")]})
    clean = plain_text(text, TEXT_MAX)
    if not clean:
        raise InvalidInput(_("Write a reply."), {"text": [_("Write a reply.")]})
    review.reply_text, review.reply_by_id, review.replied_at = clean, user.id, utcnow()
    db.session.commit()
    _bump(subject)
    return review


def visible(subject_type: SubjectType | None = None, subject_id: int | None = None):
    """SELECT of the reviews people see (hidden ones never), newest first."""
    query = select(Review).where(Review.hidden_at.is_(None))
    if subject_type is not None:
        query = query.where(Review.subject_type == subject_type)
    if subject_id is not None:
        query = query.where(Review.subject_id == subject_id)
    return query.order_by(Review.created_at.desc(), Review.id.desc())


@dataclass(frozen=True)
class Summary:
    count: int = 0
    average: Decimal | None = None  # one decimal
    distribution: dict[int, int] = field(default_factory=lambda: dict.fromkeys(range(1, 6), 0))


def summary(kind: SubjectType, subject_id: int, verified_only: bool = False) -> Summary:
    """Average, count and distribution of the visible reviews of one subject."""
    query = (
        select(Review.stars, func.count())
        .where(
            Review.subject_type == kind,
            Review.subject_id == subject_id,
            Review.hidden_at.is_(None),
        )
        .group_by(Review.stars)
    )
    if verified_only:
        query = query.where(Review.verified.is_(True))
    distribution = dict.fromkeys(range(1, 6), 0)
    for stars, count in db.session.execute(query):
        distribution[stars] = count
    count = sum(distribution.values())
    if not count:
        return Summary(distribution=distribution)
    total = sum(stars * n for stars, n in distribution.items())
    average = (Decimal(total) / count).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
    return Summary(count=count, average=average, distribution=distribution)


def participants_summary(initiative_id: int) -> Summary:
    """The community signal verifiers see: verified reviews of the initiative only."""
    return summary(SubjectType.INITIATIVE, initiative_id, verified_only=True)


def own_review(user, kind: SubjectType, subject_id: int) -> Review | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Review).where(
            Review.subject_type == kind, Review.subject_id == subject_id, Review.user_id == user.id
        )
    )


def reviews_by(user_id: int) -> list[Review]:
    """The visible reviews one person gave, newest first."""
    return list(db.session.scalars(visible().where(Review.user_id == user_id).limit(50)))
