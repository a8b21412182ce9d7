"""Notifications sent beyond the work list, once their team's quiet hours are over: an email to
the team's inbox (a count and a link, never a patient's details: email is not a safe place
for them) and a signed webhook post of each notification to the team's own system.

A webhook post carries the minimum necessary as JSON and two headers: the time it was signed,
and `sha256=` HMAC-SHA256 of "<time>.<body>" under the team's secret, so the receiver can
check who sent it and refuse a replay. A failed post is tried again in later rounds, up to
MAX_ATTEMPTS (an email too); every attempt's outcome is kept on the notification.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
import time
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

from commontable.appdb import transaction, utcnow
from commontable.care.models import CareEvent, CareTeam, Notification
from commontable.care.work_list import item
from commontable.members import SecretBox

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
BATCH = 500  # notifications looked at per round
TIMEOUT_SECONDS = 5.0
SIGNATURE, SIGNED_AT = "X-CommonTable-Signature", "X-CommonTable-Timestamp"


@dataclass(frozen=True)
class Mail:
    """Where notification emails go out, and where their links point."""

    host: str
    port: int
    sender: str
    public_url: str


@dataclass
class Delivered:
    """What one round sent."""

    emails: int = 0
    webhooks: int = 0
    failed: int = 0


def signature(secret: str, signed_at: str, body: bytes) -> str:
    """What the receiver recomputes: sha256= HMAC-SHA256 of "<signed_at>.<body>"."""
    digest = hmac.new(secret.encode(), signed_at.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def payload(notification: Notification) -> dict[str, Any]:
    """A notification as the team's system receives it (what its work list shows)."""
    shown = item(notification, None)
    return {
        "id": shown.id,
        "team": shown.team,
        "event": notification.event.kind.value,
        "setting": shown.setting,
        "occurred_at": shown.occurred_at.isoformat(),
        "person_id": shown.person_id,
        "provisional_person": shown.provisional_person,
        "patient_name": shown.patient_name,
        "birth_date": shown.birth_date,
        "facility": shown.facility,
        "location": shown.location,
        "diagnosis_category": shown.diagnosis_category,
        "discharge_disposition": shown.discharge_disposition,
        "flags": list(shown.flags),
    }


def _due(session: Session, now: datetime) -> list[Notification]:
    """Notifications past their quiet hours, of teams with an inbox or a webhook, not retracted."""
    query = (
        select(Notification)
        .join(CareTeam, Notification.team_id == CareTeam.id)
        .join(CareEvent, Notification.event_id == CareEvent.id)
        .where(
            Notification.deliver_after <= now,
            CareEvent.retracted_at.is_(None),
            or_(CareTeam.email.is_not(None), CareTeam.webhook_url.is_not(None)),
        )
        .order_by(Notification.id)
    )
    return [n for n in session.scalars(query.limit(BATCH * 4)) if _waiting(n)][:BATCH]


def _waiting(notification: Notification) -> bool:
    team, sent = notification.team, notification.delivered
    return (team.email is not None and _owed(sent, "email")) or (
        team.webhook_url is not None and _owed(sent, "webhook")
    )


def _owed(sent: dict[str, Any], channel: str) -> bool:
    """Not sent yet on this channel, and not given up on."""
    return channel not in sent and int(sent.get(f"{channel}_attempts", 0)) < MAX_ATTEMPTS


@dataclass(frozen=True)
class Outgoing:
    """What one team has due this round, read in one short transaction: sending happens after
    it (never while the app DB is locked), and the outcome is kept in another."""

    team_id: int
    team_name: str
    email: str | None
    webhook_url: str | None
    secret: str | None
    to_email: tuple[int, ...]
    to_post: tuple[tuple[int, dict[str, Any]], ...]


def _outgoing(session: Session, box: SecretBox, mail: Mail | None) -> list[Outgoing]:
    by_team: dict[int, list[Notification]] = defaultdict(list)
    for notification in _due(session, utcnow()):
        by_team[notification.team_id].append(notification)
    found = []
    for notifications in by_team.values():
        team = notifications[0].team
        emailed = mail is not None and team.email is not None
        posted = team.webhook_url is not None and team.webhook_secret is not None
        found.append(
            Outgoing(
                team.id,
                team.name,
                team.email,
                team.webhook_url,
                box.open(team.webhook_secret) if posted and team.webhook_secret else None,
                tuple(n.id for n in notifications if emailed and _owed(n.delivered, "email")),
                tuple(
                    (n.id, payload(n))
                    for n in notifications
                    if posted and _owed(n.delivered, "webhook")
                ),
            )
        )
    return found


def deliver_due(engine: Engine, mail: Mail | None, box: SecretBox) -> Delivered:
    """One round: an email per team and a webhook post per notification, for what is due."""
    with transaction(engine) as session:
        outgoing = _outgoing(session, box, mail)
    done = Delivered()
    outcomes: dict[int, dict[str, Any]] = defaultdict(dict)
    stamp = utcnow().isoformat()
    for team in outgoing:
        if team.to_email and mail is not None:
            sent = _email(mail, team, len(team.to_email))
            done.emails += sent
            for notification_id in team.to_email:
                outcomes[notification_id]["email" if sent else "email_failed"] = stamp
        for notification_id, body in team.to_post:
            if team.webhook_url and team.secret and _post(team.webhook_url, team.secret, body):
                done.webhooks += 1
                outcomes[notification_id]["webhook"] = stamp
            else:
                done.failed += 1
                outcomes[notification_id]["webhook_failed"] = stamp
    if outcomes:
        with transaction(engine) as session:
            for notification_id, outcome in outcomes.items():
                _keep(session, notification_id, outcome)
    return done


def _keep(session: Session, notification_id: int, outcome: dict[str, Any]) -> None:
    notification = session.get(Notification, notification_id)
    if notification is None:
        return
    sent = dict(notification.delivered or {})
    for channel in ("email", "webhook"):
        failed = outcome.pop(f"{channel}_failed", None)
        if failed is not None:
            sent[f"{channel}_attempts"] = int(sent.get(f"{channel}_attempts", 0)) + 1
            sent[f"{channel}_last_failure"] = failed
    notification.delivered = {**sent, **outcome}


def _email(mail: Mail, team: Outgoing, count: int) -> bool:
    """One email to the team's inbox: how many new notifications, and where to read them."""
    message = EmailMessage()
    message["From"], message["To"] = mail.sender, str(team.email)
    plural = "" if count == 1 else "s"
    message["Subject"] = f"{count} new care notification{plural} for {team.team_name}"
    message.set_content(
        f"{team.team_name} has {count} new notification{plural} of hospital events for the people "
        f"it follows.\n\nRead them on the work list (sign in): "
        f"{mail.public_url.rstrip('/')}/care?team={team.team_id}\n\n"
        "For privacy this email names no patient.\n"
    )
    try:
        with smtplib.SMTP(mail.host, mail.port, timeout=TIMEOUT_SECONDS) as server:
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("email to %s failed: %s", team.email, error)
        return False
    return True


def _post(url: str, secret: str, notification: dict[str, Any]) -> bool:
    """POST one notification, signed; True when the receiver answered 2xx."""
    body = json.dumps(notification, separators=(",", ":")).encode()
    signed_at = str(int(time.time()))
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            SIGNED_AT: signed_at,
            SIGNATURE: signature(secret, signed_at, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
            return 200 <= int(answer.status) < 300
    except (OSError, urllib.error.URLError) as error:
        log.warning("webhook post of notification %s failed: %s", notification["id"], error)
        return False
