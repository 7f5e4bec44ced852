"""Settings from environment variables, with safe defaults for development."""

import os
import secrets
from pathlib import Path

TRUE_VALUES = {"1", "true", "yes", "on"}


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in TRUE_VALUES


class ConfigurationError(RuntimeError):
    """The environment does not describe a safe configuration."""


def development_secret_key(instance_path: Path) -> str:
    """Generate a secret key once and keep it in the instance folder, so restarts keep sessions."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def load_config(instance_path: Path, overrides: dict | None = None) -> dict:
    """Build the Flask configuration from the environment (explicit overrides win)."""
    overrides = overrides or {}
    env = overrides.get("IMPACTBEURS_ENV") or os.environ.get("IMPACTBEURS_ENV", "development")
    production = env == "production"
    config = {"IMPACTBEURS_ENV": env}
    for section in (
        core_settings(instance_path, overrides, production),
        mail_settings(instance_path),
        session_settings(production),
        api_settings(),
        payment_settings(overrides, production),
        platform_settings(),
        privacy_settings(),
        cache_settings(),
        impact_settings(),
        scheduling_settings(),
        investment_settings(),
        site_settings(),
    ):
        config.update(section)
    config.update(overrides)
    return config


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def database_url_from_env(instance_path: Path) -> str:
    """DATABASE_URL with the psycopg 3 driver named (`postgres://` and `postgresql://` accepted)."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'impactbeurs.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def core_settings(instance_path: Path, overrides: dict, production: bool) -> dict:
    secret_key = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY")
    if not secret_key:
        if production:
            raise ConfigurationError("SECRET_KEY must be set when IMPACTBEURS_ENV=production")
        secret_key = development_secret_key(instance_path)
    cost = overrides.get("PASSWORD_HASH_COST") or os.environ.get("PASSWORD_HASH_COST", "default")
    if production and cost != "default":
        raise ConfigurationError("PASSWORD_HASH_COST must be 'default' in production")
    return {
        "SECRET_KEY": secret_key,
        "PASSWORD_HASH_COST": cost,
        "SQLALCHEMY_DATABASE_URI": database_url_from_env(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # GET /healthz waits this long (seconds) for the database before answering 503.
        "HEALTHZ_DB_TIMEOUT": float(os.environ.get("HEALTHZ_DB_TIMEOUT", "0.5")),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER", str(instance_path / "uploads")),
        "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
        # i18n
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
        "LANGUAGES": ["nl", "en"],
        # Map tiles for "discover nearby"
        "MAP_TILE_URL": os.environ.get(
            "MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
        ),
        "MAP_TILE_ATTRIBUTION": os.environ.get(
            "MAP_TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors"
        ),
        # Postcodes and places to coordinates (PDOK Locatieserver); empty = offline table only
        "GEOCODER_URL": os.environ.get(
            "GEOCODER_URL", "https://api.pdok.nl/bzk/locatieserver/search/v3_1"
        ),
        "GEOCODER_TIMEOUT": float(os.environ.get("GEOCODER_TIMEOUT", "3")),
    }


def mail_settings(instance_path: Path) -> dict:
    """SMTP when MAIL_SERVER is set, otherwise .eml files in instance/outbox/; the outbox."""
    return {
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": env_int("MAIL_PORT", 25),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": env_bool("MAIL_USE_TLS"),
        "MAIL_DEFAULT_SENDER": os.environ.get(
            "MAIL_DEFAULT_SENDER", "Impactbeurs <noreply@impactbeurs.nl>"
        ),
        "MAIL_OUTBOX_DIR": os.environ.get("MAIL_OUTBOX_DIR", str(instance_path / "outbox")),
        "MAIL_MAX_ATTEMPTS": env_int("MAIL_MAX_ATTEMPTS", 8),
        "MAIL_BACKOFF_SECONDS": env_int("MAIL_BACKOFF_SECONDS", 60),
        "MAIL_CLAIM_LEASE_SECONDS": env_int("MAIL_CLAIM_LEASE_SECONDS", 600),
        "MAIL_DELIVERY_SECONDS": env_int("MAIL_DELIVERY_SECONDS", 50),
    }


def session_settings(production: bool) -> dict:
    """Cookies, password reset links and rate limits."""
    return {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "PASSWORD_RESET_MAX_AGE": env_int("PASSWORD_RESET_MAX_AGE", 3600),
        "EMAIL_CONFIRM_MAX_AGE": env_int("EMAIL_CONFIRM_MAX_AGE", 3 * 24 * 3600),
        # memory:// is per process; use redis:// when running several workers.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": env_bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour"),
    }


def api_settings() -> dict:
    """The JSON API and its OpenAPI document (flask-smorest)."""
    return {
        "API_TITLE": "Impactbeurs API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "API_PAGE_SIZE": 20,
    }


def configured_payment_provider(overrides: dict) -> str:
    """PAYMENT_PROVIDER, or the provider whose keys are set, or the simulator."""
    name = overrides.get("PAYMENT_PROVIDER") or os.environ.get("PAYMENT_PROVIDER", "")
    name = name.strip().lower()
    if name:
        return name
    if os.environ.get("MOLLIE_API_KEY"):
        return "mollie"
    if os.environ.get("STRIPE_SECRET_KEY"):
        return "stripe"
    return "simulator"


def payment_settings(overrides: dict, production: bool) -> dict:
    provider = configured_payment_provider(overrides)
    if production and provider == "simulator":
        raise ConfigurationError(
            "The payment simulator is refused when IMPACTBEURS_ENV=production: "
            "set PAYMENT_PROVIDER=mollie or stripe"
        )
    return {
        "PAYMENT_PROVIDER": provider,
        "MOLLIE_API_KEY": os.environ.get("MOLLIE_API_KEY", ""),
        "MOLLIE_API_ENDPOINT": os.environ.get("MOLLIE_API_ENDPOINT", ""),
        "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY", ""),
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET", ""),
        "STRIPE_API_BASE": os.environ.get("STRIPE_API_BASE", ""),
        "DONATION_MAX_AMOUNT": os.environ.get("DONATION_MAX_AMOUNT", "25000.00"),
        "IDEAL_METHOD_LABEL": os.environ.get("IDEAL_METHOD_LABEL", "iDEAL"),
        "PAYMENT_HTTP_TIMEOUT": float(os.environ.get("PAYMENT_HTTP_TIMEOUT", "10")),
        "CHECKOUT_RATE_LIMIT": os.environ.get("CHECKOUT_RATE_LIMIT", "20 per minute"),
        "PAYMENT_LOCK_TIMEOUT_MS": env_int("PAYMENT_LOCK_TIMEOUT_MS", 5000),
        # Store webhooks and answer at once; `payments webhook-worker` processes apply them.
        "WEBHOOKS_QUEUED": env_bool("WEBHOOKS_QUEUED"),
        "DONATION_RECEIPTS_ENABLED": env_bool("DONATION_RECEIPTS_ENABLED", True),
    }


def platform_settings() -> dict:
    """Platform income (the suggested tip, the fee per gift) and payouts to initiatives' own
    accounts (Mollie Connect OAuth app, Stripe Connect)."""
    return {
        "PLATFORM_LEGAL_NAME": os.environ.get("PLATFORM_LEGAL_NAME", "Impactbeurs"),
        "PLATFORM_TIP_PERCENT": os.environ.get("PLATFORM_TIP_PERCENT", "5"),
        "PLATFORM_FEE_FIXED": os.environ.get("PLATFORM_FEE_FIXED", "0.00"),
        "PLATFORM_FEE_PERCENT": os.environ.get("PLATFORM_FEE_PERCENT", "0"),
        "MOLLIE_CLIENT_ID": os.environ.get("MOLLIE_CLIENT_ID", ""),
        "MOLLIE_CLIENT_SECRET": os.environ.get("MOLLIE_CLIENT_SECRET", ""),
        "MOLLIE_OAUTH_AUTHORIZE_URL": os.environ.get(
            "MOLLIE_OAUTH_AUTHORIZE_URL", "https://my.mollie.com/oauth2/authorize"
        ),
        "MOLLIE_OAUTH_TOKEN_URL": os.environ.get("MOLLIE_OAUTH_TOKEN_URL", ""),
        "STRIPE_CONNECT_WEBHOOK_SECRET": os.environ.get("STRIPE_CONNECT_WEBHOOK_SECRET", ""),
        "STRIPE_CONNECT_COUNTRY": os.environ.get("STRIPE_CONNECT_COUNTRY", "NL"),
    }


def privacy_settings() -> dict:
    """Retention periods (named in the privacy statement, `privacy/_retention.html`)."""
    return {
        "RETENTION_FISCAL_YEARS": env_int("RETENTION_FISCAL_YEARS", 7),
        "RETENTION_LOGIN_DAYS": env_int("RETENTION_LOGIN_DAYS", 180),
        "RETENTION_PRIVACY_LOG_DAYS": env_int("RETENTION_PRIVACY_LOG_DAYS", 730),
        "RETENTION_MAIL_DAYS": env_int("RETENTION_MAIL_DAYS", 90),
    }


def cache_settings() -> dict:
    """The page cache (`marketplace/pagecache.py`): Redis when CACHE_REDIS_URL is set, shared by
    every worker and host; otherwise a cache in each process."""
    redis_url = os.environ.get("CACHE_REDIS_URL", "")
    return {
        "CACHE_TYPE": "RedisCache" if redis_url else "SimpleCache",
        "CACHE_REDIS_URL": redis_url,
        "CACHE_DEFAULT_TIMEOUT": env_int("CACHE_DEFAULT_TIMEOUT", 600),
        "CACHE_THRESHOLD": 2000,
        "CACHE_KEY_PREFIX": "impactbeurs:",
    }


def impact_settings() -> dict:
    """The SROI engine and outcome reports."""
    return {
        "SROI_DISCOUNT_RATE": os.environ.get("SROI_DISCOUNT_RATE", "0.0225"),
        "OUTCOME_REPORT_DUE_DAYS": env_int("OUTCOME_REPORT_DUE_DAYS", 30),
    }


def scheduling_settings() -> dict:
    """Scheduled reports; REPORT_BUILD_WORKERS empty = the CPUs this process may use."""
    return {
        "REPORT_CLAIM_LEASE_SECONDS": env_int("REPORT_CLAIM_LEASE_SECONDS", 900),
        "REPORT_BUILD_WORKERS": os.environ.get("REPORT_BUILD_WORKERS") or None,
    }


def investment_settings() -> dict:
    """Investments: the licence text and the risk warning shown on every offer page (per
    language; empty = the built-in text), and the grace days before an instalment is late."""
    return {
        "INVESTMENT_LICENCE_TEXT_NL": os.environ.get("INVESTMENT_LICENCE_TEXT_NL", ""),
        "INVESTMENT_LICENCE_TEXT_EN": os.environ.get("INVESTMENT_LICENCE_TEXT_EN", ""),
        "INVESTMENT_RISK_WARNING_NL": os.environ.get("INVESTMENT_RISK_WARNING_NL", ""),
        "INVESTMENT_RISK_WARNING_EN": os.environ.get("INVESTMENT_RISK_WARNING_EN", ""),
        "INVESTMENT_LATE_GRACE_DAYS": env_int("INVESTMENT_LATE_GRACE_DAYS", 3),
    }


def site_settings() -> dict:
    """Who runs the site: on the contact, privacy and terms pages (Dutch law asks for them)."""
    return {
        "SITE_OPERATOR": os.environ.get("SITE_OPERATOR", "Impactbeurs"),
        "CONTACT_EMAIL": os.environ.get("CONTACT_EMAIL", "info@impactbeurs.nl"),
        "CONTACT_ADDRESS": os.environ.get("CONTACT_ADDRESS", ""),
        "KVK_NUMBER": os.environ.get("KVK_NUMBER", ""),
    }
