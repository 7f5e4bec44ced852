"""Forms of the event pages; the rules live in `events.clean_event`."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from marketplace.events.models import KIND_LABELS
from marketplace.timeutil import AMSTERDAM

MOMENT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


class EventForm(FlaskForm):
    organiser = SelectField(_l("Organised by"), choices=[])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[(k.value, label) for k, label in KIND_LABELS.items()])
    description = TextAreaField(_l("Description (Markdown)"), validators=[Length(max=10000)])
    starts_at = DateTimeLocalField(_l("Starts"), format=MOMENT_FORMATS)
    ends_at = DateTimeLocalField(_l("Ends"), format=MOMENT_FORMATS)
    postcode = StringField(_l("Postcode of the place"), validators=[Optional(), Length(max=10)])
    online_url = StringField(
        _l("Or an online link (https://…)"), validators=[Optional(), Length(max=500)]
    )
    capacity = IntegerField(_l("Places"), validators=[DataRequired(), NumberRange(1, 100000)])

    def service_data(self) -> dict:
        """Amsterdam wall-clock times as aware datetimes; the organiser as ids."""
        kind, _sep, number = (self.organiser.data or "").partition(":")
        return {
            "title": self.title.data,
            "kind": self.kind.data,
            "description": self.description.data or "",
            "starts_at": _amsterdam(self.starts_at.data),
            "ends_at": _amsterdam(self.ends_at.data),
            "postcode": self.postcode.data or "",
            "online_url": self.online_url.data or "",
            "capacity": self.capacity.data,
            "initiative_id": int(number) if kind == "initiative" and number.isdigit() else None,
            "organisation_id": int(number) if kind == "organisation" and number.isdigit() else None,
        }


def _amsterdam(value):
    return value.replace(tzinfo=AMSTERDAM) if value is not None else None


class CheckInForm(FlaskForm):
    code = StringField(_l("Check-in code"), validators=[DataRequired(), Length(max=16)])
