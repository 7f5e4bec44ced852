"""The investor profile as JSON-ready data (API and the profile page's figures)."""

from marketplace.donations.urls import path_for, public_url
from marketplace.investments import protection
from marketplace.investments.models import InvestorProfile
from marketplace.money import format_cents


def simulation_json(profile: InvestorProfile) -> dict | None:
    net_worth = profile.net_worth_cents
    if net_worth is None:
        return None
    return {
        "net_income": format_cents(profile.net_income_cents or 0),
        "liquid_assets": format_cents(profile.liquid_assets_cents or 0),
        "commitments": format_cents(profile.commitments_cents or 0),
        "net_worth": format_cents(net_worth),
        "loss_capacity": format_cents(protection.loss_capacity_cents(net_worth)),
        "risk_warning_above": format_cents(protection.risk_warning_threshold_cents(profile)),
        "simulated_at": profile.simulated_at.isoformat(),
    }


def profile_json(user) -> dict:
    profile = protection.profile_of(user)
    attempt = protection.valid_pass(user)
    step = protection.next_step(user)
    return {
        "sophistication": profile.sophistication.value,
        "sophisticated": profile.is_sophisticated,
        "knowledge_test_passed": attempt is not None,
        "knowledge_test_valid_until": protection.pass_valid_until(attempt).isoformat()
        if attempt
        else None,
        "loss_simulation": simulation_json(profile),
        "may_invest": step is None,
        "next_step": public_url(path_for(step)) if step else None,
    }
