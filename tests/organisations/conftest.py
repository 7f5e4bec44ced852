import pytest

from marketplace.organisations.services import create_organisation


@pytest.fixture
def make_org(make_user):
    def factory(owner=None, name="Stichting Fonds Sociale Buurt", kind="foundation"):
        return create_organisation(owner or make_user(), name, kind)

    return factory
