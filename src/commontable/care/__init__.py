"""Care coordination: the live ADT feed (an MLLP listener that acknowledges each message and
loads what it accepts like any submission), the care teams that follow people, their
notifications and work lists, consent and Part 2 programs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from commontable.faces import offer

if TYPE_CHECKING:
    from commontable.care.adt_messages import ACCEPTED_EVENTS, acknowledgement, examine
    from commontable.care.after_match import reconcile
    from commontable.care.arrivals import Arrivals, FeedPeople
    from commontable.care.delivery import Mail, deliver_due, signature
    from commontable.care.feeds import FeedSetting, feed_settings, start_feeds, stop_feeds
    from commontable.care.gaps import refresh_gaps
    from commontable.care.listener import AdtFeed, FeedCounts, serve_feed
    from commontable.care.models import (
        CareSetting,
        CareTeam,
        ConsentDecision,
        EventKind,
        Outcome,
        SubscriptionSource,
        TeamKind,
    )
    from commontable.care.notices import copy_notices
    from commontable.care.quiet_hours import zone_of
    from commontable.care.replay import Replayed, messages_in, replay_messages
    from commontable.care.rosters import Roster, attributed_people, read_roster
    from commontable.care.spool import Spool
    from commontable.care.teams import (
        DEFAULT_EVENTS,
        DEFAULT_SETTINGS,
        Rules,
        add_part2_program,
        all_teams,
        create_team,
        find_team,
        follow,
        followed,
        new_webhook_secret,
        record_consent,
        set_rules,
        unfollow,
    )

__all__ = [
    "DEFAULT_EVENTS",
    "DEFAULT_SETTINGS",
    "ACCEPTED_EVENTS",
    "AdtFeed",
    "Arrivals",
    "FeedPeople",
    "Mail",
    "CareSetting",
    "CareTeam",
    "ConsentDecision",
    "EventKind",
    "FeedCounts",
    "FeedSetting",
    "Outcome",
    "Replayed",
    "Roster",
    "Rules",
    "Spool",
    "SubscriptionSource",
    "TeamKind",
    "acknowledgement",
    "add_part2_program",
    "all_teams",
    "attributed_people",
    "copy_notices",
    "create_team",
    "deliver_due",
    "feed_settings",
    "examine",
    "find_team",
    "follow",
    "followed",
    "messages_in",
    "new_webhook_secret",
    "read_roster",
    "reconcile",
    "record_consent",
    "refresh_gaps",
    "replay_messages",
    "serve_feed",
    "set_rules",
    "signature",
    "start_feeds",
    "stop_feeds",
    "unfollow",
    "zone_of",
]
__getattr__, __dir__ = offer(__name__, __all__)
