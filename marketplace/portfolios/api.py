"""JSON API for portfolios: your own, and your organisations' (members only, else 404)."""

from flask import current_app
from flask_smorest import Blueprint

from marketplace.api.auth import BEARER, require_api_user
from marketplace.portfolios import build, periods
from marketplace.portfolios.cached import cached_answer
from marketplace.portfolios.exports import portfolio_json
from marketplace.portfolios.schemas import PortfolioQuerySchema, PortfolioSchema

blp = Blueprint(
    "api_portfolios",
    __name__,
    url_prefix="/api/v1",
    description="Portfolios: holdings, attributed social value and monthly series",
)


def _answer(funder, query):
    """The portfolio as JSON; already plain strings, so it skips a second (slow) schema dump.
    Kept while nothing it shows changes (`portfolios.cached`)."""
    first, last = periods.months_for_period(query["period"], query["from_"], query["to"])
    with_series = query["holding_series"]

    def produce(facts) -> str:
        portfolio = build.build_portfolio(
            funder, first=first, last=last, with_holding_series=with_series, facts=facts
        )
        data = portfolio_json(portfolio, with_holding_series=with_series)
        return current_app.json.response(data).get_data(as_text=True)

    body, _facts = cached_answer(funder, first, last, ("json", with_series), produce)
    return current_app.response_class(body, mimetype=current_app.json.mimetype)


@blp.route("/portfolio")
@blp.arguments(PortfolioQuerySchema, location="query")
@blp.response(200, PortfolioSchema)
@blp.doc(security=BEARER)
def my_portfolio(query):
    """Your own portfolio (gifts you made as a person, not on behalf of an organisation)."""
    return _answer(require_api_user(), query)


@blp.route("/organisations/<int:organisation_id>/portfolio")
@blp.arguments(PortfolioQuerySchema, location="query")
@blp.response(200, PortfolioSchema)
@blp.doc(security=BEARER)
def organisation_portfolio(query, organisation_id: int):
    """An organisation's portfolio; members of any role only (anybody else: 404)."""
    user = require_api_user()
    return _answer(build.organisation_portfolio_owner(organisation_id, user), query)
