"""Units of the metric catalog as people read them. The catalog stores a unit code in English
("ride", "person-year"); pages, reports and forms show its label in the reader's language ("rit",
"persoonsjaar"). A unit an admin typed that is not listed here is shown as typed."""

from flask_babel import lazy_gettext as _l

UNIT_LABELS = {
    "EUR": _l("euro"),
    "consultation": _l("consultation"),
    "contact": _l("contact"),
    "day": _l("day"),
    "eviction": _l("eviction"),
    "hour": _l("hour"),
    "household-year": _l("household-year"),
    "item": _l("item"),
    "kWh": "kWh",
    "kg": "kg",
    "m3": "m³",
    "night": _l("night"),
    "offence": _l("offence"),
    "person": _l("person"),
    "person-year": _l("person-year"),
    "pupil-day": _l("pupil-day"),
    "pupil-year": _l("pupil-year"),
    "ride": _l("ride"),
    "session": _l("session"),
    "tonne CO2": _l("tonne CO2"),
    "tonne CO2-eq": _l("tonne CO2-eq"),
    "visit": _l("visit"),
}


def unit_label(unit: str | None) -> str:
    """ "ride" -> "rit" (nl); an unknown unit as it was typed."""
    return str(UNIT_LABELS.get(unit or "", unit or ""))
