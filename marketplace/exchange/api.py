"""Open data API of the exchange (public, no token): quotes, indices and savings."""

from flask_smorest import Blueprint

from marketplace.exchange import opendata
from marketplace.exchange.schemas import (
    IndexListSchema,
    QuoteListSchema,
    QuoteQuerySchema,
    SavingsReportSchema,
)

blp = Blueprint(
    "api_exchange",
    __name__,
    url_prefix="/api/v1/exchange",
    description="Open data of the social stock exchange (CC BY 4.0)",
)


@blp.route("/quotes")
@blp.arguments(QuoteQuerySchema, location="query")
@blp.response(200, QuoteListSchema)
def list_quotes(query):
    """Every quoted initiative: social return, its 3- and 12-month change, inputs, evidence."""
    return opendata.quotes_document(**query)


@blp.route("/indices")
@blp.response(200, IndexListSchema)
def list_indices():
    """The all-themes index and one index per theme, monthly (base 100)."""
    return opendata.indices_document()


@blp.route("/savings")
@blp.response(200, SavingsReportSchema)
def get_savings():
    """What society saves: national and per-municipality fiscal and total social value."""
    return opendata.savings_document()
