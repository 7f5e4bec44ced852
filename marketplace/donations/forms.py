"""Forms for giving, refunds and monthly gifts (the rules live in checkout, refunds, recurring)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

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


class RefundForm(FlaskForm):
    amount = StringField(
        _l("Amount to refund (empty = everything that remains)"),
        validators=[Optional(), Length(max=20)],
    )


class SimulatorForm(FlaskForm):
    pass
