"""The demo, loaded once per module with real commits (a test's own changes are still rolled
back), and the tables emptied afterwards, so the rest of the suite starts from an empty database."""

import pytest
from sqlalchemy import update

from marketplace.donations.models import RecurringGift
from marketplace.extensions import db
from tests.conftest import truncate_all_tables


def empty_tables() -> None:
    """Every table emptied; a monthly gift and its first payment point at each other."""
    db.session.execute(update(RecurringGift).values(first_contribution_id=None))
    db.session.commit()
    truncate_all_tables()


@pytest.fixture(scope="module")
def demo(app):
    """The output of `flask --app wsgi demo` on an empty database."""
    with app.app_context():
        empty_tables()
        result = app.test_cli_runner().invoke(args=["demo"])
        db.session.remove()
    assert result.exit_code == 0, result.output
    yield result.output
    with app.app_context():
        empty_tables()
        db.session.remove()
