"""Forms (with CSRF) for posting a task, searching, and confirming hours."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional


class TaskForm(FlaskForm):
    title = StringField(_l("What needs doing"), validators=[InputRequired(), Length(max=200)])
    description = TextAreaField(_l("Description (Markdown)"), validators=[Length(max=20000)])
    skills = StringField(_l("Skills that help"), validators=[Length(max=300)])
    postcode = StringField(_l("Postcode"), validators=[InputRequired(), Length(max=10)])
    starts_at = DateTimeLocalField(
        _l("Starts at (leave empty for a flexible task)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
    )
    duration_minutes = IntegerField(
        _l("Duration in minutes"), validators=[InputRequired(), NumberRange(min=1, max=10080)]
    )
    capacity = IntegerField(
        _l("Places"), default=1, validators=[InputRequired(), NumberRange(min=1, max=10000)]
    )
    cancel_hours = IntegerField(
        _l("Cancel up to this many hours before the start"),
        default=24,
        validators=[InputRequired(), NumberRange(min=0, max=720)],
    )


class ConfirmForm(FlaskForm):
    hours = StringField(_l("Hours"), validators=[InputRequired(), Length(max=10)])
