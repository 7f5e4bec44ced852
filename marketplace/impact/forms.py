"""Impact forms. They check shape only; the services apply the rules and report field errors."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from marketplace.impact.models import (
    EVIDENCE_LEVELS,
    INPUT_KIND_LABELS,
    PERIOD_LABELS,
    VALUE_KIND_LABELS,
)
from marketplace.initiatives.models import THEME_LABELS

FRACTION_HELP = _l("A fraction from 0 to 1, e.g. 0.25 for 25%.")


def _choices(labels: dict) -> list[tuple[str, str]]:
    return [(key.value, label) for key, label in labels.items()]


class OutcomeForm(FlaskForm):
    metric = SelectField(_l("Metric"), validators=[DataRequired()], choices=[])
    deadweight = StringField(_l("Deadweight"), validators=[Optional(), Length(max=10)])
    displacement = StringField(_l("Displacement"), validators=[Optional(), Length(max=10)])
    attribution = StringField(_l("Attribution"), validators=[Optional(), Length(max=10)])
    drop_off = StringField(_l("Drop-off per year"), validators=[Optional(), Length(max=10)])
    duration_years = StringField(_l("Duration (years)"), validators=[Optional(), Length(max=3)])
    justification = StringField(
        _l("Why these values (one line)"), validators=[Optional(), Length(max=300)]
    )

    def service_data(self) -> dict:
        names = ("metric", "deadweight", "displacement", "attribution", "drop_off")
        data = {name: getattr(self, name).data for name in names}
        data["duration_years"] = self.duration_years.data
        data["justification"] = self.justification.data or ""
        return data


class InputForm(FlaskForm):
    source = StringField(_l("Source"), validators=[DataRequired(), Length(max=200)])
    amount = StringField(_l("Amount in euros"), validators=[DataRequired(), Length(max=20)])
    received_on = StringField(
        _l("Received on"), validators=[DataRequired()], render_kw={"type": "date"}
    )
    kind = SelectField(_l("Kind"), choices=_choices(INPUT_KIND_LABELS))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])

    def service_data(self) -> dict:
        return {
            "source": self.source.data,
            "amount": self.amount.data,
            "received_on": self.received_on.data,
            "kind": self.kind.data,
            "note": self.note.data or "",
        }


class ReportForm(FlaskForm):
    """Period and evidence; the quantities are fields named quantity-<metric code>."""

    period = SelectField(_l("Period"), choices=_choices(PERIOD_LABELS))
    period_start = StringField(
        _l("First day of the period"), validators=[DataRequired()], render_kw={"type": "date"}
    )
    evidence = FileField(_l("Evidence file (PDF or image, at most 10 MB)"))
    evidence_url = StringField(_l("Or a link to the evidence"), validators=[Optional()])
    note = TextAreaField(_l("Note for the verifier"), validators=[Optional(), Length(max=5000)])


class CsvImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[DataRequired()])
    submit_reports = BooleanField(_l("Submit the reports for review right away"))


class ReviewForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[("accepted", _l("Accept")), ("rejected", _l("Reject"))],
        validators=[DataRequired()],
    )
    evidence_level = SelectField(
        _l("Evidence level (Nesta)"),
        choices=[("", _l("Choose a level"))] + [(str(k), v) for k, v in EVIDENCE_LEVELS.items()],
    )
    reason = TextAreaField(
        _l("Reason (required when rejecting)"), validators=[Optional(), Length(max=2000)]
    )


class MetricForm(FlaskForm):
    code = StringField(_l("Code"), validators=[Optional(), Length(max=64)])
    theme = SelectField(_l("Theme"), choices=_choices(THEME_LABELS))
    name_nl = StringField(_l("Name (Dutch)"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=200)])
    unit = StringField(_l("Unit"), validators=[DataRequired(), Length(max=40)])
    iris_id = StringField(_l("IRIS+ id"), validators=[Optional(), Length(max=20)])
    value_kind = SelectField(_l("Kind of value"), choices=_choices(VALUE_KIND_LABELS))
    default_deadweight = StringField(_l("Default deadweight"), default="0")
    default_displacement = StringField(_l("Default displacement"), default="0")
    default_attribution = StringField(_l("Default attribution"), default="0")
    default_drop_off = StringField(_l("Default drop-off"), default="0")
    default_duration_years = StringField(_l("Default duration (years)"), default="1")
    active = BooleanField(_l("Active (offered to initiatives)"), default=True)

    FIELDS = (
        "theme", "name_nl", "name_en", "unit", "iris_id", "value_kind", "default_deadweight",
        "default_displacement", "default_attribution", "default_drop_off",
        "default_duration_years", "active",
    )  # fmt: skip

    def service_data(self, with_code: bool) -> dict:
        data = {name: getattr(self, name).data for name in self.FIELDS}
        if with_code:
            data["code"] = self.code.data
        return data


class ProxyForm(FlaskForm):
    proxy_value = StringField(
        _l("Proxy in euros per unit (empty: no sourced proxy)"), validators=[Optional()]
    )
    price_year = StringField(_l("Price year"), validators=[Optional(), Length(max=4)])
    basis = TextAreaField(_l("Basis (how the number was derived)"), validators=[Optional()])
    source_title = TextAreaField(_l("Source"), validators=[Optional()])
    source_url = StringField(_l("Source link"), validators=[Optional(), Length(max=500)])
    valid_from = StringField(_l("Valid from"), validators=[Optional()], render_kw={"type": "date"})

    def service_data(self) -> dict:
        return {
            "proxy_value": self.proxy_value.data or None,
            "price_year": self.price_year.data or None,
            "basis": self.basis.data or "",
            "source_title": self.source_title.data or "",
            "source_url": self.source_url.data or "",
            "valid_from": self.valid_from.data or None,
        }
