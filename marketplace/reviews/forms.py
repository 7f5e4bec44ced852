"""Forms of the review blocks and the moderation page."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class ReviewForm(FlaskForm):
    subject_type = HiddenField()
    subject_id = HiddenField()
    stars = RadioField(
        _l("Stars"),
        choices=[(str(n), str(n)) for n in range(5, 0, -1)],
        validators=[DataRequired()],
    )
    text = TextAreaField(_l("Your review (optional)"), validators=[Optional(), Length(max=1000)])


class ReplyForm(FlaskForm):
    text = TextAreaField(_l("Your reply"), validators=[DataRequired(), Length(max=1000)])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=500)])
