"""The reviews a person gave, as a section of their public profile."""

from flask_babel import lazy_gettext as _l

from marketplace.community.registry import ProfileSection
from marketplace.errors import NotFound
from marketplace.reviews import reviews, subjects


def given(user_id: int) -> dict:
    """The visible reviews the person wrote, each with what it is about."""
    rows = []
    for review in reviews.reviews_by(user_id):
        try:
            subject = subjects.get_subject(review.subject_type, review.subject_id)
        except NotFound:  # a subject gone or unpublished is left out
            continue
        rows.append({"review": review, "subject": subject})
    return {"reviews": rows}


REVIEWS_SECTION = ProfileSection(
    key="reviews",
    label=lambda: str(_l("Reviews given")),
    template="reviews/_profile.html",
    context=given,
)
