"""The reviews block of an initiative's or an event's page: summary, reviews, forms."""

from flask_login import current_user

from marketplace.extensions import db
from marketplace.reviews import reviews, subjects
from marketplace.reviews.forms import ReasonForm, ReplyForm, ReviewForm
from marketplace.reviews.models import SubjectType

SHOWN = 20


def review_block(kind: SubjectType, subject_id: int) -> dict:
    """Template context `reviews_block` for one subject, as the current visitor may act on it."""
    subject = subjects.get_subject(kind, subject_id)
    logged_in = bool(getattr(current_user, "is_authenticated", False))
    own = subjects.is_own(current_user, subject) if logged_in else False
    mine = reviews.own_review(current_user, kind, subject.id)
    form = ReviewForm(
        subject_type=kind.value,
        subject_id=str(subject.id),
        stars=str(mine.stars) if mine else None,
        text=mine.text if mine else "",
    )
    return {
        "reviews_block": {
            "subject": subject,
            "summary": reviews.summary(kind, subject.id),
            "reviews": list(db.session.scalars(reviews.visible(kind, subject.id).limit(SHOWN))),
            "mine": mine,
            "can_review": logged_in and not own and subject.started,
            "not_started": not subject.started,
            "is_own": own,
            "form": form,
            "reply_form": ReplyForm(),
            "report_form": ReasonForm(),
        }
    }


def initiative_section(initiative) -> dict:
    """The initiative page's section (`create_app` → `register_initiative_page`)."""
    if initiative.status.value != "published":
        return {"reviews_block": None}
    return review_block(SubjectType.INITIATIVE, initiative.id)


def event_section(event) -> dict:
    """The event page's section (`create_app` → `register_event_page`)."""
    return review_block(SubjectType.EVENT, event.id)
