"""Site-wide pages: home, privacy statement, terms, contact, favicon, language switch, health
check."""

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)

from marketplace.health import health_report
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


@bp.route("/privacy")
def privacy():
    """The privacy statement (AVG/GDPR): what we keep, why, how long, and your rights."""
    return render_template("pages/privacy.html", operator=operator())


@bp.route("/terms")
def terms():
    """The terms of use."""
    return render_template("pages/terms.html", operator=operator())


@bp.route("/contact")
def contact():
    """Who runs Impactbeurs and how to reach them."""
    return render_template("pages/contact.html", operator=operator())


def operator() -> dict:
    config = current_app.config
    return {
        "name": config.get("SITE_OPERATOR") or "Impactbeurs",
        "email": config.get("CONTACT_EMAIL") or "",
        "address": config.get("CONTACT_ADDRESS") or "",
        "kvk": config.get("KVK_NUMBER") or "",
        "provider": config.get("PAYMENT_PROVIDER", ""),
    }


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says."""
    return send_from_directory(
        current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400
    )


@bp.route("/healthz")
def health():
    """200 {"status": "ok", "database": "ok"}; 503 with "database": "unreachable" within a
    second when the database cannot be reached (for load balancers and monitoring)."""
    return health_report(current_app._get_current_object())


@bp.route("/ping")
def ping():
    """A trivial endpoint: benchmarks use it as the ceiling of what this server can serve."""
    return "pong", 200, {"Content-Type": "text/plain"}


@bp.route("/ping.html")
def ping_page():
    """A trivial Jinja page: the ceiling for pages (`make bench` compares pages with it)."""
    return render_template("pages/ping.html", message="pong")
