"""Governance: how the table decides. Decisions (`governance.decisions`: motions and polls, one
organization one vote, quorum, the decision log) and Delphi consensus studies
(`governance.delphi`: rating candidate measures in rounds until the panel agrees).

Governance builds on members, privacy and the app DB; it never imports the measures (a
study's items name library measures by id, as text).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from commontable.faces import offer

if TYPE_CHECKING:
    from commontable.governance.decisions import (
        BallotIn,
        LinkKind,
        MotionKind,
        Position,
        cast_vote,
        close_motion,
        create_motion,
        link_decision,
        open_motion,
    )
    from commontable.governance.delphi import (
        Answer,
        StakeholderGroup,
        StudyRule,
        add_item,
        add_panelist,
        agreed_set,
        analyse,
        as_csv,
        as_json,
        close_round,
        create_study,
        open_round,
        rate,
        read_ratings,
        rule_named,
        summary_lines,
    )

__all__ = [
    "Answer",
    "BallotIn",
    "LinkKind",
    "MotionKind",
    "Position",
    "StakeholderGroup",
    "StudyRule",
    "add_item",
    "add_panelist",
    "agreed_set",
    "analyse",
    "as_csv",
    "as_json",
    "cast_vote",
    "close_motion",
    "close_round",
    "create_motion",
    "create_study",
    "link_decision",
    "open_motion",
    "open_round",
    "rate",
    "read_ratings",
    "rule_named",
    "summary_lines",
]
__getattr__, __dir__ = offer(__name__, __all__)
