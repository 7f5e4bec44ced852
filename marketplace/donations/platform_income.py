"""The platform's part of a gift: its fee from the settings, and the donor's optional tip.

The fee (`PLATFORM_FEE_FIXED` + `PLATFORM_FEE_PERCENT` of the gift) comes out of the gift; the tip
is paid on top of it. Neither may leave the initiative a negative share (`payouts.split`).
"""

from flask import current_app
from flask_babel import gettext as _

from marketplace.errors import InvalidInput
from marketplace.i18n import babel_locale_name
from marketplace.money import InvalidAmount, format_money, parse_cents
from marketplace.payouts.split import SplitError, check_split, percent_of, platform_fee


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(_("Please correct the marked fields."), {field: [message]})


def _money(cents: int) -> str:
    return format_money(cents, locale=babel_locale_name())


def platform_fee_cents(amount_cents: int) -> int:
    """The platform's fee on a gift (`PLATFORM_FEE_FIXED` + `PLATFORM_FEE_PERCENT`), in cents."""
    config = current_app.config
    return platform_fee(
        amount_cents,
        parse_cents(config.get("PLATFORM_FEE_FIXED") or "0"),
        config.get("PLATFORM_FEE_PERCENT") or "0",
    )


def suggested_tip_cents(amount_cents: int) -> int:
    """The tip the give form suggests: `PLATFORM_TIP_PERCENT` of the gift (0: no tip asked)."""
    return percent_of(amount_cents, current_app.config.get("PLATFORM_TIP_PERCENT") or "0")


def validate_tip(tip, amount_cents: int, fee_cents: int) -> int:
    """ "2.50" -> 250 (empty: no tip); refused when it would leave the initiative a negative share.

    The platform never takes more from one gift (fee and tip) than the initiative receives.
    """
    if tip in (None, ""):
        tip_cents = 0
    else:
        try:
            tip_cents = parse_cents(tip)
        except InvalidAmount:
            message = _("Enter a tip in euros, for example 2.50, or leave it empty.")
            raise _invalid("tip", message) from None
    try:
        check_split(amount_cents, tip_cents, fee_cents)
    except SplitError as error:
        if error.field == "amount":
            message = _(
                "The platform fee of %(fee)s is more than this gift.", fee=_money(fee_cents)
            )
            raise _invalid("amount", message) from None
        share = max(0, amount_cents - fee_cents)
        message = _(
            "The tip can be at most %(max)s: what reaches the initiative.", max=_money(share)
        )
        raise _invalid("tip", message) from None
    return tip_cents


def platform_part(amount_cents: int, tip) -> tuple[int, int]:
    """(tip, fee) in cents for a gift of `amount_cents`, validated together."""
    fee_cents = platform_fee_cents(amount_cents)
    return validate_tip(tip, amount_cents, fee_cents), fee_cents
