"""Forms for giving, refunds and monthly gifts (the rules live in checkout, refunds, recurring)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

PRESETS = ("10", "25", "50", "100")


class GiveForm(FlaskForm):
    amount = StringField(_l("Amount (euros)"), validators=[Length(max=20)])
    tip = StringField(
        _l("Tip for the platform (euros, optional)"), validators=[Optional(), Length(max=20)]
    )
    interval = RadioField(
        _l("How often"),
        choices=[("once", _l("Once")), ("monthly", _l("Monthly"))],
        default="once",
    )
    method = RadioField(_l("Payment method"), choices=[], validate_choice=False)
    anonymous = BooleanField(_l("Hide my name on the public donor wall"))
    message = TextAreaField(
        _l("Message to the initiative (optional)"), validators=[Optional(), Length(max=1000)]
    )
    # Filled per donor with the organisations they may give for; the service checks it again.
    organisation_id = SelectField(_l("Give on behalf of"), choices=[], validate_choice=False)
    # Guests (no account) only: for the receipt. The service checks them.
    donor_name = StringField(
        _l("Your name"),
        validators=[Optional(), Length(max=200)],
        render_kw={"autocomplete": "name"},
    )
    donor_email = EmailField(
        _l("Your e-mail address (for the receipt)"),
        validators=[Optional(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )


class RefundForm(FlaskForm):
    amount = StringField(
        _l("Amount to refund (empty = everything that remains)"),
        validators=[Optional(), Length(max=20)],
    )


class ResolveFlagForm(FlaskForm):
    note = TextAreaField(
        _l("Note (what was done, or why nothing needs to be done)"),
        validators=[DataRequired(), Length(max=1000)],
    )


class ConfirmForm(FlaskForm):
    """A confirm step: the CSRF token and the explicit answer."""

    confirm = HiddenField()


class SimulatorForm(FlaskForm):
    pass
