"""Reports: the public report (static site and PDF) and member scorecards, from published
results only.

Other parts use `build_report` (with `ReportOptions`), `record_latest` and `latest_site`; the
report reads the action plan through `public_goals` and `public_commitments`, which go through
the plans part's own progress and commitments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from commontable.faces import offer

if TYPE_CHECKING:
    from commontable.reports.goals import Commitment, public_commitments, public_goals
    from commontable.reports.latest import latest_site, record_latest
    from commontable.reports.site import BuiltReport, ReportOptions, build_report

__all__ = [
    "BuiltReport",
    "Commitment",
    "ReportOptions",
    "build_report",
    "latest_site",
    "public_commitments",
    "public_goals",
    "record_latest",
]
__getattr__, __dir__ = offer(__name__, __all__)
