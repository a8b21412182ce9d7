"""Delphi consensus studies: the statistics and consensus rules as plain functions over
ratings (`analyse`), reading ratings from CSV (`read_ratings`), and studies run in the app DB
(panel, items, rounds, ratings, the agreed measure set)."""

from commontable.governance.delphi.analysis import RATING_COLUMNS, WHOLE_PANEL, Analysis, analyse
from commontable.governance.delphi.models import (
    DelphiItem,
    DelphiPanelist,
    DelphiRating,
    DelphiRound,
    DelphiStudy,
    StakeholderGroup,
    StudyRule,
)
from commontable.governance.delphi.rating import Answer, feedback, panelist_of, rate
from commontable.governance.delphi.ratings_file import read_ratings
from commontable.governance.delphi.report import as_csv, as_json, summary_lines
from commontable.governance.delphi.results import ratings_frame, study_analysis
from commontable.governance.delphi.rules import (
    RULES,
    ConsensusRule,
    CoreOutcomeSetRule,
    RandUclaRule,
    Verdict,
    rule_named,
)
from commontable.governance.delphi.statistics import ItemStatistics, describe, ipras
from commontable.governance.delphi.studies import (
    RoundClosed,
    add_item,
    add_panelist,
    agreed_set,
    close_round,
    create_study,
    current_round,
    get_study,
    open_round,
    studies,
)

__all__ = [
    "RATING_COLUMNS",
    "RULES",
    "WHOLE_PANEL",
    "Analysis",
    "Answer",
    "ConsensusRule",
    "CoreOutcomeSetRule",
    "DelphiItem",
    "DelphiPanelist",
    "DelphiRating",
    "DelphiRound",
    "DelphiStudy",
    "ItemStatistics",
    "RandUclaRule",
    "RoundClosed",
    "StakeholderGroup",
    "StudyRule",
    "Verdict",
    "add_item",
    "add_panelist",
    "agreed_set",
    "analyse",
    "as_csv",
    "as_json",
    "close_round",
    "create_study",
    "current_round",
    "describe",
    "feedback",
    "get_study",
    "ipras",
    "open_round",
    "panelist_of",
    "rate",
    "ratings_frame",
    "read_ratings",
    "rule_named",
    "studies",
    "study_analysis",
    "summary_lines",
]
