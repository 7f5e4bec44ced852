"""Site-wide pages: home, language switch, health check."""

from flask import Blueprint, redirect, render_template, request, session, url_for
from sqlalchemy import text

from marketplace.extensions import db
from marketplace.initiatives import services as initiative_services
from marketplace.initiatives.models import THEME_LABELS
from marketplace.pagecache import cached_page
from marketplace.security import safe_next

bp = Blueprint("pages", __name__)


@bp.route("/")
@cached_page(lambda: ["initiatives"])
def home():
    latest = initiative_services.search_initiatives(page=1, per_page=6)
    return render_template("pages/home.html", latest=latest.items, themes=THEME_LABELS)


@bp.route("/lang/<code>", methods=["GET"])
def switch_language(code: str):
    """Remember the chosen language and go back to where the visitor was."""
    if code in ("nl", "en"):
        session["lang"] = code
    return redirect(safe_next(request.args.get("next"), url_for("pages.home")))


@bp.route("/healthz")
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


@bp.route("/ping")
def ping():
    """A trivial endpoint: benchmarks use it as the ceiling of what this server can serve."""
    return "pong", 200, {"Content-Type": "text/plain"}


@bp.route("/ping.html")
def ping_page():
    """A trivial Jinja page: the ceiling for pages (`make bench` compares pages with it)."""
    return render_template("pages/ping.html", message="pong")
