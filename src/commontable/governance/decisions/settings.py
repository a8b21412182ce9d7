"""A collaborative's quorum and pass threshold, kept in `governance_settings`."""

from __future__ import annotations

from sqlalchemy.orm import Session

from commontable.appdb import utcnow
from commontable.errors import UserError
from commontable.governance.decisions.models import GovernanceSettings
from commontable.governance.decisions.outcome import Rules
from commontable.members import Collaborative


def rules_of(session: Session, collaborative: Collaborative) -> Rules:
    """The collaborative's quorum and threshold; the defaults (half, more than half) if unset."""
    settings = session.get(GovernanceSettings, collaborative.id)
    if settings is None:
        return Rules()
    return Rules(settings.quorum, settings.pass_threshold, settings.threshold_inclusive)


def set_rules(
    session: Session,
    collaborative: Collaborative,
    *,
    quorum: float,
    pass_threshold: float,
    threshold_inclusive: bool = False,
) -> Rules:
    """Set the share of member organizations that makes a quorum (above 0, at most 1) and the
    share of yes among yes and no that passes a proposal (above 0, below 1)."""
    if not 0 < quorum <= 1:
        raise UserError(f"a quorum is a share above 0 and at most 1 (100%), not {quorum}")
    if not 0 < pass_threshold < 1:
        raise UserError(f"a pass threshold is a share above 0 and below 1, not {pass_threshold}")
    settings = session.get(GovernanceSettings, collaborative.id)
    if settings is None:
        settings = GovernanceSettings(collaborative_id=collaborative.id)
        session.add(settings)
    settings.quorum = quorum
    settings.pass_threshold = pass_threshold
    settings.threshold_inclusive = threshold_inclusive
    settings.updated_at = utcnow()
    session.flush()
    return rules_of(session, collaborative)
