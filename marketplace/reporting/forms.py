"""Report preference form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField

from marketplace.reporting.models import CADENCE_LABELS


class PreferenceForm(FlaskForm):
    cadence = RadioField(
        _l("How often do you want your impact report?"),
        choices=[(cadence.value, label) for cadence, label in CADENCE_LABELS.items()],
    )
    reminders = BooleanField(_l("Remind me when an outcome report of my initiative is due"))
    pdf_attached = BooleanField(
        _l("Attach the report as a PDF to the e-mail (otherwise the e-mail has a download link)")
    )
