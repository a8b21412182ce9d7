"""Better, average or worse than the regional average: said only when it is both statistically
significant and reliable.

Significance is the measure engine's published comparison (the entity's 95% interval lies
wholly on one side of the collaborative's rate; for risk-adjusted measures, its O/E interval
wholly above or below 1). Reliability (signal to noise, 0-1) must reach a threshold, by default
0.7: "a minimum acceptable reliability threshold, such as 0.70" (Adams, Mehrotra, Thomas and
McGlynn, "Physician cost profiling: reliability and risk of misclassification", N Engl J Med
2010;362:1014-21; RAND TR-799). Below it, or where reliability is not estimated, no label.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from commontable.reports.published import PublicCell

DEFAULT_MIN_RELIABILITY = 0.7
BETTER, AVERAGE, WORSE = "better", "average", "worse"
LABELS = {
    BETTER: "Better than the regional average",
    AVERAGE: "No different from the regional average",
    WORSE: "Worse than the regional average",
}
TOO_FEW = "too few"


@dataclass(frozen=True)
class Verdict:
    """How one result compares with the region: a label, or why there is none."""

    kind: str | None  # better | average | worse; None: not rated
    text: str


def verdict(cell: PublicCell, min_reliability: float = DEFAULT_MIN_RELIABILITY) -> Verdict:
    """The label a provider's or plan's result gets in public."""
    if cell.suppressed:
        return Verdict(None, "Not rated: suppressed")
    if cell.status == TOO_FEW:
        return Verdict(None, "Not rated: too few patients")
    if cell.comparison not in LABELS:
        return Verdict(None, "Not rated: no comparison")
    if cell.reliability is None or math.isnan(cell.reliability):
        return Verdict(None, "Not rated: reliability is not estimated for this measure")
    if cell.reliability < min_reliability:
        return Verdict(
            None, f"Not rated: reliability {cell.reliability:.2f} is below {min_reliability:.2f}"
        )
    return Verdict(cell.comparison, LABELS[cell.comparison])


def group_verdict(cell: PublicCell) -> Verdict:
    """How a group of people (an equity view) compares with the collaborative overall: by
    significance alone, as reliability is about profiling providers, not population groups."""
    if cell.suppressed:
        return Verdict(None, "Not compared: suppressed")
    if cell.status == TOO_FEW or cell.comparison not in LABELS:
        return Verdict(None, "Not compared: too few people")
    texts = {
        BETTER: "Better than the collaborative overall",
        AVERAGE: "No significant difference",
        WORSE: "Worse than the collaborative overall",
    }
    return Verdict(cell.comparison, texts[cell.comparison])
