"""The installable web app: the manifest, the service worker (scope `/`) and the offline page."""

from flask import Blueprint, current_app, render_template, send_from_directory, url_for
from flask_babel import gettext as _

bp = Blueprint("webapp", __name__)
ICONS = ((192, "icons/icon-192.png"), (512, "icons/icon-512.png"))


@bp.route("/manifest.webmanifest")
def manifest():
    data = {
        "name": "Impactbeurs",
        "short_name": "Impactbeurs",
        "description": _("Follow initiatives in your neighbourhood, help and meet."),
        "start_url": "/feed",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b6e4f",
        "icons": [
            {
                "src": url_for("static", filename=path),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size, path in ICONS
        ],
    }
    response = current_app.response_class(
        current_app.json.dumps(data), mimetype="application/manifest+json"
    )
    response.cache_control.max_age = 3600
    return response


@bp.route("/sw.js")
def service_worker():
    """Served from the root so that its scope is the whole site."""
    response = send_from_directory(current_app.static_folder, "js/sw.js", max_age=0)
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Service-Worker-Allowed"] = "/"
    response.cache_control.no_cache = True
    return response


@bp.route("/offline")
def offline():
    return render_template("community/offline.html")
