"""Disclosure control over everything a period publishes, at once: primary suppression of small
counts, complementary suppression chosen jointly over the linked tables, and an attacker's audit
of the result before anything is published.

    model = linked_tables(cells, structure)
    decided = control(model)          # raises DisclosureError unless the audit passes
    decided.hidden                    # per cell: not to be shown
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from commontable.errors import UserError
from commontable.privacy.disclosure.attacker import Ranges, ranges
from commontable.privacy.disclosure.complementary import ProtectionFailed, Protector
from commontable.privacy.disclosure.protection import (
    protected,
    required_width,
    sensitive,
)
from commontable.privacy.disclosure.tables import (
    AT_LEAST_SUM,
    AT_MOST_SUM,
    SUM,
    LinkedTables,
    MeasureShape,
    Structure,
    Total,
    linked_tables,
)


class DisclosureError(UserError):
    """What would be published leaves a hidden value unprotected; nothing was published."""


@dataclass(frozen=True)
class Audit:
    """What an attacker with every published figure and relation can work out, in numbers."""

    hidden_cells: int
    hidden_values: int  # values no shown cell shows
    small_values: int  # of which counts of 1 to 10
    unprotected: int  # determined, or a small count confined to 1-10: must be 0 to publish
    structural: int  # determined by which results exist, whatever were hidden (never small)
    programs: int  # linear programs the audit solved
    seconds: float

    @property
    def passed(self) -> bool:
        return self.unprotected == 0

    def summary(self) -> str:
        """One line for the command line."""
        found = (
            "none is determined or confined to 1-10"
            if self.passed
            else f"{self.unprotected:,} could be worked out: NOT PUBLISHED"
        )
        if self.structural:
            found += (
                f" (but {self.structural:,} zeros or larger counts that which results exist "
                "gives away whatever is hidden)"
            )
        return (
            f"audit: {self.hidden_values:,} hidden values of {self.hidden_cells:,} hidden cells "
            f"({self.small_values:,} counts of 1-10) bounded by {self.programs:,} linear "
            f"programs in {self.seconds:.1f} s; {found}"
        )


@dataclass(frozen=True)
class Decision:
    """Which cells to hide: primary (small counts of their own) or complementary, and the audit."""

    hidden: np.ndarray  # per cell
    primary: np.ndarray  # per cell
    audit: Audit
    protection_programs: int
    protection_seconds: float

    @property
    def complementary(self) -> np.ndarray:
        return self.hidden & ~self.primary


def primary_cells(model: LinkedTables) -> np.ndarray:
    """Cells that show a count of 1 to 10 themselves (numerator, denominator, or their
    difference, which a reader gets by subtraction), or a figure of 1 to 10 people's."""
    small = np.flatnonzero(sensitive(model.values, model.is_count))
    return model.cells_showing(small) | model.few_contributors


def audit(model: LinkedTables, hidden: np.ndarray, primary: np.ndarray) -> Audit:
    """Bound every hidden value as an attacker would and count those left unprotected."""
    started = time.perf_counter()
    width = required_width(model.values, model.is_count, model.shown_by(primary))
    found: Ranges = ranges(model, hidden, width)
    values = model.values[found.variables]
    is_count = model.is_count[found.variables]
    ok = protected(values, is_count, found.low, found.high, width[found.variables])
    small = sensitive(values, is_count)
    structural, programs = _structural(model, found.variables[~ok & ~small], width)
    return Audit(
        hidden_cells=int(hidden.sum()),
        hidden_values=len(found.variables),
        small_values=int(small.sum()),
        unprotected=int((~ok).sum()) - len(structural),
        structural=len(structural),
        programs=found.programs_solved + programs,
        seconds=time.perf_counter() - started,
    )


def _structural(
    model: LinkedTables, variables: np.ndarray, width: np.ndarray
) -> tuple[np.ndarray, int]:
    """Of `variables`, those determined even if every cell were hidden: what the publication's
    structure (which results exist, how they relate) gives away, not the suppression."""
    if len(variables) == 0:
        return variables, 0
    everything = np.ones(len(model.cells), dtype=bool)
    alone = ranges(model, everything, width, near=variables)
    at = np.searchsorted(alone.variables, variables)
    free = protected(
        model.values[variables],
        model.is_count[variables],
        alone.low[at],
        alone.high[at],
        width[variables],
    )
    return variables[~free], alone.programs_solved


def control(model: LinkedTables) -> Decision:
    """Hide the small counts and enough other cells that no hidden value can be worked out, and
    prove it by the audit; DisclosureError if it cannot be done."""
    started = time.perf_counter()
    primary = primary_cells(model)
    try:
        protection = Protector(model, primary).run()
    except ProtectionFailed as failed:
        raise DisclosureError(f"small cells could not be protected: {failed}") from failed
    seconds = time.perf_counter() - started
    checked = audit(model, protection.hidden, primary)
    if not checked.passed:
        raise DisclosureError(
            f"the attacker audit found {checked.unprotected} hidden values that could be "
            "worked out; nothing was published"
        )
    return Decision(protection.hidden, primary, checked, protection.programs_solved, seconds)


__all__ = [
    "AT_LEAST_SUM",
    "AT_MOST_SUM",
    "SUM",
    "Audit",
    "Decision",
    "DisclosureError",
    "LinkedTables",
    "MeasureShape",
    "Structure",
    "Total",
    "audit",
    "control",
    "linked_tables",
    "primary_cells",
]
