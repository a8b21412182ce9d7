"""The warehouse part: canonical data model, intake, and the patient-level store behind Ibis."""

from __future__ import annotations

from typing import TYPE_CHECKING

from commontable.faces import offer

if TYPE_CHECKING:
    from commontable.warehouse.contracts import CONTRACTS, Column, Contract
    from commontable.warehouse.contracts.vocab import ADT_EVENTS
    from commontable.warehouse.dictionary import data_dictionary, write_templates
    from commontable.warehouse.encryption import load_crypto
    from commontable.warehouse.intake import (
        Admission,
        SubmissionResult,
        load_submission,
        submissions_in,
    )
    from commontable.warehouse.readers.fhir import MAPPERS
    from commontable.warehouse.readers.hl7v2 import adt_message
    from commontable.warehouse.readers.limits import limits_of
    from commontable.warehouse.readers.workers import die_with
    from commontable.warehouse.reading import Tables, reading_copy
    from commontable.warehouse.schema import MEASURE_RESULT, REVIEW_DEMOGRAPHICS
    from commontable.warehouse.store import Warehouse, connect
    from commontable.warehouse.submissions import (
        find_submission,
        quarantine_csv,
        quarantine_reasons,
        quarantine_rows,
        submission_log,
        upload_outcome,
        upload_target,
    )
    from commontable.warehouse.turns import writing

__all__ = [
    "ADT_EVENTS",
    "CONTRACTS",
    "MAPPERS",
    "MEASURE_RESULT",
    "REVIEW_DEMOGRAPHICS",
    "Admission",
    "Column",
    "Contract",
    "SubmissionResult",
    "Tables",
    "Warehouse",
    "adt_message",
    "connect",
    "data_dictionary",
    "die_with",
    "find_submission",
    "limits_of",
    "load_crypto",
    "load_submission",
    "quarantine_csv",
    "quarantine_reasons",
    "quarantine_rows",
    "reading_copy",
    "submission_log",
    "submissions_in",
    "upload_outcome",
    "upload_target",
    "write_templates",
    "writing",
]
__getattr__, __dir__ = offer(__name__, __all__)
