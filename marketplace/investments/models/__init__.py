"""The investments domain's tables (see each module), importable from here."""

from marketplace.investments.models.investors import (
    InvestorProfile,
    KnowledgeTestAttempt,
    Sophistication,
)
from marketplace.investments.models.offers import (
    KIND_LABELS,
    OFFER_STATUS_LABELS,
    Offer,
    OfferKind,
    OfferSheet,
    OfferStatus,
    Payout,
    RepaymentRecord,
    can_move,
)
from marketplace.investments.models.subscriptions import (
    HOLDS_ROOM,
    INVESTED,
    PAID_IN_KINDS,
    REFUND_DUE,
    EntryKind,
    Subscription,
    SubscriptionEvent,
    SubscriptionRefund,
    SubscriptionStatus,
    can_transition,
)

__all__ = [
    "HOLDS_ROOM",
    "INVESTED",
    "KIND_LABELS",
    "OFFER_STATUS_LABELS",
    "PAID_IN_KINDS",
    "REFUND_DUE",
    "EntryKind",
    "InvestorProfile",
    "KnowledgeTestAttempt",
    "Offer",
    "OfferKind",
    "OfferSheet",
    "OfferStatus",
    "Payout",
    "RepaymentRecord",
    "Sophistication",
    "Subscription",
    "SubscriptionEvent",
    "SubscriptionRefund",
    "SubscriptionStatus",
    "can_move",
    "can_transition",
]
