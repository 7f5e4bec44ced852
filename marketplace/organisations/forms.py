"""Forms for organisations and their staff (the rules live in services)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from marketplace.organisations.models import KIND_LABELS, ROLE_LABELS


def role_choices():
    return [(role.value, label) for role, label in ROLE_LABELS.items()]


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name of the organisation"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(
        _l("Kind"), choices=[(kind.value, label) for kind, label in KIND_LABELS.items()]
    )


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=role_choices(), default="member")


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=role_choices())
