"""Care coordination: the live ADT feed (an MLLP listener that acknowledges each message and
loads what it accepts like any submission); rosters, notifications, consent and care gaps
follow (issue 17)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from commontable.faces import offer

if TYPE_CHECKING:
    from commontable.care.adt_messages import ACCEPTED_EVENTS, acknowledgement, examine
    from commontable.care.listener import AdtFeed, FeedCounts, serve_feed
    from commontable.care.replay import Replayed, messages_in, replay_messages
    from commontable.care.spool import Spool

__all__ = [
    "ACCEPTED_EVENTS",
    "AdtFeed",
    "FeedCounts",
    "Replayed",
    "Spool",
    "acknowledgement",
    "examine",
    "messages_in",
    "replay_messages",
    "serve_feed",
]
__getattr__, __dir__ = offer(__name__, __all__)
