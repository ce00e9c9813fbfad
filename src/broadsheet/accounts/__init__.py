"""Accounts: users with a password and a second factor, login sessions, API tokens, and the
login throttle (OWASP ASVS 5.0 level 2). Domain logic only: what is kept goes through the
store's ``AccountStore`` role; the service (``service.accounts``) turns it into views.

- ``credentials``: making and checking secrets (argon2id, TOTP, recovery codes, tokens).
- ``manager``: ``Accounts``, the account tasks over a store.
"""

from __future__ import annotations

from .credentials import (
    MIN_MEMORY_KIB,
    MIN_PARALLELISM,
    MIN_TIME_COST,
    PASSWORD_MAX,
    PASSWORD_MIN,
    RECOVERY_CODES,
    TOTP_ISSUER,
    TOTP_STEP,
    Passwords,
    check_new_password,
    check_user_name,
    csrf_token,
    hash_secret,
    totp_uri,
)
from .manager import (
    THROTTLE_LIMIT,
    THROTTLE_WINDOW,
    Accounts,
    Enrolment,
    OpenSession,
    SessionPolicy,
)

__all__ = [
    "MIN_MEMORY_KIB",
    "MIN_PARALLELISM",
    "MIN_TIME_COST",
    "PASSWORD_MAX",
    "PASSWORD_MIN",
    "RECOVERY_CODES",
    "THROTTLE_LIMIT",
    "THROTTLE_WINDOW",
    "TOTP_ISSUER",
    "TOTP_STEP",
    "Accounts",
    "Enrolment",
    "OpenSession",
    "Passwords",
    "SessionPolicy",
    "check_new_password",
    "check_user_name",
    "csrf_token",
    "hash_secret",
    "totp_uri",
]
