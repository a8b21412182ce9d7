"""What "protected" means for a hidden value, from the CMS cell-size policy.

CMS Cell Size Suppression Policy (ResDAC, 2017, https://resdac.org/articles/cms-cell-size-suppression-policy):
no count of 1 to 10 (people, events) may be shown, nor any figure from which one could be worked
out. So, for every value a reader does not see:

* a count of 1 to 10 (numerator, denominator, or denominator - numerator) must not be confined to
  1..10: the values consistent with everything shown must reach 0 or 11 (its protection interval
  is 1..10);
* no hidden value may be determined: a count must have at least two whole values left open; an
  amount (paid dollars, member-months, member-years) a range at least AMOUNT_SHARE of its value
  wide where the cell itself is small (the p% rule's idea for magnitudes, Hundepool et al.,
  Statistical Disclosure Control, Wiley 2012, sec. 4.2), at least OTHER_AMOUNT_SHARE elsewhere.

Ranges are those of the linear relaxation, as tau-ARGUS audits them; a count's range is read in
whole numbers (ceil of the minimum, floor of the maximum).
"""

from __future__ import annotations

import numpy as np

SMALLEST_SHOWN = 11  # CMS: counts of 1-10 are not shown; 0 may be
AMOUNT_SHARE = 0.10  # a small cell's amount: its open range at least 10% of its value
OTHER_AMOUNT_SHARE = 0.01  # any other hidden amount: not determined (1% of its value)
SMALLEST_AMOUNT_RANGE = 0.01  # ... and never less than a cent or a hundredth of a member-year
SLACK = 1e-6  # rounding of the solver


def is_small(values: np.ndarray) -> np.ndarray:
    """Counts from 1 to 10: what the policy forbids showing."""
    return (values >= 1) & (values < SMALLEST_SHOWN)


def sensitive(values: np.ndarray, is_count: np.ndarray) -> np.ndarray:
    """Values whose range must reach 0 or 11: the small counts."""
    return is_count & is_small(np.round(values))


def required_width(
    values: np.ndarray, is_count: np.ndarray, amounts: np.ndarray | None = None
) -> np.ndarray:
    """How wide the range of each hidden value must be for it not to be determined: a whole unit
    for a count; for an amount, AMOUNT_SHARE of it where `amounts` (default: every amount), else
    OTHER_AMOUNT_SHARE."""
    share = AMOUNT_SHARE if amounts is None else np.where(amounts, AMOUNT_SHARE, OTHER_AMOUNT_SHARE)
    wide = np.maximum(share * np.abs(values), SMALLEST_AMOUNT_RANGE)
    return np.where(is_count, 1.0, wide)


def protected(
    values: np.ndarray, is_count: np.ndarray, low: np.ndarray, high: np.ndarray, width: np.ndarray
) -> np.ndarray:
    """Whether each value, known only to lie in [low, high], is protected: its range is at least
    `width` wide, and a small count's reaches 0 or 11."""
    low = np.where(is_count, np.ceil(low - SLACK), low)
    high = np.where(is_count, np.floor(high + SLACK), high)
    wide = high - low >= width - SLACK
    escapes = (low <= 0) | (high >= SMALLEST_SHOWN)
    return wide & (escapes | ~sensitive(values, is_count))
