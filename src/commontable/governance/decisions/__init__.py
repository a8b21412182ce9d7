"""Decisions: motions and polls of a collaborative or workgroup, one organization one vote,
conflicts of interest, quorum and pass threshold, the decision log and what a decision adopted.

Services take a SQLAlchemy session, add and flush, and never commit; the counting is plain
functions over plain ballots (`counting`, `outcome`).
"""

from commontable.governance.decisions.counting import instant_runoff
from commontable.governance.decisions.eligibility import (
    VOTING_ROLES,
    eligible_organizations,
    voting_members,
)
from commontable.governance.decisions.models import (
    ConflictOfInterest,
    DecisionLink,
    DecisionRecord,
    GovernanceSettings,
    LinkKind,
    Motion,
    MotionKind,
    MotionOption,
    MotionStatus,
    Position,
    Vote,
    VoteMark,
)
from commontable.governance.decisions.motions import (
    close_motion,
    create_motion,
    decision_log,
    get_motion,
    link_decision,
    motions,
    open_motion,
    taking_votes,
)
from commontable.governance.decisions.outcome import Ballot, Outcome, Rules, decide
from commontable.governance.decisions.settings import rules_of, set_rules
from commontable.governance.decisions.voting import BallotIn, cast_vote, declare_conflict

__all__ = [
    "VOTING_ROLES",
    "Ballot",
    "BallotIn",
    "ConflictOfInterest",
    "DecisionLink",
    "DecisionRecord",
    "GovernanceSettings",
    "LinkKind",
    "Motion",
    "MotionKind",
    "MotionOption",
    "MotionStatus",
    "Outcome",
    "Position",
    "Rules",
    "Vote",
    "VoteMark",
    "cast_vote",
    "close_motion",
    "create_motion",
    "decide",
    "decision_log",
    "declare_conflict",
    "eligible_organizations",
    "get_motion",
    "instant_runoff",
    "link_decision",
    "motions",
    "open_motion",
    "rules_of",
    "set_rules",
    "taking_votes",
    "voting_members",
]
