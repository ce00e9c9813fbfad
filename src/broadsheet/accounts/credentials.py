"""The secrets of an account, made and checked: passwords (argon2id), TOTP codes (RFC 6238),
recovery codes, API tokens and session keys. Pure functions and one hasher: no storage.

- Passwords: argon2id, never below the OWASP minimum (19 MiB, t=2, p=1); a stored hash made
  with lower parameters than the current ones is rehashed at the next login.
- TOTP: 30 s steps, 6 digits, SHA-1 (what every authenticator app speaks), the step before
  and after accepted; the caller records the step used so that no code works twice.
- Recovery codes, API tokens and session keys are 80 to 256 random bits from ``secrets``,
  kept only as SHA-256 hashes: with that much entropy a fast hash cannot be inverted by
  guessing, and a lookup by hash stays one index probe.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import secrets
import unicodedata

import pyotp
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..errors import ConfigError, InvalidRequestError

__all__ = [
    "MIN_MEMORY_KIB",
    "MIN_PARALLELISM",
    "MIN_TIME_COST",
    "PASSWORD_MAX",
    "PASSWORD_MIN",
    "RECOVERY_CODES",
    "TOKEN_PREFIX",
    "TOTP_DIGITS",
    "TOTP_ISSUER",
    "TOTP_STEP",
    "Passwords",
    "check_new_password",
    "check_user_name",
    "csrf_token",
    "hash_secret",
    "is_common_password",
    "is_totp_code",
    "new_public_id",
    "new_recovery_codes",
    "new_session_key",
    "new_token",
    "new_totp_secret",
    "normalise_recovery_code",
    "totp_step_of",
    "totp_uri",
]

# OWASP Password Storage Cheat Sheet, argon2id: 19 MiB, 2 iterations, 1 lane at least
MIN_MEMORY_KIB = 19 * 1024
MIN_TIME_COST = 2
MIN_PARALLELISM = 1

PASSWORD_MIN = 12  # ASVS 5.0 V6.2.1: at least 12 characters
PASSWORD_MAX = 128  # ASVS allows at least 64; longer only feeds argon2 work
NAME_MAX = 64
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@")

TOTP_STEP = 30
TOTP_DIGITS = 6
TOTP_ISSUER = "Broadsheet"
RECOVERY_CODES = 10
TOKEN_PREFIX = "bst_"


class Passwords:
    """argon2id hashing at (or above) the OWASP minimum; lower parameters are refused."""

    def __init__(
        self,
        *,
        memory_kib: int = MIN_MEMORY_KIB,
        time_cost: int = MIN_TIME_COST,
        parallelism: int = MIN_PARALLELISM,
    ) -> None:
        if memory_kib < MIN_MEMORY_KIB or time_cost < MIN_TIME_COST or parallelism < 1:
            raise ConfigError(
                "argon2id parameters below the OWASP minimum "
                f"(memory {MIN_MEMORY_KIB} KiB, time cost {MIN_TIME_COST}, parallelism 1): "
                f"memory {memory_kib} KiB, time cost {time_cost}, parallelism {parallelism}"
            )
        self.memory_kib = memory_kib
        self.time_cost = time_cost
        self.parallelism = parallelism
        self._hasher = PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_kib,
            parallelism=parallelism,
            hash_len=32,
            salt_len=16,
            type=Type.ID,
        )
        self._dummy: str | None = None

    def hash(self, password: str) -> str:
        return self._hasher.hash(_normal(password))

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, _normal(password))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash was made with other parameters than the current ones (argon2's
        ``check_needs_rehash``): it is replaced at the next successful login."""
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True

    def prepare(self) -> None:
        """Make the hash ``dummy_verify`` checks against (one hash's time, once), so that
        the first unknown name costs no more than the first known one."""
        if self._dummy is None:
            self._dummy = self.hash(secrets.token_urlsafe(16))

    def dummy_verify(self, password: str) -> None:
        """Spend what a real verification spends (unknown users: the same timing)."""
        self.prepare()
        assert self._dummy is not None
        self.verify(self._dummy, password)


def _normal(password: str) -> str:
    """NFKC, so that the same password typed on another keyboard or system (composed or
    decomposed accents, full-width forms) is the same password (NIST SP 800-63B 5.1.1.2)."""
    return unicodedata.normalize("NFKC", password)


def check_user_name(name: str) -> str:
    """The name, or ``InvalidRequestError``: 1-64 ASCII letters, digits, '.', '_', '-', '@',
    starting with a letter or digit."""
    if not name or len(name) > NAME_MAX:
        raise InvalidRequestError(f"a user name has 1 to {NAME_MAX} characters")
    if not set(name) <= _NAME_CHARS or not name[0].isalnum():
        raise InvalidRequestError(
            "a user name has only ASCII letters, digits, '.', '_', '-' and '@', "
            "and starts with a letter or digit"
        )
    return name


# what the most common passwords of 12 characters or more are made of (keyboard rows,
# counting, the same few words with digits): a password that is only these is refused
_SEQUENCES = (
    "0123456789",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "1q2w3e4r5t6y7u8i9o0p",
    "qazwsxedcrfvtgbyhnujmikolp",
)
_COMMON_WORDS = (
    "password",
    "passw0rd",
    "p@ssword",
    "p@ssw0rd",
    "broadsheet",
    "qwerty",
    "letmein",
    "iloveyou",
    "welcome",
    "admin",
    "administrator",
    "changeme",
    "secret",
    "monkey",
    "dragon",
    "football",
    "baseball",
    "sunshine",
    "princess",
    "master",
    "login",
)


def _neighbours(a: str, b: str) -> bool:
    """Whether ``b`` repeats ``a`` or comes just after or before it in a sequence."""
    if a == b:
        return True
    for seq in _SEQUENCES:
        i = seq.find(a)
        if i >= 0 and b in (seq[i + 1 : i + 2], seq[max(i - 1, 0) : i]):
            return True
    return False


def _sequence_steps(text: str) -> int:
    """How many neighbouring pairs of ``text`` repeat or step along a sequence."""
    return sum(1 for a, b in itertools.pairwise(text) if _neighbours(a, b))


def is_common_password(password: str, *, name: str | None = None) -> bool:
    """Whether ``password`` is made only of what the most guessed long passwords are made
    of: a few distinct characters, keyboard rows or counting, common words or the user's
    name with digits and symbols around them (ASVS 5.0 V6.2.4; this is no list of breached
    passwords, which Broadsheet does not ship or fetch)."""
    text = "".join(ch for ch in _normal(password).lower() if not ch.isspace())
    if len(set(text)) <= 3:
        return True
    if len(text) > 1 and _sequence_steps(text) >= 0.8 * (len(text) - 1):
        return True
    words = [*_COMMON_WORDS, *([name.lower()] if name and len(name) >= 3 else [])]
    rest = text
    for word in sorted(words, key=len, reverse=True):
        rest = rest.replace(word, "")
    if rest == text:
        return False
    leftover = "".join(ch for ch in rest if ch.isalpha())
    return (
        len(leftover) < 3
        or len(set(rest)) <= 3
        or (len(rest) > 1 and _sequence_steps(rest) >= 0.8 * (len(rest) - 1))
    )


def check_new_password(password: str, *, name: str | None = None) -> str:
    """The password, or ``InvalidRequestError``: 12 to 128 characters, any characters, not
    the user's name, not one of the commonest forms (``is_common_password``). No
    composition rules (ASVS 5.0 V6.2)."""
    password = _normal(password)
    if len(password) < PASSWORD_MIN:
        raise InvalidRequestError(f"a password needs at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise InvalidRequestError(f"a password has at most {PASSWORD_MAX} characters")
    if "\x00" in password:
        raise InvalidRequestError("a password cannot contain a NUL character")
    if name is not None and password.strip().lower() == name.lower():
        raise InvalidRequestError("a password cannot be the user's name")
    if is_common_password(password, name=name):
        raise InvalidRequestError(
            "that password is among the first any attacker tries (repeats, keyboard rows, "
            "counting, common words or the user's name with digits); choose another, "
            "for instance four or five unrelated words"
        )
    return password


# --------------------------------------------------------------------------- TOTP


def new_totp_secret() -> str:
    """160 random bits in base32 (RFC 4226's recommended key length)."""
    return pyotp.random_base32(32)


def totp_uri(secret: str, name: str) -> str:
    """The ``otpauth://totp/Broadsheet:NAME?...`` URI an authenticator app reads (QR code)."""
    return pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_STEP).provisioning_uri(
        name=name, issuer_name=TOTP_ISSUER
    )


def is_totp_code(code: str) -> bool:
    digits = code.replace(" ", "")
    return len(digits) == TOTP_DIGITS and digits.isascii() and digits.isdigit()


def totp_step_of(secret: str, code: str, at: float, *, window: int = 1) -> int | None:
    """The time step (``at`` ± ``window`` steps) whose code ``code`` is, or None."""
    digits = code.replace(" ", "")
    if not is_totp_code(digits):
        return None
    totp = pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_STEP)
    now_step = int(at // TOTP_STEP)
    found = None
    for step in range(now_step - window, now_step + window + 1):
        # compare every candidate (constant work whichever matches)
        if hmac.compare_digest(totp.generate_otp(step), digits) and found is None:
            found = step
    return found


# --------------------------------------------------------------------------- random secrets


def hash_secret(value: str) -> str:
    """SHA-256 (hex) of a high-entropy secret: how tokens, session keys and recovery codes
    are stored and looked up."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def new_recovery_codes(count: int = RECOVERY_CODES) -> list[str]:
    """``count`` codes of 80 random bits each, as ``xxxx-xxxx-xxxx-xxxx`` (base32, lower)."""
    codes = []
    for _ in range(count):
        raw = base64.b32encode(secrets.token_bytes(10)).decode("ascii").lower()
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    return codes


def normalise_recovery_code(code: str) -> str:
    """What a user typed, as it was issued: case, spaces and dashes do not matter."""
    raw = "".join(ch for ch in code.lower() if ch not in " -\t")
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def new_token() -> str:
    """An API token: ``bst_`` and 256 random bits."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_session_key() -> str:
    """A session cookie value: 256 random bits."""
    return secrets.token_urlsafe(32)


def new_public_id() -> str:
    """The name of a session in lists (64 random bits; reveals nothing of the key)."""
    return secrets.token_hex(8)


def csrf_token(session_key: str) -> str:
    """The CSRF token of a session: an HMAC of the session key, so it is bound to the
    session, unguessable without the cookie, and needs no storage."""
    mac = hmac.new(session_key.encode("utf-8"), b"broadsheet-csrf-v1", hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode("ascii").rstrip("=")
