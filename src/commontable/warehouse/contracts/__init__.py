"""The canonical data model: every table's contract, declared once."""

from commontable.warehouse.contracts.claims import ELIGIBILITY, MEDICAL_CLAIM, PHARMACY_CLAIM
from commontable.warehouse.contracts.clinical import (
    CONDITION,
    ENCOUNTER,
    IMMUNIZATION,
    LAB_RESULT,
    MEDICATION,
    OBSERVATION,
    PATIENT,
    PROCEDURE,
)
from commontable.warehouse.contracts.feeds import ADT_EVENT, SDOH_SCREENING
from commontable.warehouse.contracts.model import (
    LINEAGE_COLUMNS,
    Column,
    Contract,
    RepeatingGroup,
)
from commontable.warehouse.contracts.roster import LOCATION, ORGANIZATION, PRACTITIONER

CONTRACTS: dict[str, Contract] = {
    c.name: c
    for c in (
        ELIGIBILITY,
        MEDICAL_CLAIM,
        PHARMACY_CLAIM,
        PATIENT,
        ENCOUNTER,
        CONDITION,
        PROCEDURE,
        LAB_RESULT,
        OBSERVATION,
        MEDICATION,
        IMMUNIZATION,
        PRACTITIONER,
        LOCATION,
        ORGANIZATION,
        ADT_EVENT,
        SDOH_SCREENING,
    )
}

__all__ = ["CONTRACTS", "LINEAGE_COLUMNS", "Column", "Contract", "RepeatingGroup"]
