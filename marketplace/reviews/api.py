"""JSON API for ratings and reviews: anyone reads; writing, replying and reporting need a token;
hiding is for administrators."""

from flask_smorest import Blueprint

from marketplace.api.auth import BEARER, require_admin, require_api_user
from marketplace.extensions import db
from marketplace.reviews import moderation, reviews, subjects
from marketplace.reviews.models import SubjectType
from marketplace.reviews.schemas import (
    RatingInputSchema,
    RatingPageSchema,
    RatingQuerySchema,
    RatingSchema,
    ReasonInputSchema,
    ReplyInputSchema,
    SubjectQuerySchema,
    SummarySchema,
)

blp = Blueprint(
    "api_ratings", __name__, url_prefix="/api/v1/ratings", description="Ratings and reviews"
)


@blp.route("")
@blp.arguments(RatingQuerySchema, location="query")
@blp.response(200, RatingPageSchema)
def list_ratings(query):
    """Visible reviews, newest first; filters: subject_type, subject_id."""
    kind = SubjectType(query["subject_type"]) if query.get("subject_type") else None
    pagination = db.paginate(
        reviews.visible(kind, query.get("subject_id")),
        page=query["page"],
        per_page=query["per_page"],
        error_out=False,
    )
    return {
        "items": list(pagination.items),
        "page": pagination.page,
        "per_page": pagination.per_page,
        "total": pagination.total,
        "pages": pagination.pages,
    }


@blp.route("", methods=["POST"])
@blp.arguments(RatingInputSchema)
@blp.response(201, RatingSchema)
@blp.alt_response(200, schema=RatingSchema, description="Your earlier review, edited.")
@blp.doc(security=BEARER)
def create_rating(data):
    """Rate an initiative or an event (once it started); a second rating edits the first."""
    user = require_api_user()
    review, created = reviews.write_review(
        user, data["subject_type"], data["subject_id"], data["stars"], data.get("text")
    )
    return review, 201 if created else 200


@blp.route("/summary")
@blp.arguments(SubjectQuerySchema, location="query")
@blp.response(200, SummarySchema)
def rating_summary(query):
    """Average, count and distribution of a subject's visible reviews (and of the verified)."""
    kind = SubjectType(query["subject_type"])
    subject = subjects.get_subject(kind, query["subject_id"])
    every = reviews.summary(kind, subject.id)
    verified = reviews.summary(kind, subject.id, verified_only=True)
    return {
        "subject_type": kind.value,
        "subject_id": subject.id,
        "count": every.count,
        "average": every.average,
        "distribution": {str(k): v for k, v in every.distribution.items()},
        "verified_count": verified.count,
        "verified_average": verified.average,
    }


@blp.route("/<int:rating_id>")
@blp.response(200, RatingSchema)
def get_rating(rating_id: int):
    """One visible review."""
    return reviews.get_review(rating_id)


@blp.route("/<int:rating_id>/reply", methods=["POST"])
@blp.arguments(ReplyInputSchema)
@blp.response(200, RatingSchema)
@blp.doc(security=BEARER)
def reply(data, rating_id: int):
    """The owner or organiser replies, once (a second reply: 422)."""
    user = require_api_user()
    return reviews.reply_to_review(user, rating_id, data["text"])


@blp.route("/<int:rating_id>/report", methods=["POST"])
@blp.arguments(ReasonInputSchema)
@blp.response(200, RatingSchema)
@blp.doc(security=BEARER)
def report(data, rating_id: int):
    """Report a review to the administrators."""
    user = require_api_user()
    return moderation.report_review(user, rating_id, data["reason"])


@blp.route("/<int:rating_id>/hide", methods=["POST"])
@blp.arguments(ReasonInputSchema)
@blp.response(204)
@blp.doc(security=BEARER)
def hide(data, rating_id: int):
    """Hide a review with a reason (administrators)."""
    user = require_admin()
    moderation.hide_review(user, rating_id, data["reason"])


@blp.route("/<int:rating_id>/unhide", methods=["POST"])
@blp.arguments(ReasonInputSchema)
@blp.response(204)
@blp.doc(security=BEARER)
def unhide(data, rating_id: int):
    """Show a hidden review again (administrators)."""
    user = require_admin()
    moderation.unhide_review(user, rating_id, data["reason"])
