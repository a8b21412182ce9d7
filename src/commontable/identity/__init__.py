"""Identity: match people across files and sources into one person_id (Splink)."""

from commontable.identity.evaluate import (
    Scores,
    score,
    score_crosswalk,
    truth_from_ids,
    truth_of_region,
)
from commontable.identity.fields import PERSON_FIELDS, parse_mapping, person_table
from commontable.identity.link import link_files
from commontable.identity.match import MatchResult, match

__all__ = [
    "PERSON_FIELDS",
    "MatchResult",
    "Scores",
    "link_files",
    "match",
    "parse_mapping",
    "person_table",
    "score",
    "score_crosswalk",
    "truth_from_ids",
    "truth_of_region",
]
