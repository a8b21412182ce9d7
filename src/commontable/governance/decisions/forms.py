"""A ballot from the vote form's fields (the web's `position`, `choice`, `rank-<option>`,
`score-<option>` and `time-<option>` fields), checked later against the motion."""

from __future__ import annotations

from collections.abc import Mapping

from commontable.errors import UserError
from commontable.governance.decisions.models import Motion, MotionKind, Position
from commontable.governance.decisions.voting import BallotIn

FIELD_PREFIX = {
    MotionKind.RANKED: "rank-",
    MotionKind.SCORE: "score-",
    MotionKind.MEETING_TIME: "time-",
}


def ballot_from_form(motion: Motion, fields: Mapping[str, str]) -> BallotIn:
    """The ballot a vote form sent; blank fields are options left out."""
    position = fields.get("position", "").strip()
    if position:
        try:
            return BallotIn(Position(position))
        except ValueError:
            raise UserError(f"'{position}' is not a vote; vote yes, no, abstain or block") from None
    if motion.kind is MotionKind.PROPOSAL:
        raise UserError("choose yes, no, abstain or block")
    if motion.kind is MotionKind.CHOOSE_ONE:
        choice = fields.get("choice", "").strip()
        if not choice:
            raise UserError("choose one option, or abstain")
        return BallotIn(marks={_number(choice, "option"): 1})
    prefix = FIELD_PREFIX[motion.kind]
    marks = {
        option.id: _number(fields[f"{prefix}{option.id}"], option.label)
        for option in motion.options
        if fields.get(f"{prefix}{option.id}", "").strip()
    }
    if not marks:
        raise UserError("answer at least one option, or abstain")
    return BallotIn(marks=marks)


def _number(value: str, what: str) -> int:
    value = value.strip()
    if not (value.isascii() and value.lstrip("-").isdigit()):
        raise UserError(f"'{value}' for {what} is not a whole number")
    return int(value)
