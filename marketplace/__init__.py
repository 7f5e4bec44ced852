"""Impactbeurs: an impact-investing and donation marketplace for Dutch citizen initiatives."""

from pathlib import Path

from flask import Flask

from marketplace.config import load_config


def create_app(config: dict | None = None) -> Flask:
    """The app factory: a table of contents of what the application is made of."""
    config = dict(config or {})
    instance_path = config.pop("INSTANCE_PATH", None)
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(load_config(Path(app.instance_path), config))

    register_extensions(app)
    register_edges(app)
    register_blueprints(app)
    register_api(app)
    register_errorhandlers(app)
    register_security(app)
    register_templating(app)
    register_commands(app)
    register_listeners()
    register_initiative_page(app)
    register_event_page(app)
    register_review_participation(app)
    register_payment_kinds(app)
    register_reconcile_steps(app)
    register_privacy(app)
    register_community(app)
    return app


def register_extensions(app: Flask) -> None:
    from marketplace import db as _sqlite_setup  # noqa: F401  (engine event listeners)
    from marketplace.accounts.auth import init_login
    from marketplace.extensions import babel, cache, csrf, db, limiter, migrate
    from marketplace.i18n import select_locale, select_timezone
    from marketplace.mail import outbox

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    outbox.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    init_login(app)
    import_models()


def import_models() -> None:
    """Import every models module so metadata (and Alembic) sees all tables."""
    from marketplace import pagecache as _pagecache  # noqa: F401
    from marketplace.accounts import models as _accounts  # noqa: F401
    from marketplace.community import models as _community  # noqa: F401
    from marketplace.donations import models as _donations  # noqa: F401
    from marketplace.donations import simulator_state as _simulator  # noqa: F401
    from marketplace.events import models as _events  # noqa: F401
    from marketplace.exchange import models as _exchange  # noqa: F401
    from marketplace.figures import models as _figures  # noqa: F401
    from marketplace.impact import models as _impact  # noqa: F401
    from marketplace.initiatives import models as _initiatives  # noqa: F401
    from marketplace.investments import models as _investments  # noqa: F401
    from marketplace.mail import models as _mail  # noqa: F401
    from marketplace.organisations import models as _organisations  # noqa: F401
    from marketplace.payouts import models as _payouts  # noqa: F401
    from marketplace.privacy import models as _privacy  # noqa: F401
    from marketplace.reporting import models as _reporting  # noqa: F401
    from marketplace.reviews import models as _reviews  # noqa: F401
    from marketplace.volunteering import models as _volunteering  # noqa: F401


def register_edges(app: Flask) -> None:
    """Input checks every request passes (ids the database holds, no NUL), before any route."""
    from marketplace.inputs import register_edges as register

    register(app)


def register_blueprints(app: Flask) -> None:
    from marketplace.accounts.views import bp as accounts_bp
    from marketplace.community.update_views import bp as updates_bp
    from marketplace.community.views import bp as community_bp
    from marketplace.community.webapp import bp as webapp_bp
    from marketplace.donations.admin_views import bp as donation_admin_bp
    from marketplace.donations.views import bp as donations_bp
    from marketplace.donations.webhooks import bp as donation_webhooks_bp
    from marketplace.events.views import bp as events_bp
    from marketplace.exchange.views import bp as exchange_bp
    from marketplace.extensions import csrf
    from marketplace.impact.report_views import bp as outcome_reports_bp
    from marketplace.impact.views import bp as impact_bp
    from marketplace.initiatives.views import bp as initiatives_bp
    from marketplace.investments.admin_views import bp as offer_admin_bp
    from marketplace.investments.investor_views import bp as investor_bp
    from marketplace.investments.owner_views import bp as offer_owner_bp
    from marketplace.investments.views import bp as offers_bp
    from marketplace.organisations.views import bp as organisations_bp
    from marketplace.pages import bp as pages_bp
    from marketplace.portfolios.views import bp as portfolios_bp
    from marketplace.privacy.views import bp as privacy_bp
    from marketplace.reporting.views import bp as reporting_bp
    from marketplace.reviews.views import bp as reviews_bp
    from marketplace.settlement.views import bp as settlement_bp
    from marketplace.volunteering.views import bp as volunteering_bp

    app.register_blueprint(pages_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(initiatives_bp)
    app.register_blueprint(portfolios_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(donations_bp)
    app.register_blueprint(donation_admin_bp)
    app.register_blueprint(csrf.exempt(donation_webhooks_bp))  # providers cannot send our token
    app.register_blueprint(impact_bp)
    app.register_blueprint(outcome_reports_bp)
    app.register_blueprint(exchange_bp)
    app.register_blueprint(reporting_bp)
    app.register_blueprint(offers_bp)
    app.register_blueprint(investor_bp)
    app.register_blueprint(offer_owner_bp)
    app.register_blueprint(offer_admin_bp)
    app.register_blueprint(settlement_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(volunteering_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(reviews_bp)
    app.register_blueprint(community_bp)
    app.register_blueprint(updates_bp)
    app.register_blueprint(webapp_bp)


def register_api(app: Flask) -> None:
    """The JSON API under /api/v1: each domain's blueprint, bearer tokens, the OpenAPI document."""
    from marketplace.api.auth import BEARER_SCHEME, reject_invalid_token
    from marketplace.api.spec import ErrorResponses
    from marketplace.community.api import blp as community_blp
    from marketplace.donations.api import blp as donations_blp
    from marketplace.events.api import blp as events_blp
    from marketplace.exchange.api import blp as exchange_blp
    from marketplace.extensions import api, csrf
    from marketplace.figures.api import blp as figures_blp
    from marketplace.impact.api import blp as impact_blp
    from marketplace.initiatives.api import blp as initiatives_blp
    from marketplace.investments.api import blp as investments_blp
    from marketplace.investments.investor_api import blp as investor_blp
    from marketplace.organisations.api import blp as organisations_blp
    from marketplace.portfolios.api import blp as portfolios_blp
    from marketplace.privacy.api import blp as privacy_blp
    from marketplace.reporting.api import blp as reporting_blp
    from marketplace.reviews.api import blp as reviews_blp
    from marketplace.volunteering.api import blp as volunteering_blp

    api.init_app(app, spec_kwargs={"extra_plugins": [ErrorResponses()]})
    app.before_request(reject_invalid_token)
    api.spec.components.security_scheme("bearerAuth", BEARER_SCHEME)
    blueprints = (
        initiatives_blp,
        impact_blp,
        figures_blp,
        donations_blp,
        organisations_blp,
        portfolios_blp,
        exchange_blp,
        reporting_blp,
        investments_blp,
        investor_blp,
        privacy_blp,
        volunteering_blp,
        events_blp,
        reviews_blp,
        community_blp,
    )
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)  # token-authenticated, never cookie-authenticated


def register_errorhandlers(app: Flask) -> None:
    from marketplace.errors import register_errorhandlers as register

    register(app)


def register_security(app: Flask) -> None:
    from marketplace.security import register_security_headers

    register_security_headers(app)


def register_templating(app: Flask) -> None:
    from marketplace.templating import register_template_helpers

    register_template_helpers(app)


def register_commands(app: Flask) -> None:
    from marketplace.cli import register_cli

    register_cli(app)


def register_listeners() -> None:
    """Connect each domain's receivers of the named signals (`marketplace.signals`), in the order
    a fact flows: figures first, then the exchange that reads them. Idempotent."""
    from marketplace import pagecache
    from marketplace.donations import listeners as donations_listeners
    from marketplace.exchange import listeners as exchange_listeners
    from marketplace.figures import listeners as figures_listeners
    from marketplace.privacy import listeners as privacy_listeners
    from marketplace.reporting import listeners as reporting_listeners
    from marketplace.settlement import listeners as settlement_listeners

    donations_listeners.connect()
    figures_listeners.connect()
    exchange_listeners.connect()
    reporting_listeners.connect()
    settlement_listeners.connect()
    privacy_listeners.connect()
    pagecache.connect()


def register_initiative_page(app: Flask) -> None:
    """The sections other domains add to an initiative's page, in page order."""
    from marketplace.community.update_views import initiative_section as updates_section
    from marketplace.donations.queries import donor_wall_section
    from marketplace.exchange.views import initiative_section as exchange_section
    from marketplace.figures.page import funding_section, impact_section
    from marketplace.initiatives.page import set_sections
    from marketplace.investments.views import offers_section
    from marketplace.reviews.blocks import initiative_section as reviews_section

    set_sections(
        app,
        (
            funding_section,
            donor_wall_section,
            offers_section,
            impact_section,
            exchange_section,
            reviews_section,
            updates_section,
        ),
    )


def register_event_page(app: Flask) -> None:
    """The sections the domains above events add to an event's page."""
    from marketplace.events.page import set_sections
    from marketplace.reviews.blocks import event_section

    set_sections(app, (event_section,))


def register_review_participation(app: Flask) -> None:
    """How a review's author counts as a verified participant: checked in at an event, or
    confirmed volunteer hours for the initiative."""
    from marketplace.events.rsvps import checked_in
    from marketplace.reviews.participation import set_checks
    from marketplace.volunteering.hours import volunteered_at

    set_checks(app, (checked_in, volunteered_at))


def register_payment_kinds(app: Flask) -> None:
    """Payments that are not gifts but go through the same providers and webhooks."""
    from marketplace.donations.payment_kinds import PaymentKind, set_payment_kinds
    from marketplace.investments import payments as investment_payments

    set_payment_kinds(
        app,
        (
            PaymentKind(
                "investment",
                investment_payments.owns_payment,
                investment_payments.refresh_payment,
            ),
        ),
    )


def register_reconcile_steps(app: Flask) -> None:
    """What `payments reconcile` checks beyond the gifts: the transfers to initiatives."""
    from marketplace.donations.reconcile import set_extra_steps
    from marketplace.settlement.transfers import reconcile_transfers

    set_extra_steps(app, (("payouts", reconcile_transfers),))


def register_privacy(app: Flask) -> None:
    """Each domain's part of a person's data export, erasure and retention purge (a new domain
    adds its `privacy.DATA` here)."""
    from marketplace.community import privacy as community
    from marketplace.donations import privacy as donations
    from marketplace.events import privacy as events
    from marketplace.impact import privacy as impact
    from marketplace.initiatives import privacy as initiatives
    from marketplace.organisations import privacy as organisations
    from marketplace.payouts import privacy as payouts
    from marketplace.privacy.registry import set_domains
    from marketplace.reporting import privacy as reporting
    from marketplace.reviews import privacy as reviews
    from marketplace.volunteering import privacy as volunteering

    set_domains(
        app,
        (
            organisations.DATA,
            initiatives.DATA,
            payouts.DATA,
            donations.DATA,
            impact.DATA,
            community.DATA,
            reporting.DATA,
            volunteering.DATA,
            events.DATA,
            reviews.DATA,
        ),
    )


def register_community(app: Flask) -> None:
    """What tasks, events and reviews add to the feed and to public profiles (in that order)."""
    from marketplace.community.registry import set_feed_sources, set_profile_sections
    from marketplace.events.feed import ATTENDED_SECTION, event_items
    from marketplace.reviews.profile import REVIEWS_SECTION
    from marketplace.volunteering.feed import hours_section, tasks_feed

    set_feed_sources(app, (tasks_feed, event_items))
    set_profile_sections(app, (hours_section, ATTENDED_SECTION, REVIEWS_SECTION))
