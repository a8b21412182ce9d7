"""Measures: definitions, value sets, the engine, statistics (see ARCHITECTURE.md).

`run_measures(warehouse, 2025)` computes every measure of the library for a period and writes
`measure_patient` and `measure_result`; `MEASURES` is the library by id.

Names are imported on first use, so that reading the value sets (as the synthetic region
generator does) does not load the engine and its statistics.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from commontable.faces import offer

if TYPE_CHECKING:
    from commontable.measures.definition import Measure
    from commontable.measures.ecqm_check import check_ecqm
    from commontable.measures.engine import MeasureRun, run_measures
    from commontable.measures.entities import (
        ALL,
        CLINIC,
        COLLABORATIVE,
        COMPARED,
        ENTITY_LABELS,
        ENTITY_TYPES,
        HEALTH_PLAN,
        HOSPITAL,
        MEDICAL_GROUP,
        STRATUM_LABELS,
        STRATUM_TYPES,
    )
    from commontable.measures.fhir_export import export_fhir
    from commontable.measures.library import MEASURES
    from commontable.measures.library.cost_of_care import COST_CATEGORIES, TOTAL_COST
    from commontable.measures.period import Period

__all__ = [
    "ALL",
    "CLINIC",
    "COLLABORATIVE",
    "COMPARED",
    "COST_CATEGORIES",
    "ENTITY_LABELS",
    "ENTITY_TYPES",
    "HEALTH_PLAN",
    "HOSPITAL",
    "MEASURES",
    "MEDICAL_GROUP",
    "STRATUM_LABELS",
    "STRATUM_TYPES",
    "TOTAL_COST",
    "Measure",
    "MeasureRun",
    "Period",
    "check_ecqm",
    "export_fhir",
    "run_measures",
]
__getattr__, __dir__ = offer(__name__, __all__)
