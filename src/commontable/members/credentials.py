"""Random secrets handed out once (API tokens, session cookies) and the digests kept of them."""

from __future__ import annotations

import hashlib
import secrets


def new_secret(prefix: str) -> str:
    """A fresh secret: `prefix` then 256 random bits, URL-safe."""
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """What is stored instead of the secret: SHA-256 suffices for 256 random bits (no salt, no
    slow hash needed), and lets a presented secret be found by an indexed lookup."""
    return hashlib.sha256(secret.encode()).hexdigest()
