"""Email and webhook delivery: an email per team and round that names no patient, a signed
post per notification, nothing before quiet hours end, failures tried again, then given up."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from email.message import Message as EmailMessage
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from commontable.appdb import utcnow
from commontable.audit import Actor
from commontable.care.delivery import (
    MAX_ATTEMPTS,
    SIGNATURE,
    SIGNED_AT,
    Mail,
    deliver_due,
    signature,
)
from commontable.care.models import Notification
from commontable.care.teams import Rules, new_webhook_secret, set_rules
from commontable.members import SecretBox
from tests.app_fixtures import AppDatabase
from tests.care.conftest import CareRegion
from tests.care.messages import visit_message
from tests.care.test_notify import feed


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[EmailMessage] = []

    def handle_message(self, message: EmailMessage) -> None:
        self.messages.append(message)


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, Mail]]:
    handler = Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, Mail("127.0.0.1", port, "commontable@flct.example", "https://ct.example")
    controller.stop()


class Receiver:
    """A member's system: takes webhook posts, answering `status`."""

    def __init__(self) -> None:
        self.posts: list[tuple[dict[str, str], bytes]] = []
        self.status = 200
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.posts.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(outer.status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/notifications"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.server.shutdown()


@pytest.fixture
def box(tmp_path: Path) -> SecretBox:
    return SecretBox.from_file(tmp_path / "secrets.key")


def test_a_team_gets_one_email_a_round_naming_no_patient(
    db: Session,
    app_db: AppDatabase,
    care_region: CareRegion,
    inbox: tuple[Inbox, Mail],
    box: SecretBox,
) -> None:
    handler, mail = inbox
    set_rules(db, Actor(), care_region.clinic_team, Rules(email="care@riverside.example"))
    db.commit()
    feed(db, care_region, visit_message("A04", "M1"), visit_message("A03", "M2"))
    first = deliver_due(app_db.engine, mail, box)
    again = deliver_due(app_db.engine, mail, box)
    (message,) = handler.messages
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes)
    text = message["Subject"] + body.decode()
    assert (first.emails, again.emails) == (1, 0)
    assert "2 new care notifications for Riverside care team" in text
    assert f"https://ct.example/care?team={care_region.clinic_team.id}" in text
    assert not {"Sarah", "Moore", "1973"} & set(text.replace(",", " ").split())


def test_each_notification_is_posted_signed_with_the_teams_secret(
    db: Session, app_db: AppDatabase, care_region: CareRegion, receiver: Receiver, box: SecretBox
) -> None:
    set_rules(db, Actor(), care_region.plan_team, Rules(webhook_url=receiver.url))
    secret = new_webhook_secret(db, Actor(), care_region.plan_team, box)
    db.commit()
    feed(db, care_region, visit_message("A04", "M1"))
    assert deliver_due(app_db.engine, None, box).webhooks == 1
    ((headers, body),) = receiver.posts
    assert headers[SIGNATURE.lower()] == signature(secret, headers[SIGNED_AT.lower()], body)
    sent = json.loads(body)
    assert (sent["event"], sent["patient_name"], sent["team"]) == (
        "ed_visit",
        "Sarah Moore",
        "Cascade care management",
    )


def test_nothing_goes_out_before_the_teams_quiet_hours_end(
    db: Session, app_db: AppDatabase, care_region: CareRegion, receiver: Receiver, box: SecretBox
) -> None:
    set_rules(db, Actor(), care_region.plan_team, Rules(webhook_url=receiver.url))
    new_webhook_secret(db, Actor(), care_region.plan_team, box)
    db.commit()
    feed(db, care_region, visit_message("A04", "M1"))
    db.execute(update(Notification).values(deliver_after=utcnow() + timedelta(hours=3)))
    db.commit()
    assert deliver_due(app_db.engine, None, box).webhooks == 0
    assert receiver.posts == []


def test_a_failed_post_is_tried_again_then_given_up(
    db: Session, app_db: AppDatabase, care_region: CareRegion, receiver: Receiver, box: SecretBox
) -> None:
    set_rules(db, Actor(), care_region.plan_team, Rules(webhook_url=receiver.url))
    new_webhook_secret(db, Actor(), care_region.plan_team, box)
    db.commit()
    feed(db, care_region, visit_message("A04", "M1"))
    receiver.status = 500
    rounds = [deliver_due(app_db.engine, None, box).failed for _ in range(MAX_ATTEMPTS + 2)]
    assert rounds == [1] * MAX_ATTEMPTS + [0, 0]
    db.expire_all()
    kept = db.scalars(
        select(Notification).where(Notification.team_id == care_region.plan_team.id)
    ).one()
    assert kept.delivered["webhook_attempts"] == MAX_ATTEMPTS


def test_a_retracted_event_is_not_sent(
    db: Session, app_db: AppDatabase, care_region: CareRegion, receiver: Receiver, box: SecretBox
) -> None:
    set_rules(db, Actor(), care_region.plan_team, Rules(webhook_url=receiver.url))
    new_webhook_secret(db, Actor(), care_region.plan_team, box)
    db.commit()
    feed(db, care_region, visit_message("A01", "M1", patient_class="I", visit="V9"),
         visit_message("A11", "M2", patient_class="I", visit="V9"))  # fmt: skip
    assert deliver_due(app_db.engine, None, box).webhooks == 0
