"""Identity: match people across files and sources into one person_id (Splink)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from commontable.faces import offer

if TYPE_CHECKING:
    from commontable.identity.arrivals import (
        ArrivalMatcher,
        crosswalk_version,
        provisional_id,
        source_people,
    )
    from commontable.identity.decisions import decide, parse_record
    from commontable.identity.evaluate import (
        Scores,
        score,
        score_crosswalk,
        truth_from_ids,
        truth_of_region,
    )
    from commontable.identity.fields import PERSON_FIELDS, parse_mapping, person_table
    from commontable.identity.link import link_files
    from commontable.identity.match import MatchResult, match_people
    from commontable.identity.review_queue import pair_count, review_pairs

__all__ = [
    "ArrivalMatcher",
    "crosswalk_version",
    "PERSON_FIELDS",
    "MatchResult",
    "Scores",
    "decide",
    "link_files",
    "match_people",
    "pair_count",
    "provisional_id",
    "parse_mapping",
    "parse_record",
    "person_table",
    "review_pairs",
    "score",
    "source_people",
    "score_crosswalk",
    "truth_from_ids",
    "truth_of_region",
]
__getattr__, __dir__ = offer(__name__, __all__)
