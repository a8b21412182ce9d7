"""Reports: charts of published results, the public report and member scorecards.

Other parts use `build_report` (with `ReportOptions`), `sharing_rule` (privacy.safety_zone's),
`record_latest` and `latest_site`; the report reads the action plan through `goals` and
`commitments`, which go through the plans part's own progress and commitments.
"""

from commontable.privacy.safety_zone import RULES, SharingRule, sharing_rule
from commontable.reports.goals import Commitment, commitments, goals
from commontable.reports.latest import latest_site, record_latest
from commontable.reports.site import BuiltReport, ReportOptions, build_report

__all__ = [
    "RULES",
    "BuiltReport",
    "Commitment",
    "ReportOptions",
    "SharingRule",
    "build_report",
    "commitments",
    "goals",
    "latest_site",
    "record_latest",
    "sharing_rule",
]
