"""Publishing: what crosses from the warehouse to the app DB, and nothing else.

Measure results cross as aggregates after small-cell suppression (privacy.suppression); the
collaborative's roster crosses as member organizations. No patient-level row ever does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from commontable.faces import offer

if TYPE_CHECKING:
    from commontable.publishing.cells import (
        ALL,
        COLLABORATIVE,
        COMPARED,
        ENTITY_LABELS,
        ENTITY_TYPES,
        FIGURES,
        REPORTED,
        STATUSES,
        STRATUM_LABELS,
        STRATUM_TYPES,
        SUPPRESSED,
        TOO_FEW,
        WITHHELD,
        ResultCell,
    )
    from commontable.publishing.explorer import (
        choose,
        collaborative_cell,
        headlines,
        published_measures,
        rank_among,
        reader_of,
    )
    from commontable.publishing.models import Publication, PublishedMeasure, PublishedResult
    from commontable.publishing.publish import publish_period
    from commontable.publishing.reader import DEFAULT_MIN_RELIABILITY, Reader, read_cells, verdict
    from commontable.publishing.roster import import_roster

__all__ = [
    "ALL",
    "COLLABORATIVE",
    "COMPARED",
    "DEFAULT_MIN_RELIABILITY",
    "ENTITY_LABELS",
    "ENTITY_TYPES",
    "FIGURES",
    "REPORTED",
    "STATUSES",
    "STRATUM_LABELS",
    "STRATUM_TYPES",
    "SUPPRESSED",
    "TOO_FEW",
    "WITHHELD",
    "Publication",
    "PublishedMeasure",
    "PublishedResult",
    "Reader",
    "ResultCell",
    "choose",
    "collaborative_cell",
    "headlines",
    "import_roster",
    "publish_period",
    "published_measures",
    "rank_among",
    "read_cells",
    "reader_of",
    "verdict",
]
__getattr__, __dir__ = offer(__name__, __all__)
