"""Defences of the sign-in form: guessing is slowed per client address, and an account with too
many failed sign-ins in a row is locked for a while, or until an admin unlocks it.

The per-account count is kept in the app DB by a digest of the address typed, whether or not an
account has it, so a lock tells a guesser nothing about who has an account; it holds across
restarts and web workers. The per-address limit uses the `limits` library's moving window, in
the web process's memory by default (a shared store such as redis:// for several workers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import delete
from sqlalchemy.orm import Session

from commontable.appdb import utcnow
from commontable.errors import TooManyAttempts
from commontable.members.credentials import digest
from commontable.members.models import FailedSignIns

# OWASP Authentication Cheat Sheet ("Login Throttling", "Account Lockout"); NIST SP 800-63B
# 5.2.2 asks for at most 100 consecutive failures: ten, then a lock of half an hour.
LOCK_AFTER = 10  # failed sign-ins in a row
LOCK_FOR = timedelta(minutes=30)
FORGET_AFTER = timedelta(hours=24)  # failures older than this no longer count
ADDRESS_LIMIT = "30/10 minutes"  # sign-in attempts from one client address
LOCKED = (
    "too many failed sign-ins for this account: it is locked for {minutes} minutes; "
    "an admin can unlock it sooner"
)
SLOW_DOWN = "too many sign-in attempts from your address; wait {minutes} minutes and try again"


def account_key(email: str) -> str:
    """The stored name of a typed address: its digest, so the table holds no addresses."""
    return digest("sign-in:" + email.strip().lower())


@dataclass
class AddressLimit:
    """Attempts per client address in a moving window (`limits`)."""

    limit: RateLimitItem
    limiter: MovingWindowRateLimiter

    @classmethod
    def of(cls, rule: str = ADDRESS_LIMIT, storage: str = "memory://") -> AddressLimit:
        return cls(parse(rule), MovingWindowRateLimiter(storage_from_string(storage)))

    def check(self, address: str) -> None:
        """Refuse before any password is checked (each check costs an Argon2 hash)."""
        if not self.limiter.test(self.limit, "sign-in", address):
            reset = self.limiter.get_window_stats(self.limit, "sign-in", address).reset_time
            wait = max(1, int(reset - utcnow().timestamp()))
            raise TooManyAttempts(SLOW_DOWN.format(minutes=-(-wait // 60)), retry_after=wait)

    def failed(self, address: str) -> None:
        self.limiter.hit(self.limit, "sign-in", address)


def check_account(session: Session, email: str, now: datetime | None = None) -> None:
    """Refuse a sign-in to a locked account, before the password is checked."""
    found = session.get(FailedSignIns, account_key(email))
    now = now or utcnow()
    if found is not None and found.locked_until is not None and found.locked_until > now:
        wait = int((found.locked_until - now).total_seconds())
        raise TooManyAttempts(LOCKED.format(minutes=-(-wait // 60)), retry_after=wait)


def count_failure(session: Session, email: str, now: datetime | None = None) -> bool:
    """Count a failed sign-in; True when this one locks the account."""
    now = now or utcnow()
    key = account_key(email)
    found = session.get(FailedSignIns, key)
    if found is None:
        found = FailedSignIns(account=key, failures=0, last_failed_at=now)
        session.add(found)
    elif now - found.last_failed_at > FORGET_AFTER:  # old failures no longer count
        found.failures, found.locked_until = 0, None
    found.failures += 1
    found.last_failed_at = now
    locks = found.failures >= LOCK_AFTER and (
        found.locked_until is None or found.locked_until <= now
    )
    if locks:
        found.locked_until = now + LOCK_FOR
        found.failures = 0  # after the lock, another ten tries
    session.flush()
    return locks


def clear_account(session: Session, email: str) -> bool:
    """Forget the failures and any lock (a good sign-in, an admin's unlock); whether there was
    a lock in force."""
    found = session.get(FailedSignIns, account_key(email))
    locked = found is not None and found.locked_until is not None and found.locked_until > utcnow()
    session.execute(delete(FailedSignIns).where(FailedSignIns.account == account_key(email)))
    return locked


def locked_until(session: Session, email: str, now: datetime | None = None) -> datetime | None:
    """When the account's lock ends; None when it is not locked."""
    found = session.get(FailedSignIns, account_key(email))
    if found is None or found.locked_until is None or found.locked_until <= (now or utcnow()):
        return None
    return found.locked_until
