"""JSON API: follows, an initiative's updates and the feed."""

from flask import url_for
from flask_smorest import Blueprint

from marketplace.api.auth import BEARER, require_api_user
from marketplace.community import follows, updates
from marketplace.community.feed import feed_page
from marketplace.community.schemas import (
    FeedQuerySchema,
    FeedSchema,
    FollowInputSchema,
    FollowSchema,
    UpdateInputSchema,
    UpdateSchema,
)
from marketplace.text import render_markdown

blp = Blueprint(
    "api_community", __name__, url_prefix="/api/v1", description="Following, updates and the feed"
)


@blp.route("/follows")
@blp.response(200, FollowSchema(many=True))
@blp.doc(security=BEARER)
def list_follows():
    """What you follow."""
    return follows.follows_of(require_api_user())


@blp.route("/follows", methods=["POST"])
@blp.arguments(FollowInputSchema)
@blp.response(201, FollowSchema)
@blp.alt_response(200, schema=FollowSchema, description="Followed already: the existing follow")
@blp.alt_response(404, response="NOT_FOUND", description="No such (published) subject")
@blp.doc(security=BEARER)
def create_follow(data):
    """Follow an initiative, person (public profile), organisation, theme or municipality."""
    user = require_api_user()
    row, created = follows.follow(
        user, data["subject_type"], data["subject_id"], data.get("organisation_id")
    )
    return row, 201 if created else 200


@blp.route("/follows/<int:follow_id>", methods=["DELETE"])
@blp.response(204)
@blp.doc(security=BEARER)
def delete_follow(follow_id: int):
    """Stop following (404 for a follow that is not yours)."""
    follows.delete_follow(require_api_user(), follow_id)


def update_json(update, slug: str) -> dict:
    return {
        "id": update.id,
        "initiative_id": update.initiative_id,
        "title": update.title,
        "body": update.body,
        "body_html": str(render_markdown(update.body)),
        "author": update.author.name if update.author else None,
        "photos": [
            url_for("community.update_photo", update_id=update.id, position=p.position)
            for p in update.photos
        ],
        "outcome_report_id": update.outcome_report_id,
        "event_id": update.event_id,
        "published_at": update.published_at,
        "url": updates.update_url(update, slug),
    }


@blp.route("/initiatives/<int:initiative_id>/updates")
@blp.response(200, UpdateSchema(many=True))
def list_updates(initiative_id: int):
    """A published initiative's updates, newest first."""
    initiative = updates.published_initiative(initiative_id)
    return [update_json(u, initiative.slug) for u in updates.updates_of(initiative.id, 50)]


@blp.route("/initiatives/<int:initiative_id>/updates", methods=["POST"])
@blp.arguments(UpdateInputSchema)
@blp.response(201, UpdateSchema)
@blp.doc(security=BEARER)
def create_update(data, initiative_id: int):
    """Post an update (the initiative's owners; anybody else 403)."""
    user = require_api_user()
    initiative = updates.published_initiative(initiative_id)
    update = updates.post_update(initiative, user, data)
    return update_json(update, initiative.slug)


@blp.route("/feed")
@blp.arguments(FeedQuerySchema, location="query")
@blp.response(200, FeedSchema)
@blp.doc(security=BEARER)
def get_feed(query):
    """Your feed: updates, events and tasks from what you follow and near you, newest first;
    pass `next_before` as `before` for the next page."""
    page = feed_page(require_api_user(), query["before"], query["limit"])
    return {"items": page.items, "next_before": page.next_before}
