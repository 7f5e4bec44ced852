"""Payouts: what the platform owes each initiative, where that money is, and where it goes.

Below donations and investments on the map, so both record money for initiatives here
(`ledger.settle_source`, `ledger.hold`) in their own transactions; the provider calls that move
money and the statements live in `marketplace.settlement`.
"""
