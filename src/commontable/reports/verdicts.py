"""Better, average or worse than the rest of the collaborative, in words: said only when it is
both statistically significant and reliable (the reader's `verdict`, the same in every face).

Significance is the measure engine's published comparison (a two-sided test against the rest of
the collaborative, Benjamini-Hochberg false discovery rate 5% per measure, period and entity
type). Reliability (signal to noise, 0-1) must reach a threshold, by default 0.7: "a minimum
acceptable reliability threshold, such as 0.70" (Adams, Mehrotra, Thomas and McGlynn, "Physician
cost profiling: reliability and risk of misclassification", N Engl J Med 2010;362:1014-21; RAND
TR-799). Below it, or where reliability is not estimated, no label.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from commontable.publishing import DEFAULT_MIN_RELIABILITY, TOO_FEW, ResultCell
from commontable.publishing import verdict as label

BETTER, AVERAGE, WORSE = "better", "average", "worse"
LABELS = {
    BETTER: "Better than the rest of the collaborative",
    AVERAGE: "No different from the rest of the collaborative",
    WORSE: "Worse than the rest of the collaborative",
}


@dataclass(frozen=True)
class Verdict:
    """How one result compares with the region: a label, or why there is none."""

    kind: str | None  # better | average | worse; None: not rated
    text: str


def verdict(cell: ResultCell, min_reliability: float = DEFAULT_MIN_RELIABILITY) -> Verdict:
    """The label a provider's or plan's result gets in public: the reader's (publishing.reader),
    with the reason when there is none."""
    if cell.hidden is not None:
        return Verdict(None, "Not rated: " + cell.status)
    said = label(cell, min_reliability)
    if said in LABELS:
        return Verdict(said, LABELS[said])
    if cell.status == TOO_FEW:
        return Verdict(None, "Not rated: too few patients")
    if cell.comparison not in LABELS:
        return Verdict(None, "Not rated: not compared (too few people or expected events)")
    if cell.reliability is None or math.isnan(cell.reliability):
        return Verdict(None, "Not rated: reliability is not estimated for this result")
    return Verdict(
        None, f"Not rated: reliability {cell.reliability:.2f} is below {min_reliability:.2f}"
    )


def group_verdict(cell: ResultCell) -> Verdict:
    """How a group of people (an equity view) compares with the rest of the collaborative: by
    significance alone, as reliability is about profiling providers, not population groups."""
    if cell.hidden is not None:
        return Verdict(None, "Not compared: " + cell.status)
    said = label(cell, DEFAULT_MIN_RELIABILITY)
    if said not in LABELS:
        return Verdict(None, "Not compared: too few people, or not compared for this measure")
    texts = {
        BETTER: "Better than the rest of the collaborative",
        AVERAGE: "No significant difference",
        WORSE: "Worse than the rest of the collaborative",
    }
    return Verdict(said, texts[said])
