"""The demo's neighbourhood: public profiles, follows, updates on initiatives and a digest, made
through the community services as people make them on their pages (idempotent)."""

from marketplace.accounts.models import User
from marketplace.community import preferences, profiles, updates
from marketplace.community.follows import follow
from marketplace.demo.portfolios import demo_foundation
from marketplace.initiatives.models import Initiative

PROFILES = {
    "donor": {
        "handle": "daan",
        "municipality": "Utrecht",
        "bio": "Ik geef graag aan initiatieven in **mijn eigen buurt**.",
        "shown_sections": ["follows"],
    },
    "initiative owner": {
        "handle": "ingrid",
        "municipality": "Amsterdam",
        "bio": "Initiatiefnemer van 24 buurtinitiatieven. Kom gerust langs!",
        "shown_sections": ["follows"],
    },
}
UPDATES = {
    0: [
        (
            "De eerste buurtbus rijdt",
            "Sinds maandag brengt **onze buurtbus** ouderen naar de markt.",
        ),
        ("Twintig nieuwe vrijwilligers", "Dank aan iedereen die zich aanmeldde. Welkom!"),
    ],
    4: [
        ("Zonnedak op basisschool De Esch", "Het tweede dak ligt er: 120 panelen, 42 MWh per jaar.")
    ],
    2: [("Mantelzorgcafé vanaf nu elke week", "Elke woensdagmiddag, koffie staat klaar.")],
}
FOLLOWED = {"donor": (0, 2, 4), "foundation staff": (4,)}


def seed_community(users: dict[str, User], initiatives: list[Initiative]) -> None:
    """Profiles, follows (people, an organisation, a theme, a municipality), updates, a digest."""
    for kind, data in PROFILES.items():
        if profiles.profile_of(users[kind]) is None:
            profiles.save_profile(users[kind], {**data, "public": True})
    owner = users["initiative owner"]
    for index, posts in UPDATES.items():
        initiative = initiatives[index]
        if updates.updates_of(initiative.id):
            continue
        reports = updates.accepted_reports(initiative.id)
        for number, (title, body) in enumerate(posts):
            link = reports[0] if reports and number == 0 else None
            data = {"title": title, "body": body, "outcome_report_id": link}
            updates.post_update(initiative, owner, data)
    for kind, indexes in FOLLOWED.items():
        for index in indexes:
            follow(users[kind], "initiative", initiatives[index].id)
    donor = users["donor"]
    follow(donor, "theme", "energy")
    follow(donor, "municipality", initiatives[1].municipality)
    follow(donor, "person", owner.id)
    follow(donor, "organisation", demo_foundation(users["foundation staff"]).id)
    follow(users["foundation staff"], "person", donor.id)
    preferences.save_settings(donor, "", 0, "weekly")
