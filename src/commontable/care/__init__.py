"""Care coordination: the live ADT feed (an MLLP listener that acknowledges each message and
loads what it accepts like any submission), the care teams that follow people, their
notifications and work lists, consent and Part 2 programs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from commontable.faces import offer

if TYPE_CHECKING:
    from commontable.care.adt_messages import ACCEPTED_EVENTS, acknowledgement, examine
    from commontable.care.arrivals import Arrivals
    from commontable.care.listener import AdtFeed, FeedCounts, serve_feed
    from commontable.care.quiet_hours import zone_of
    from commontable.care.replay import Replayed, messages_in, replay_messages
    from commontable.care.spool import Spool

__all__ = [
    "ACCEPTED_EVENTS",
    "AdtFeed",
    "Arrivals",
    "FeedCounts",
    "Replayed",
    "Spool",
    "acknowledgement",
    "examine",
    "messages_in",
    "replay_messages",
    "serve_feed",
    "zone_of",
]
__getattr__, __dir__ = offer(__name__, __all__)
