"""Forms for offers, the subscribe flow, the investor profile and instalments (the rules are the
services': these forms only carry the input)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace.investments.models import KIND_LABELS


class OfferForm(FlaskForm):
    kind = SelectField(
        _l("Kind"), choices=[(kind.value, label) for kind, label in KIND_LABELS.items()]
    )
    title = StringField(_l("Title"), validators=[Length(max=200)])
    target = StringField(_l("Target (euros)"), validators=[Length(max=20)])
    minimum = StringField(_l("Minimum per subscription (euros)"), validators=[Length(max=20)])
    maximum = StringField(_l("Maximum per subscription (euros)"), validators=[Length(max=20)])
    unit_price = StringField(
        _l("Price per share or bond (euros)"), validators=[Optional(), Length(max=20)]
    )
    interest_rate = StringField(
        _l("Interest rate (% a year)"), validators=[Optional(), Length(max=10)]
    )
    term_months = StringField(_l("Term (months)"), validators=[Optional(), Length(max=5)])
    repayment = SelectField(
        _l("Repayment"),
        choices=[
            ("", "—"),
            ("annuity", _l("Annuity (equal instalments)")),
            ("linear", _l("Linear (equal principal parts)")),
            ("bullet", _l("Bullet (interest only, principal at the end)")),
        ],
    )
    frequency = SelectField(
        _l("Instalments"),
        choices=[
            ("", "—"),
            ("monthly", _l("Monthly")),
            ("quarterly", _l("Quarterly")),
            ("yearly", _l("Yearly")),
        ],
    )
    opens_at = DateField(_l("Opens on"), validators=[Optional()])
    closes_at = DateField(_l("Closes at the end of"), validators=[Optional()])
    all_or_nothing = BooleanField(
        _l("All or nothing: refund everyone if the target is missed"), default=True
    )
    use_of_proceeds = TextAreaField(_l("Use of the money"), validators=[Length(max=20000)])
    risks = TextAreaField(_l("Risks"), validators=[Length(max=20000)])

    FIELDS = (
        "kind", "title", "target", "minimum", "maximum", "unit_price", "interest_rate",
        "term_months", "repayment", "frequency", "opens_at", "closes_at", "all_or_nothing",
        "use_of_proceeds", "risks",
    )  # fmt: skip

    def service_data(self) -> dict:
        data = {name: getattr(self, name).data for name in self.FIELDS}
        for name in ("unit_price", "interest_rate", "term_months", "repayment", "frequency"):
            data[name] = data[name] or None
        return data


class SubscribeForm(FlaskForm):
    amount = StringField(_l("Amount (euros)"), validators=[Optional(), Length(max=20)])
    units = StringField(_l("Number of units"), validators=[Optional(), Length(max=9)])
    method = RadioField(_l("Payment method"), choices=[], validate_choice=False)
    organisation_id = SelectField(_l("Invest on behalf of"), choices=[], validate_choice=False)
    read_sheet = BooleanField(_l("I have read the key investment information sheet"))
    acknowledge_risk = BooleanField(
        _l("I have read the risk warning and accept that I can lose the whole amount")
    )


class LossSimulationForm(FlaskForm):
    net_income = StringField(_l("Net income per year (euros)"), validators=[Length(max=20)])
    liquid_assets = StringField(
        _l("Liquid assets: savings, investments you can sell (euros)"), validators=[Length(max=20)]
    )
    commitments = StringField(
        _l("Fixed commitments per year: rent or mortgage, loans, alimony (euros)"),
        validators=[Length(max=20)],
    )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SophisticatedForm(FlaskForm):
    criteria = MultiCheckboxField(_l("Criteria that apply to you"), choices=[])
    confirm = BooleanField(
        _l("I understand that as a sophisticated investor I lose the knowledge test, the loss "
           "simulation and the risk warnings as protection")
    )  # fmt: skip


class RepaymentForm(FlaskForm):
    amount = StringField(_l("Amount paid (euros)"), validators=[Length(max=20)])
    paid_on = DateField(_l("Paid on"), validators=[Optional()])
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=500)])


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class ExitForm(FlaskForm):
    exited_on = DateField(_l("Left on"), validators=[Optional()])
