"""API schemas for investments: amounts and rates as decimal strings, never floats.

Input schemas check types only; the rules (minimum, room, the investor's checks) are the
services'. Output schemas dump the dicts of `serialize` and document their fields.
"""

from marshmallow import Schema, fields, validate

from marketplace.api.schemas import Id, Integer, Items, NumberOrString, PageSchema, PaginationQuery

TEXT = fields.String
MONEY = fields.String  # "25.00"


class OfferFieldsSchema(Schema):
    kind = fields.String(metadata={"description": "member_share | loan | bond"})
    title = fields.String()
    target = NumberOrString()
    minimum = NumberOrString(metadata={"description": "per subscription"})
    maximum = NumberOrString(metadata={"description": "per subscription"})
    unit_price = NumberOrString(allow_none=True, metadata={"description": "shares and bonds"})
    interest_rate = NumberOrString(metadata={"description": 'yearly percentage, "4.50"'})
    term_months = Integer(allow_none=True, strict=True)
    repayment = fields.String(allow_none=True, metadata={"description": "annuity|linear|bullet"})
    frequency = fields.String(allow_none=True, metadata={"description": "monthly|quarterly|yearly"})
    opens_at = fields.String(metadata={"description": "ISO 8601; a bare date is Amsterdam time"})
    closes_at = fields.String(metadata={"description": "ISO 8601; a bare date: end of that day"})
    all_or_nothing = fields.Boolean()
    use_of_proceeds = fields.String()
    risks = fields.String()


class OfferInputSchema(OfferFieldsSchema):
    initiative_id = Id(required=True, strict=True)


class OfferPatchSchema(OfferFieldsSchema):
    pass


class OfferQuerySchema(PaginationQuery):
    kind = fields.String(load_default=None)
    theme = fields.String(load_default=None)
    rate = fields.String(load_default=None, metadata={"description": "minimum yearly rate"})


class OfferSchema(Schema):
    id = Id()
    initiative_id = Id()
    initiative_name = TEXT()
    theme = TEXT()
    kind = TEXT()
    title = TEXT()
    status = TEXT(metadata={"description": "draft|in_review|open|funded|failed|repaying|..."})
    currency = TEXT()
    target = MONEY()
    minimum = MONEY()
    maximum = MONEY()
    unit_price = MONEY(allow_none=True)
    interest_rate = TEXT()
    term_months = Integer(allow_none=True)
    repayment = TEXT(allow_none=True)
    frequency = TEXT(allow_none=True)
    opens_at = TEXT()
    closes_at = TEXT()
    all_or_nothing = fields.Boolean()
    use_of_proceeds = TEXT()
    risks = TEXT()
    subscribed = MONEY(metadata={"description": "paid: reserved or invested"})
    pending = MONEY(metadata={"description": "payments under way"})
    remaining = MONEY(metadata={"description": "room for new subscriptions"})
    sheet_version = Integer(allow_none=True, metadata={"description": "approved sheet"})
    pending_sheet_version = Integer(allow_none=True)
    review_note = TEXT(allow_none=True)
    funded = MONEY(allow_none=True)
    repayment_start = TEXT(allow_none=True)
    late_since = TEXT(allow_none=True)
    url = TEXT()


class OfferPageSchema(PageSchema):
    items = Items(OfferSchema)


class SubscriptionInputSchema(Schema):
    amount = NumberOrString(load_default=None, allow_none=True, metadata={"example": "500.00"})
    units = Integer(load_default=None, allow_none=True, strict=True)
    method = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=30))
    acknowledge_risk = fields.Boolean(
        load_default=False, metadata={"description": "needed above the risk warning threshold"}
    )
    organisation_id = Integer(load_default=None, allow_none=True, strict=True)


class SubscriptionSchema(Schema):
    id = Id()
    offer_id = Integer()
    organisation_id = Integer(allow_none=True)
    kind = TEXT()
    amount = MONEY()
    units = Integer(allow_none=True)
    currency = TEXT()
    status = TEXT()
    checkout_url = TEXT(allow_none=True)
    reflection_ends_at = TEXT()
    sheet_version = Integer()
    paid = MONEY()
    refunded = MONEY()
    created_at = TEXT()
    paid_at = TEXT(allow_none=True)
    revoked_at = TEXT(allow_none=True)


class SubscriptionPageSchema(PageSchema):
    items = Items(SubscriptionSchema)


class ScheduleQuerySchema(Schema):
    amount = NumberOrString(
        load_default=None, metadata={"description": "an example principal instead of the offer's"}
    )


class InstalmentSchema(Schema):
    number = Integer()
    due_date = TEXT()
    interest = MONEY()
    principal = MONEY()
    total = MONEY()
    outstanding = MONEY()
    paid = MONEY(allow_none=True)
    open = MONEY(allow_none=True)
    late = fields.Boolean(allow_none=True)


class ScheduleSchema(Schema):
    offer_id = Integer()
    basis = TEXT(metadata={"description": "subscriptions | target | amount"})
    principal = MONEY()
    interest_rate = TEXT()
    repayment = TEXT()
    frequency = TEXT()
    term_months = Integer()
    start_date = TEXT()
    total_interest = MONEY()
    total = MONEY()
    received = MONEY(allow_none=True)
    instalments = fields.List(fields.Nested(InstalmentSchema))


class RepaymentInputSchema(Schema):
    amount = NumberOrString(required=True)
    paid_on = fields.Date(load_default=None, metadata={"description": "default: today"})
    note = fields.String(load_default="", validate=validate.Length(max=500))


class ShareSchema(Schema):
    subscription_id = Integer()
    interest = MONEY()
    principal = MONEY()


class RepaymentSchema(Schema):
    id = Id()
    offer_id = Integer()
    amount = MONEY()
    paid_on = TEXT()
    note = TEXT()
    status = TEXT(metadata={"description": "the offer's status after this instalment"})
    shares = fields.List(fields.Nested(ShareSchema))


class ChoiceSchema(Schema):
    id = TEXT()
    text = TEXT()


class QuestionSchema(Schema):
    id = TEXT()
    text = TEXT()
    choices = fields.List(fields.Nested(ChoiceSchema))


class KnowledgeTestSchema(Schema):
    version = TEXT()
    pass_mark = Integer(metadata={"description": "correct answers needed"})
    questions = fields.List(fields.Nested(QuestionSchema))


class AnswersSchema(Schema):
    answers = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class ResultSchema(Schema):
    question_id = TEXT()
    correct = fields.Boolean()
    correct_choice_id = TEXT()
    explanation = TEXT()


class KnowledgeTestResultSchema(Schema):
    passed = fields.Boolean()
    correct = Integer()
    questions = Integer()
    pass_mark = Integer()
    valid_until = TEXT(allow_none=True)
    results = fields.List(fields.Nested(ResultSchema))


class LossSimulationInputSchema(Schema):
    net_income = NumberOrString(required=True, metadata={"description": "yearly, euros"})
    liquid_assets = NumberOrString(required=True)
    commitments = NumberOrString(required=True, metadata={"description": "yearly, euros"})


class LossSimulationSchema(Schema):
    net_income = MONEY()
    liquid_assets = MONEY()
    commitments = MONEY()
    net_worth = MONEY()
    loss_capacity = MONEY(metadata={"description": "10% of the net worth"})
    risk_warning_above = MONEY(metadata={"description": "max(1000.00, 5% of the net worth)"})
    simulated_at = TEXT()


class InvestorProfileSchema(Schema):
    sophistication = TEXT(metadata={"description": "none | requested | accepted | rejected"})
    sophisticated = fields.Boolean()
    knowledge_test_passed = fields.Boolean()
    knowledge_test_valid_until = TEXT(allow_none=True)
    loss_simulation = fields.Nested(LossSimulationSchema, allow_none=True)
    may_invest = fields.Boolean()
    next_step = TEXT(allow_none=True, metadata={"description": "what is missing, as a URL"})
