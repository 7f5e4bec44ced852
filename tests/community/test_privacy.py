"""Community data in a person's export; erasure removes follows and profile and keeps updates
without their author."""

from marketplace.community import updates
from marketplace.community.follows import follow
from marketplace.community.models import Follow, Profile, Update
from marketplace.extensions import db
from marketplace.privacy.erasure import erase_person
from marketplace.privacy.export import person_data
from tests.conftest import TEST_PASSWORD


def test_export_and_erase(make_user, make_initiative, public_person):
    person = public_person("eva-export", name="Eva")
    initiative = make_initiative(owner=person, name="Moestuin")
    follow(person, "theme", "energy")
    follow(person, "initiative", initiative.id)
    fan = make_user()
    follow(fan, "person", person.id)
    update = updates.post_update(initiative, person, {"title": "Oogst", "body": "Veel bonen"})
    export = person_data(person)
    assert {f["subject_type"] for f in export["community"]["follows"]} == {"theme", "initiative"}
    assert export["community"]["profile"][0]["handle"] == "eva-export"
    assert export["community"]["updates"][0]["title"] == "Oogst"

    erase_person(person, person, TEST_PASSWORD)
    assert db.session.get(Profile, person.id) is None
    assert db.session.query(Follow).filter_by(user_id=person.id).count() == 0
    assert db.session.query(Follow).filter_by(person_id=person.id).count() == 0
    kept = db.session.get(Update, update.id)
    assert kept is not None and kept.author_id is None and kept.title == "Oogst"
