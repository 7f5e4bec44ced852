"""Privacy (AVG/GDPR): a person's data export, erasure at their request, the retention purge, and
the record of their log-ins and requests.

Below every domain on the map: each domain contributes its part of a person's data (export,
erase, purge) as a `registry.DataDomain`, listed in the app factory (`register_privacy`), so a
new domain plugs in without this package knowing it.
"""
