"""A panelist's answers from the rating form's fields (`rating-<item>` and `comment-<item>`)."""

from __future__ import annotations

from collections.abc import Mapping

from commontable.errors import UserError
from commontable.governance.delphi.models import DelphiStudy
from commontable.governance.delphi.rating import Answer


def answers_from_form(study: DelphiStudy, fields: Mapping[str, str]) -> dict[int, Answer]:
    """Answers by item id; an item left unrated is left out (its comment too)."""
    answers = {}
    for item in study.items:
        rating = fields.get(f"rating-{item.id}", "").strip()
        if not rating:
            continue
        if not (rating.isascii() and rating.isdigit()):
            raise UserError(f"rate '{item.label}' from 1 to 9, not '{rating}'")
        answers[item.id] = Answer(int(rating), fields.get(f"comment-{item.id}", ""))
    if not answers:
        raise UserError("rate at least one item from 1 to 9")
    return answers
