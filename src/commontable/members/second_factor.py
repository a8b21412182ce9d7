"""The second factor: a time-based one-time code (TOTP, RFC 6238) from an authenticator app,
asked after the password of everyone whose roles reach patient-level data (NIST SP 800-63B
AAL2), and of anyone who enrolled.

The shared secret is kept encrypted (Fernet) under a key outside the app DB; a code is accepted
once (the last time step used is kept) and within one step of the clock either way.
"""

from __future__ import annotations

import secrets
from base64 import urlsafe_b64encode
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken

from commontable.appdb import utcnow
from commontable.errors import ConfigError, UserError
from commontable.keys import key_file
from commontable.members.models import Person, Role

ISSUER = "CommonTable"
# Roles that reach patient-level data (privacy.access), and admins, who grant them.
REQUIRED_FOR = frozenset(
    {Role.ADMIN, Role.DATA_STEWARD, Role.ANALYST, Role.DATA_SUBMITTER, Role.CARE_TEAM}
)
VALID_WINDOW = 1  # steps of 30 s either side: a phone's clock a little off still works
MAX_CODE_FAILURES = 5  # wrong codes before the half-signed-in session is ended


def needs_second_factor(person: Person, required: bool = True) -> bool:
    """Whether signing in asks for a code: enrolled people always; with `required`, everyone
    whose roles reach patient-level data (they must enrol first)."""
    return person.totp_secret is not None or (required and bool(person.roles & REQUIRED_FOR))


@dataclass(frozen=True)
class SecretBox:
    """Encrypts and decrypts TOTP secrets with a key kept outside the app DB."""

    key: bytes

    @classmethod
    def from_file(cls, path: Path) -> SecretBox:
        """The key in `path`, made (owner-only) on first use."""
        key = key_file(path, lambda: urlsafe_b64encode(secrets.token_bytes(32)))
        try:
            Fernet(key)
        except ValueError as error:
            raise ConfigError(f"{path} does not hold a secrets key (32 bytes, base64)") from error
        return cls(key)

    def seal(self, secret: str) -> str:
        return Fernet(self.key).encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return Fernet(self.key).decrypt(sealed.encode()).decode()
        except InvalidToken as error:
            raise ConfigError(
                "a second-factor secret cannot be read with this workspace's secrets key"
            ) from error


def new_secret() -> str:
    """A fresh base32 secret (160 bits, as RFC 4226 recommends)."""
    return pyotp.random_base32(32)


def enrolment_uri(secret: str, email: str) -> str:
    """The otpauth:// address an authenticator app takes (typed, or scanned as a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The address as an inline SVG QR code (no network, no image file)."""
    return str(segno.make(uri, error="m").svg_inline(scale=4, dark="#111", light="#fff"))


def accept_code(person: Person, secret: str, code: str, now: datetime | None = None) -> bool:
    """Whether `code` is right for `secret` now and not used before; when it is, its time step
    is kept so it cannot be replayed."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(secret)
    moment = now or utcnow()
    for shift in range(-VALID_WINDOW, VALID_WINDOW + 1):
        step = totp.timecode(moment) + shift
        if secrets.compare_digest(totp.generate_otp(step), code):
            if person.totp_last_step is not None and step <= person.totp_last_step:
                return False  # used already
            person.totp_last_step = step
            return True
    return False


def reset(person: Person) -> bool:
    """Forget a person's second factor (a lost phone): they set up a new one at their next
    sign-in. Whether they had one."""
    had = person.totp_secret is not None
    person.totp_secret = None
    person.totp_last_step = None
    return had


def enrol(person: Person, box: SecretBox, secret: str, code: str) -> None:
    """Keep `secret` as the person's second factor once they show a code from it."""
    if not accept_code(person, secret, code):
        raise UserError("that code does not match; check the app's clock and try the next one")
    person.totp_secret = box.seal(secret)
