"""Helpers of the account tests: a service on a fresh home, users enrolled with a known
TOTP key, codes computed from that key (pyotp, as an authenticator app would)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pyotp

from broadsheet.service import NewUser, Service

PASSWORD = "correct horse battery staple"
# a moment in the middle of a 30 s TOTP step, so that ±1 step is exactly ±30 s
T0 = datetime(2026, 3, 2, 9, 0, 15, tzinfo=UTC)


@dataclass
class Enrolled:
    name: str
    password: str
    made: NewUser

    @property
    def secret(self) -> str:
        query = parse_qs(urlparse(self.made.totp_uri).query)
        return query["secret"][0]

    def code(self, at: datetime, steps: int = 0) -> str:
        """The TOTP code ``steps`` steps away from ``at``."""
        moment = at + timedelta(seconds=30 * steps)
        return pyotp.TOTP(self.secret).at(moment)


def enrol(svc: Service, name: str = "alice", *, admin: bool = False) -> Enrolled:
    return Enrolled(name, PASSWORD, svc.add_user(name, PASSWORD, admin=admin))
