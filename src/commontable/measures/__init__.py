"""Measures: definitions, value sets, the engine, statistics (see ARCHITECTURE.md).

`run_measures(warehouse, 2025)` computes every measure of the library for a period and writes
`measure_patient` and `measure_result`; `MEASURES` is the library by id.

Names are imported on first use, so that reading the value sets (as the synthetic region
generator does) does not load the engine and its statistics.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from commontable.measures.definition import Measure
    from commontable.measures.engine import MeasureRun, run_measures
    from commontable.measures.library import MEASURES
    from commontable.measures.period import Period

_PUBLIC = {
    "MEASURES": "commontable.measures.library",
    "Measure": "commontable.measures.definition",
    "MeasureRun": "commontable.measures.engine",
    "Period": "commontable.measures.period",
    "run_measures": "commontable.measures.engine",
}


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_PUBLIC[name]), name)


__all__ = ["MEASURES", "Measure", "MeasureRun", "Period", "run_measures"]
