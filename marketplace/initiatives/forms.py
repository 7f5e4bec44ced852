from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from marketplace.initiatives.models import THEME_LABELS


class InitiativeForm(FlaskForm):
    """Parses the page's fields; the rules themselves live in services.clean_initiative_fields."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    theme = SelectField(
        _l("Theme"), choices=[(theme.value, label) for theme, label in THEME_LABELS.items()]
    )
    summary = StringField(_l("Summary (one sentence)"), validators=[Length(max=500)])
    description = TextAreaField(
        _l("Description (Markdown)"), validators=[Optional(), Length(max=20000)]
    )
    municipality = StringField(_l("Municipality"), validators=[DataRequired(), Length(max=100)])
    province = StringField(_l("Province"), validators=[Optional(), Length(max=50)])
    postcode = StringField(_l("Postcode"), validators=[Optional(), Length(max=7)])
    funding_goal = StringField(_l("Funding goal (euros)"), validators=[Optional(), Length(max=20)])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300)])
    legal_name = StringField(_l("Legal name"), validators=[Optional(), Length(max=200)])
    anbi = BooleanField(_l("Registered as ANBI"))
    rsin = StringField(_l("RSIN"), validators=[Optional(), Length(max=12)])
    photo = FileField(_l("Photo (JPEG, PNG or WebP, at most 5 MB)"))

    def service_data(self) -> dict:
        return {
            name: field.data
            for name, field in self._fields.items()
            if name not in ("csrf_token", "photo")
        }


class CoOwnerForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
