"""A published result cell, the one shape every face reads (explorer, downloads, API, plans,
scorecards, the public report): where and whom it is for (the measures' entity and stratum
types, `measures.entities`), its status, and its figures as one reader may see them."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, get_type_hints

from pydantic import BaseModel, create_model

from commontable.measures import (
    ALL,
    COLLABORATIVE,
    COMPARED,
    ENTITY_LABELS,
    ENTITY_TYPES,
    STRATUM_LABELS,
    STRATUM_TYPES,
)

REPORTED, TOO_FEW = "reported", "too few"  # the statuses the measures give (measures.results)
SUPPRESSED = "suppressed"  # figures kept apart to protect small numbers (privacy.disclosure)
WITHHELD = "withheld"  # a cost figure outside the sharing rule (privacy.safety_zone)
STATUSES = (REPORTED, TOO_FEW, SUPPRESSED, WITHHELD)
SUPPRESSED_TEXT = "Suppressed to protect small numbers"
COST = "cost PMPM"  # a cost measure's type (measures.definition.COST)

# The figures of a result cell: shown in PublishedResult, or kept apart in SuppressedResult.
FIGURES = (
    "denominator",
    "numerator",
    "member_years",
    "rate",
    "ci_low",
    "ci_high",
    "reliability",
    "expected",
    "oe_ratio",
    "oe_low",
    "oe_high",
    "risk_standardised_rate",
    "member_months",
    "paid_amount",
    "predicted",
    "p_value",
    "q_value",
    "reference_rate",
    "providers",
    "largest_provider_share",
)
# Which result a cell is: measure, period, entity and stratum.
KEYS = (
    "measure_id",
    "period",
    "entity_type",
    "entity_id",
    "entity_name",
    "stratum_type",
    "stratum",
)
# What crosses from the warehouse's measure_result into a published cell.
COLUMNS = (*KEYS, *FIGURES, "status", "comparison", "adjustment")
# Figures a reader is given (the providers behind a cost figure decide, and are not shown).
SHOWN = tuple(name for name in FIGURES if name not in ("providers", "largest_provider_share"))

__all__ = [
    "ALL",
    "COLLABORATIVE",
    "COMPARED",
    "ENTITY_LABELS",
    "ENTITY_TYPES",
    "STRATUM_LABELS",
    "STRATUM_TYPES",
    "COLUMNS",
    "COST",
    "KEYS",
    "FIGURES",
    "REPORTED",
    "SHOWN",
    "STATUSES",
    "SUPPRESSED",
    "SUPPRESSED_TEXT",
    "TOO_FEW",
    "WITHHELD",
    "ResultCell",
    "api_model",
    "api_view",
]


@dataclass(frozen=True)
class ResultCell:
    """A published result as one reader may see it; figures are None where they are hidden from
    this reader (`hidden` says why)."""

    measure_id: str
    period: int
    entity_type: str
    entity_id: str
    entity_name: str
    organization_id: int | None
    stratum_type: str
    stratum: str
    status: str  # reported | too few | suppressed | withheld
    comparison: str | None  # the published test against the rest of the collaborative
    verdict: str | None  # better | average | worse: what a face may say; None: not rated
    hidden: str | None  # why the figures are not shown to this reader; None: they are
    own_detail: bool  # shown to this reader only (its own organization's, a data steward's)
    adjustment: str | None
    denominator: int | None = None
    numerator: int | None = None
    member_years: float | None = None
    rate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    reliability: float | None = None
    expected: float | None = None
    oe_ratio: float | None = None
    oe_low: float | None = None
    oe_high: float | None = None
    risk_standardised_rate: float | None = None
    member_months: float | None = None
    paid_amount: float | None = None
    predicted: float | None = None
    p_value: float | None = None
    q_value: float | None = None
    reference_rate: float | None = None

    @property
    def suppressed(self) -> bool:
        """Hidden from this reader to protect small numbers."""
        return self.status == SUPPRESSED

    @property
    def shown(self) -> bool:
        """Whether it has a rate this reader may see."""
        return self.hidden is None and self.rate is not None

    @property
    def blank(self) -> bool:
        return self.hidden is not None


# What the API gives of a cell: its where and whom, status and figures. `comparison` is the
# label every face gives (the cell's verdict), `why_blank` why its figures are null; which
# organization a cell is, the raw published test and the figures behind a label stay out.
API_NAMES = {"verdict": "comparison", "hidden": "why_blank"}
API_LEFT_OUT = (
    "measure_id",
    "period",
    "organization_id",
    "comparison",
    "own_detail",
    "predicted",
    "reference_rate",
)
API_DOC = (
    "A published result as this caller may see it: figures are null where they are hidden "
    "(`why_blank` says why); `comparison` is the label every face gives: better, average or "
    "worse than the rest of the collaborative where that is significant (false discovery rate "
    "controlled) and the result reliable enough, else null."
)


def api_view(cell: ResultCell) -> dict[str, Any]:
    """A cell as the API gives it."""
    return {
        API_NAMES.get(f.name, f.name): getattr(cell, f.name)
        for f in fields(ResultCell)
        if f.name not in API_LEFT_OUT
    }


def api_model() -> type[BaseModel]:
    """The API's model of a cell (for validation and the OpenAPI schema), read off ResultCell."""
    types = get_type_hints(ResultCell)
    shape: dict[str, Any] = {
        API_NAMES.get(f.name, f.name): (types[f.name], ...)
        for f in fields(ResultCell)
        if f.name not in API_LEFT_OUT
    }
    return create_model("CellOut", __doc__=API_DOC, **shape)
