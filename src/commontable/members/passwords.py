"""Passwords: the rules they follow and their Argon2 hashes (pwdlib)."""

from __future__ import annotations

import unicodedata
from functools import cache

from pwdlib import PasswordHash
from zxcvbn import zxcvbn

from commontable.errors import UserError

# NIST SP 800-63B: length is what counts; no composition rules; accept long passphrases.
MIN_LENGTH = 12
MAX_LENGTH = 256
# NIST SP 800-63B 5.1.1.2 also asks to refuse passwords found in lists of common, expected or
# compromised values: zxcvbn (Dropbox's estimator, with its lists of common passwords, names
# and words, keyboard patterns and sequences) must rate it 3 of 4, "safely unguessable".
MIN_STRENGTH = 3

_hasher = PasswordHash.recommended()  # Argon2id with argon2-cffi's default cost


def check_password_rules(password: str, email: str | None = None) -> None:
    """Refuse a password that is too short, too long, or the person's email address."""
    length = len(_normalised(password))
    if length < MIN_LENGTH:
        raise UserError(
            f"the password has {length} characters; use at least {MIN_LENGTH} "
            "(a few words make a good one)"
        )
    if length > MAX_LENGTH:
        raise UserError(f"the password has {length} characters; use at most {MAX_LENGTH}")
    if email is not None and password.strip().lower() == email.strip().lower():
        raise UserError("the password cannot be the email address")
    _check_strength(password, email)


def _check_strength(password: str, email: str | None) -> None:
    """Refuse a password a guesser would try early: common, a pattern, or the person's own
    name or address."""
    personal = [] if email is None else [email, *email.replace("@", ".").split(".")]
    rated = zxcvbn(_normalised(password)[:100], user_inputs=personal)  # its cost grows with length
    if rated["score"] < MIN_STRENGTH:
        feedback = rated["feedback"]
        why = feedback.get("warning") or "it would be among the first a guesser tries"
        hint = " ".join(feedback.get("suggestions") or ["A few unrelated words make a good one."])
        raise UserError(f"that password is too easy to guess: {why.rstrip('.')}. {hint}")


def hash_password(password: str) -> str:
    """The Argon2id hash to store; every hash has its own random salt."""
    return _hasher.hash(_normalised(password))


def verify_password(password: str, password_hash: str) -> tuple[bool, str | None]:
    """Whether the password matches, and a fresh hash to store when the cost settings changed."""
    return _hasher.verify_and_update(_normalised(password), password_hash)


def spend_verification_time(password: str) -> None:
    """Verify against a throwaway hash, so an unknown email takes as long as a known one."""
    _hasher.verify(_normalised(password), _throwaway_hash())


@cache
def _throwaway_hash() -> str:
    return _hasher.hash("a password nobody has")


def _normalised(password: str) -> str:
    # NIST SP 800-63B 5.1.1.2: normalise Unicode (NFKC) so the same password typed on
    # different keyboards hashes the same.
    return unicodedata.normalize("NFKC", password)
