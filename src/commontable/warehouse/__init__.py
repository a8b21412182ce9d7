"""The warehouse part: canonical data model, intake, and the patient-level store behind Ibis."""

from commontable.warehouse.contracts import CONTRACTS, Column, Contract
from commontable.warehouse.intake import (
    Admission,
    SubmissionResult,
    load_submission,
    submissions_in,
)
from commontable.warehouse.store import Warehouse, connect

__all__ = [
    "CONTRACTS",
    "Column",
    "Contract",
    "SubmissionResult",
    "Warehouse",
    "connect",
    "load_submission",
    "Admission",
    "submissions_in",
]
