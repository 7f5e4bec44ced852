"""JSON API for the investor profile: status, the entry knowledge test, the loss simulation."""

from flask_smorest import Blueprint

from marketplace.api.auth import BEARER, require_api_user
from marketplace.investments import protection
from marketplace.investments.knowledge import load_test
from marketplace.investments.profile_json import profile_json, simulation_json
from marketplace.investments.schemas import (
    AnswersSchema,
    InvestorProfileSchema,
    KnowledgeTestResultSchema,
    KnowledgeTestSchema,
    LossSimulationInputSchema,
    LossSimulationSchema,
)

blp = Blueprint(
    "api_investor", __name__, url_prefix="/api/v1/investor-profile", description="Investor profile"
)


@blp.route("")
@blp.response(200, InvestorProfileSchema)
@blp.doc(security=BEARER)
def get_profile():
    """Whether you may invest, and what is still missing (the test, the simulation)."""
    return profile_json(require_api_user())


@blp.route("/knowledge-test")
@blp.response(200, KnowledgeTestSchema)
@blp.doc(security=BEARER)
def get_knowledge_test():
    """The entry knowledge test's questions and choices (without the answers), in your language."""
    user = require_api_user()
    return load_test().for_locale(user.locale or "nl")


@blp.route("/knowledge-test", methods=["POST"])
@blp.arguments(AnswersSchema)
@blp.response(200, KnowledgeTestResultSchema)
@blp.doc(security=BEARER)
def take_knowledge_test(data):
    """Answer the test (`answers`: question id → choice id); every question comes back with the
    correct choice and an explanation. Retakes are allowed; a pass is valid two years."""
    user = require_api_user()
    outcome = protection.take_test(user, data["answers"], user.locale or "nl")
    grade = outcome.grade
    return {
        "passed": grade.passed,
        "correct": grade.correct,
        "questions": grade.questions,
        "pass_mark": outcome.pass_mark,
        "valid_until": outcome.valid_until.isoformat() if outcome.valid_until else None,
        "results": [
            {
                "question_id": r.question_id,
                "correct": r.correct,
                "correct_choice_id": r.correct_choice_id,
                "explanation": r.explanation,
            }
            for r in grade.results
        ],
    }


@blp.route("/loss-simulation", methods=["POST"])
@blp.arguments(LossSimulationInputSchema)
@blp.response(200, LossSimulationSchema)
@blp.doc(security=BEARER)
def loss_simulation(data):
    """Net worth = yearly net income + liquid assets − yearly commitments; 10% of it is what you
    could bear to lose."""
    user = require_api_user()
    profile = protection.simulate_loss(
        user, data["net_income"], data["liquid_assets"], data["commitments"]
    )
    return simulation_json(profile)
