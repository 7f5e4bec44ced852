"""Forms to confirm an erasure (with a password) and to find a person (admins)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Length


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=200)])
    understood = BooleanField(
        _l("I understand that my account and my personal data are deleted and cannot be restored."),
        validators=[DataRequired()],
    )


class AdminEraseForm(FlaskForm):
    password = PasswordField(
        _l("Your own (admin) password"), validators=[DataRequired(), Length(max=200)]
    )


class FindPersonForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
