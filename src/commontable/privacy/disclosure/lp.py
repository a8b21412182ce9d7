"""A linear program held open in HiGHS, so that many small changes are re-solved from the last
basis (hot start) instead of from scratch.

HiGHS (Huangfu and Hall, "Parallelizing the dual revised simplex method", Math. Prog. Comp. 2018;
https://highs.dev, MIT licence) through its maintained Python interface, highspy.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import numpy as np
from scipy import sparse

INFINITY = np.inf


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """HiGHS prints a banner when a solver is made, before its output can be turned off."""
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


class Program:
    """min cost @ x subject to row_lower <= A @ x <= row_upper, lower <= x <= upper."""

    def __init__(
        self,
        matrix: sparse.spmatrix,
        row_lower: np.ndarray,
        row_upper: np.ndarray,
        lower: np.ndarray,
        upper: np.ndarray,
        cost: np.ndarray,
    ) -> None:
        import highspy

        self._highspy = highspy
        with _quiet():
            self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("random_seed", 0)
        columns = sparse.csc_matrix(matrix)
        lp = highspy.HighsLp()
        lp.num_col_ = columns.shape[1]
        lp.num_row_ = columns.shape[0]
        lp.col_cost_ = np.asarray(cost, dtype=np.float64)
        lp.col_lower_ = np.asarray(lower, dtype=np.float64)
        lp.col_upper_ = np.asarray(upper, dtype=np.float64)
        lp.row_lower_ = np.asarray(row_lower, dtype=np.float64)
        lp.row_upper_ = np.asarray(row_upper, dtype=np.float64)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = columns.indptr.astype(np.int32)
        lp.a_matrix_.index_ = columns.indices.astype(np.int32)
        lp.a_matrix_.value_ = columns.data.astype(np.float64)
        self.highs.passModel(lp)
        self.columns = columns.shape[1]
        self.solves = 0

    def set_cost(self, columns: np.ndarray, cost: np.ndarray) -> None:
        if len(columns):
            self.highs.changeColsCost(
                len(columns), columns.astype(np.int32), np.asarray(cost, dtype=np.float64)
            )

    def set_bounds(self, columns: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        if len(columns):
            self.highs.changeColsBounds(
                len(columns),
                columns.astype(np.int32),
                np.asarray(lower, dtype=np.float64),
                np.asarray(upper, dtype=np.float64),
            )

    def solve(self) -> np.ndarray | None:
        """The optimal x, or None when the program is infeasible or unbounded."""
        self.highs.run()
        self.solves += 1
        status = self.highs.getModelStatus()
        if status != self._highspy.HighsModelStatus.kOptimal:
            return None
        return np.asarray(self.highs.getSolution().col_value)
