"""Forms of the community pages; the rules live in the services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace.community.models import DigestCadence
from marketplace.community.preferences import RADIUS_CHOICES


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProfileForm(FlaskForm):
    handle = StringField(_l("Your name in the address (/people/...)"), validators=[DataRequired()])
    public = BooleanField(_l("Show my profile to others"))
    municipality = StringField(_l("Municipality"), validators=[Optional(), Length(max=100)])
    bio = TextAreaField(_l("About me (Markdown, at most 500 characters)"), validators=[Optional()])
    avatar = FileField(_l("Photo (JPEG, PNG or WebP, at most 2 MB)"))
    shown_sections = CheckboxesField(_l("Show to others"), choices=[], validate_choice=False)


class FeedSettingsForm(FlaskForm):
    postcode = StringField(_l("Postcode"), validators=[Optional(), Length(max=7)])
    radius_km = SelectField(
        _l("Also show initiatives within"),
        choices=[
            (str(r), _l("%(km)d km", km=r) if r else _l("not nearby")) for r in RADIUS_CHOICES
        ],
    )
    digest = SelectField(
        _l("E-mail digest"),
        choices=[
            (DigestCadence.OFF.value, _l("No digest")),
            (DigestCadence.DAILY.value, _l("Daily")),
            (DigestCadence.WEEKLY.value, _l("Weekly")),
        ],
    )


class UpdateForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Text (Markdown)"), validators=[Optional(), Length(max=20000)])
    photos = MultipleFileField(_l("Photos (up to four; JPEG, PNG or WebP, at most 5 MB each)"))
    outcome_report_id = SelectField(
        _l("Link to an accepted outcome report"), choices=[], validate_choice=False
    )
    event_id = StringField(_l("Link to an event (its number)"), validators=[Optional()])
