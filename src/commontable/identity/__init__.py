"""Identity: match people across files and sources into one person_id (Splink on DuckDB)."""

from commontable.identity.evaluate import Scores, score, truth_from_ids
from commontable.identity.fields import PERSON_FIELDS, parse_mapping, person_table
from commontable.identity.link import link_files

__all__ = [
    "PERSON_FIELDS",
    "Scores",
    "link_files",
    "parse_mapping",
    "person_table",
    "score",
    "truth_from_ids",
]
