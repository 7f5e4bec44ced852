"""Security headers and safe redirects."""

from urllib.parse import urlsplit

from flask import Flask, current_app


def is_safe_redirect(target: str | None) -> bool:
    """Only same-site relative paths.

    "/x" is safe; "//evil.example", "/\\evil.example" and "http://x" are not.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default: str) -> str:
    return target if is_safe_redirect(target) else default


def tile_origin(tile_url: str) -> str:
    parts = urlsplit(tile_url.replace("{s}", "a"))
    host = parts.netloc.replace("a.", "*.", 1) if "{s}" in tile_url else parts.netloc
    return f"{parts.scheme}://{host}" if parts.scheme else ""


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response):
        tiles = tile_origin(current_app.config["MAP_TILE_URL"])
        csp = (
            "default-src 'self'; "
            "script-src 'self'; "
            "style-src 'self'; "
            f"img-src 'self' data: blob: {tiles}; "
            "connect-src 'self'; "
            "font-src 'self'; "
            "object-src 'none'; "
            "base-uri 'self'; "
            "form-action 'self' https:; "
            "frame-ancestors 'none'"
        )
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault(
            "Permissions-Policy", "geolocation=(self), camera=(), microphone=()"
        )
        if current_app.config["IMPACTBEURS_ENV"] == "production":
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=63072000; includeSubDomains"
            )
        return response
