"""Improvement cycles (Plan-Do-Study-Act) of an initiative: the change tested, its own
measures, what happened, what was learned, and whether to adopt, adapt or abandon it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from commontable.appdb import utcnow
from commontable.errors import NotFound, UserError
from commontable.plans.models import CycleDecision, CycleStage, ImprovementCycle, Initiative
from commontable.plans.planning import words

LONG_TEXT = 4000


def add_cycle(
    session: Session,
    initiative: Initiative,
    title: str,
    change: str,
    *,
    start_date: date,
    measure_id: str | None = None,
    measures: str = "",
) -> ImprovementCycle:
    """Plan a cycle: the change to try and the prediction, measured by a library measure
    (`measure_id`) or measures in words."""
    cycle = ImprovementCycle(
        initiative=initiative,
        title=words(title, "a cycle's title")[:200],
        change=words(change, "the change the cycle tests")[:2000],
        measure_id=(measure_id or "").strip()[:40] or None,
        measures=measures.strip()[:1000],
        start_date=start_date,
        stage=CycleStage.PLAN,
    )
    session.add(cycle)
    session.flush()
    return cycle


def get_cycle(session: Session, cycle_id: int) -> ImprovementCycle:
    """The improvement cycle with this id."""
    cycle = session.get(ImprovementCycle, cycle_id)
    if cycle is None:
        raise NotFound(f"no improvement cycle with id {cycle_id}")
    return cycle


@dataclass(frozen=True)
class CycleUpdate:
    """What a cycle's later steps record; None leaves a field as it is."""

    stage: CycleStage | None = None
    findings: str | None = None
    learnings: str | None = None
    decision: CycleDecision | None = None
    end_date: date | None = None


def update_cycle(
    session: Session, cycle: ImprovementCycle, update: CycleUpdate, *, now: datetime | None = None
) -> ImprovementCycle:
    """Move a cycle on (Do, Study, Act, done) and record its findings and learnings."""
    if update.end_date is not None and update.end_date < cycle.start_date:
        raise UserError(
            f"a cycle cannot end ({update.end_date}) before it starts ({cycle.start_date})"
        )
    if update.stage is not None:
        cycle.stage = update.stage
    if update.findings is not None:
        cycle.findings = update.findings.strip()[:LONG_TEXT]
    if update.learnings is not None:
        cycle.learnings = update.learnings.strip()[:LONG_TEXT]
    if update.decision is not None:
        cycle.decision = update.decision
    if update.end_date is not None:
        cycle.end_date = update.end_date
    cycle.updated_at = now or utcnow()
    session.flush()
    return cycle
