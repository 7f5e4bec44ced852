# ruff: noqa: E501  (one initiative per line reads best)
"""Demo initiatives: realistic Dutch citizen initiatives (fictional organisations in real places),
created and published by their owner through the initiative services, as on /initiatives/new."""

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative, InitiativeStatus
from marketplace.initiatives.services import create_initiative, set_status

# fmt: off
DEMO_INITIATIVES = [
    # care
    dict(slug="buurtzorgcooperatie-oosterpark", name="Buurtzorgcoöperatie Oosterpark", theme="care",
         municipality="Amsterdam", province="Noord-Holland", postcode="1092 AA",
         summary="Buren helpen buren met boodschappen, vervoer en een luisterend oor.", goal="15000"),
    dict(slug="samen-eten-tilburg-noord", name="Samen Eten Tilburg-Noord", theme="care",
         municipality="Tilburg", province="Noord-Brabant", postcode="5045 AB",
         summary="Wekelijkse maaltijden tegen eenzaamheid voor ouderen in de wijk.", goal="8000"),
    dict(slug="mantelzorgcafe-zwolle", name="Mantelzorgcafé Zwolle", theme="care",
         municipality="Zwolle", province="Overijssel", postcode="8011 AA",
         summary="Ontmoeting, respijtzorg en advies voor mantelzorgers.", goal="12000"),
    dict(slug="zorgcooperatie-hollandscheveld", name="Zorgcoöperatie Hollandscheveld", theme="care",
         municipality="Hoogeveen", province="Drenthe", postcode="7905 AA",
         summary="Dorpsbewoners organiseren samen zorg en dagbesteding in het dorpshuis.", goal="25000"),
    # energy
    dict(slug="energiecooperatie-zuiderlicht", name="Energiecoöperatie Zuiderlicht", theme="energy",
         municipality="Maastricht", province="Limburg", postcode="6211 AA",
         summary="Zonnedaken op scholen en sporthallen, eigendom van de buurt.", goal="40000"),
    dict(slug="texelse-energie-coop", name="Texelse Energie Coöperatie", theme="energy",
         municipality="Texel", province="Noord-Holland", postcode="1791 AA",
         summary="Het eiland energieneutraal met eigen zon- en windprojecten.", goal="60000"),
    dict(slug="energiecoaches-groningen", name="Energiecoaches Groningen", theme="energy",
         municipality="Groningen", province="Groningen", postcode="9711 AA",
         summary="Vrijwillige energiecoaches helpen huishoudens hun rekening te verlagen.", goal="10000"),
    dict(slug="zonnepark-de-kwekerij", name="Buurtzonnepark De Kwekerij", theme="energy",
         municipality="Arnhem", province="Gelderland", postcode="6811 AA",
         summary="Een zonnepark op een oude kwekerij, met opbrengst voor het buurtfonds.", goal="75000"),
    # education
    dict(slug="huiswerkklas-rotterdam-zuid", name="Huiswerkklas Rotterdam-Zuid", theme="education",
         municipality="Rotterdam", province="Zuid-Holland", postcode="3072 AA",
         summary="Studenten begeleiden kinderen bij huiswerk, vier middagen per week.", goal="18000"),
    dict(slug="taalhuis-utrecht-overvecht", name="Taalhuis Overvecht", theme="education",
         municipality="Utrecht", province="Utrecht", postcode="3562 AA",
         summary="Taalmaatjes en cursussen voor laaggeletterde volwassenen.", goal="14000"),
    dict(slug="codeclub-almere", name="CodeClub Almere", theme="education",
         municipality="Almere", province="Flevoland", postcode="1315 AA",
         summary="Gratis programmeerlessen voor kinderen in de bibliotheek.", goal="6000"),
    dict(slug="leesvrienden-leeuwarden", name="Leesvrienden Leeuwarden", theme="education",
         municipality="Leeuwarden", province="Friesland", postcode="8911 AA",
         summary="Voorleesvrijwilligers aan huis bij gezinnen met jonge kinderen.", goal="7500"),
    # housing & work
    dict(slug="schuldhulpmaatjes-den-haag", name="Schuldhulpmaatjes Den Haag", theme="housing_work",
         municipality="Den Haag", province="Zuid-Holland", postcode="2511 AA",
         summary="Getrainde vrijwilligers helpen huishoudens uit de schulden.", goal="20000"),
    dict(slug="werkplaats-eindhoven", name="Sociale Werkplaats De Draai", theme="housing_work",
         municipality="Eindhoven", province="Noord-Brabant", postcode="5611 AA",
         summary="Leerwerkplekken in fietsreparatie voor mensen in de bijstand.", goal="35000"),
    dict(slug="thuis-in-de-wijk-nijmegen", name="Thuis in de Wijk", theme="housing_work",
         municipality="Nijmegen", province="Gelderland", postcode="6511 AA",
         summary="Vroegsignalering van huurachterstanden om huisuitzetting te voorkomen.", goal="16000"),
    dict(slug="kamers-met-aandacht-enschede", name="Kamers met Aandacht Enschede", theme="housing_work",
         municipality="Enschede", province="Overijssel", postcode="7511 AA",
         summary="Jongeren zonder thuis wonen tijdelijk bij een gastgezin.", goal="22000"),
    # sport
    dict(slug="buurtsportclub-haarlem-schalkwijk", name="Buurtsportclub Schalkwijk", theme="sport",
         municipality="Haarlem", province="Noord-Holland", postcode="2035 AA",
         summary="Sporten in de wijk voor iedereen, met vrijwillige trainers.", goal="9000"),
    dict(slug="wandelvoetbal-apeldoorn", name="Wandelvoetbal Apeldoorn", theme="sport",
         municipality="Apeldoorn", province="Gelderland", postcode="7311 AA",
         summary="Voetbal in wandeltempo voor 60-plussers.", goal="4000"),
    dict(slug="zwemles-voor-iedereen-breda", name="Zwemles voor Iedereen", theme="sport",
         municipality="Breda", province="Noord-Brabant", postcode="4811 AA",
         summary="Zwemdiploma's voor kinderen uit gezinnen met een laag inkomen.", goal="11000"),
    dict(slug="roeivereniging-de-vliet-leiden", name="Roeien op de Vliet", theme="sport",
         municipality="Leiden", province="Zuid-Holland", postcode="2311 AA",
         summary="Aangepast roeien voor mensen met een beperking.", goal="13000"),
    # community
    dict(slug="repaircafe-delft", name="Repair Café Delft", theme="community",
         municipality="Delft", province="Zuid-Holland", postcode="2611 AA",
         summary="Samen repareren in plaats van weggooien, elke zaterdag.", goal="3000"),
    dict(slug="voedselbank-dordrecht", name="Voedselbank Dordrecht", theme="community",
         municipality="Dordrecht", province="Zuid-Holland", postcode="3311 AA",
         summary="Voedselpakketten en het redden van overschotten van supermarkten.", goal="30000"),
    dict(slug="buurtpreventie-vlaardingen", name="Buurtpreventie Westwijk", theme="community",
         municipality="Vlaardingen", province="Zuid-Holland", postcode="3135 AA",
         summary="Bewoners lopen samen avondrondes en signaleren wat beter kan.", goal="5000"),
    dict(slug="dorpshuis-de-kolk-middelburg", name="Dorpshuis De Kolk", theme="community",
         municipality="Middelburg", province="Zeeland", postcode="4331 AA",
         summary="Het dorpshuis als huiskamer van het dorp, gerund door vrijwilligers.", goal="19000"),
]
# fmt: on

DEMO_DESCRIPTION = (
    "## Wat we doen\n\n{summary}\n\n"
    "Wij zijn een burgerinitiatief: bewoners die zelf de handen uit de mouwen steken. "
    "Met jouw gift kunnen we meer mensen bereiken en onze resultaten beter meten.\n\n"
    "## Waar het geld naartoe gaat\n\n"
    "- materiaal en activiteiten\n- training van vrijwilligers\n- huur van de ruimte\n"
)


def demo_rsin(index: int) -> str:
    """A distinct 9-digit demo RSIN per initiative."""
    return f"8{index:08d}"


def initiative_fields(index: int, row: dict) -> dict:
    """The fields of the new-initiative form for one demo initiative."""
    return {
        "slug": row["slug"],
        "name": row["name"],
        "legal_name": f"Stichting {row['name']}",
        "theme": row["theme"],
        "summary": row["summary"],
        "description": DEMO_DESCRIPTION.format(summary=row["summary"]),
        "municipality": row["municipality"],
        "province": row["province"],
        "postcode": row["postcode"],
        "funding_goal": row["goal"],
        "website": f"https://{row['slug']}.example.nl",
        "anbi": True,
        "rsin": demo_rsin(index),
    }


def seed_initiatives(owner: User) -> list[Initiative]:
    """Every demo initiative, created and published by `owner` where it does not exist yet."""
    initiatives = []
    for index, row in enumerate(DEMO_INITIATIVES):
        initiative = db.session.scalar(select(Initiative).where(Initiative.slug == row["slug"]))
        if initiative is None:
            initiative = create_initiative(owner, initiative_fields(index, row))
            set_status(initiative, owner, InitiativeStatus.PUBLISHED)
        initiatives.append(initiative)
    return initiatives
