"""The neighbourhood app: following, profiles, updates and the feed.

Tasks (`volunteering`), events (`events`) and reviews (`reviews`) sit above this package; they add
their feed items and profile sections through `community.registry`, listed by the app factory.
"""
