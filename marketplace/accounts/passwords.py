"""argon2id password hashing (argon2-cffi defaults, stronger than Werkzeug's scrypt defaults).

The cost comes from `PASSWORD_HASH_COST`: `default` (argon2-cffi's RFC 9106 low-memory profile)
everywhere but in the test configuration, which uses `test` (the cheapest parameters argon2
allows), as cookiecutter-flask turns bcrypt's rounds down for tests. Hashes carry their own
parameters, so either hasher verifies the other's hashes; a log-in rehashes a cheap hash.
"""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import CHEAPEST, RFC_9106_LOW_MEMORY
from flask import current_app

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
COSTS = {"default": RFC_9106_LOW_MEMORY, "test": CHEAPEST}


@cache
def _hasher(cost: str) -> tuple[PasswordHasher, str]:
    """The hasher of a cost profile and a dummy hash made with it.

    The dummy hash is verified when no user matches, so a log-in for an unknown e-mail takes as
    long as one for a real account.
    """
    hasher = PasswordHasher.from_parameters(COSTS[cost])
    return hasher, hasher.hash("impactbeurs-timing-equaliser")


def _current() -> tuple[PasswordHasher, str]:
    return _hasher(current_app.config.get("PASSWORD_HASH_COST", "default"))


def hash_password(password: str) -> str:
    return _current()[0].hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    hasher, dummy = _current()
    try:
        return hasher.verify(password_hash or dummy, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _current()[0].check_needs_rehash(password_hash)
