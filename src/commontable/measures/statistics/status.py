"""Whether an entity's rate is reported, or withheld because it rests on too few cases."""

from __future__ import annotations

from commontable.measures.statistics._arrays import Column, Labels, floats, labels

REPORTED, TOO_FEW = "reported", "too few"
# NCQA HEDIS reporting guidance: a denominator under 30 is "small denominator" (NA) for public
# reporting; collaboratives may choose another minimum.
MIN_DENOMINATOR = 30
# NCHS: rates based on fewer than 20 events are unreliable (relative standard error of 23% or
# more; National Vital Statistics Reports, "Deaths: Final Data", Technical Notes, "Random
# variation"). Rates, PQIs and risk-adjusted results are compared only from 20 expected events.
MIN_EXPECTED_EVENTS = 20


def reporting_status(denominator: Column, *, min_denominator: int = MIN_DENOMINATOR) -> Labels:
    """Status "reported" where the denominator reaches `min_denominator`, else "too few"."""
    if min_denominator < 0:
        raise ValueError(f"min_denominator must not be negative, not {min_denominator}")
    n = floats(denominator)
    status = labels(n.shape, TOO_FEW)
    status[n >= min_denominator] = REPORTED
    return status
