"""FHIR Patient, Practitioner, Location and Encounter mapped to their canonical tables, as text."""

from __future__ import annotations

from typing import Any

from commontable.warehouse.readers.base import ROW_REF
from commontable.warehouse.readers.fhir_common import (
    NPI_SYSTEM,
    SSN_SYSTEM,
    Resource,
    Row,
    Sink,
    clinician,
    code_of,
    code_type,
    day,
    digits,
    npi_of,
    pick_coding,
    ref_id,
    row_ref,
)

PATIENT_COLUMNS = (
    "person_id", "first_name", "last_name", "sex", "race", "ethnicity", "birth_date",
    "death_date", "death_flag", "social_security_number", "address", "city", "state",
    "zip_code", "county", "phone", "primary_care_npi", ROW_REF,
)  # fmt: skip
PRACTITIONER_COLUMNS = ("practitioner_id", "npi", "first_name", "last_name", ROW_REF)
LOCATION_COLUMNS = (
    "location_id", "npi", "name", "facility_type", "parent_organization", "address", "city",
    "state", "zip_code", "county", ROW_REF,
)  # fmt: skip
ENCOUNTER_COLUMNS = (
    "encounter_id", "person_id", "encounter_type", "encounter_start_date", "encounter_end_date",
    "encounter_code_type", "encounter_code", "admit_source_code", "discharge_disposition_code",
    "attending_provider_id", "facility_id", "facility_name", ROW_REF,
)  # fmt: skip

RACE_URL = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race"
ETHNICITY_URL = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity"
# US Core OMB race and ethnicity categories (CDC Race & Ethnicity code set,
# urn:oid:2.16.840.1.113883.6.238; hl7.org/fhir/us/core/ValueSet/omb-race-category and
# omb-ethnicity-category) and v3 NullFlavor.
OMB_CATEGORIES = {
    "2106-3": "white",
    "2054-5": "black or african american",
    "2028-9": "asian",
    "1002-5": "american indian or alaska native",
    "2076-8": "native hawaiian or other pacific islander",
    "2131-1": "other race",
    "2135-2": "hispanic or latino",
    "2186-5": "not hispanic or latino",
    "ASKU": "unknown",
    "UNK": "unknown",
}
# v3-ActCode encounter classes (terminology.hl7.org/ValueSet/v3-ActEncounterCode) -> encounter_type.
ENCOUNTER_CLASSES = {
    "AMB": "office visit",
    "EMER": "emergency department",
    "IMP": "acute inpatient",
    "ACUTE": "acute inpatient",
    "NONAC": "skilled nursing",
    "OBSENC": "observation",
    "SS": "observation",
    "VR": "telehealth",
    "HH": "home health",
    "FLD": "other",
    "PRENC": "other",
}
# terminology.hl7.org/CodeSystem/discharge-disposition -> NUBC UB-04 FL17 patient discharge status.
DISCHARGE_DISPOSITIONS = {
    "home": "01",
    "alt-home": "01",
    "other-hcf": "70",
    "hosp": "50",  # hospice, at home
    "long": "63",
    "aadvice": "07",
    "exp": "20",
    "psy": "65",
    "rehab": "62",
    "snf": "03",
    "oth": "70",
}
HL7_DISCHARGE_SYSTEM = "http://terminology.hl7.org/CodeSystem/discharge-disposition"
# SNOMED CT discharges the eCQM Hospice library names (direct reference codes in Hospice.cql,
# eCQM 2025) -> NUBC UB-04 FL17: 50 hospice - home, 51 hospice - medical facility.
SNOMED_DISCHARGES = {"428361000124107": "50", "428371000124100": "51"}
SNOMED_SYSTEM = "http://snomed.info/sct"
# terminology.hl7.org/CodeSystem/admit-source -> NUBC UB-04 FL15 point of origin, where one fits.
ADMIT_SOURCES = {
    "hosp-trans": "4",
    "psych": "4",
    "nursing": "5",
    "rehab": "6",
    "gp": "2",
    "mp": "2",
    "outp": "2",
}
HL7_ADMIT_SOURCE_SYSTEM = "http://terminology.hl7.org/CodeSystem/admit-source"
ENCOUNTER_CODE_TYPES = ("cpt", "hcpcs", "snomed-ct")
# v3-ParticipationType: attender first, then primary performer.
PARTICIPANT_RANK = {"ATND": 0, "PPRF": 1}


def _preferred(items: list[Resource] | None, uses: tuple[str, ...]) -> Resource | None:
    """The first item whose `use` comes first in `uses`, else the first item that is not old."""
    if not items:
        return None
    for use in uses:
        for item in items:
            if item.get("use") == use:
                return item
    current = [i for i in items if i.get("use") != "old"]
    return current[0] if current else None


def _omb(extensions: list[Resource], url: str) -> str | None:
    """The OMB category of a US Core race/ethnicity extension; several races -> `other race`."""
    found: list[str] = []
    for extension in extensions:
        if extension.get("url") != url:
            continue
        for part in extension.get("extension") or ():
            if part.get("url") == "ombCategory":
                code = (part.get("valueCoding") or {}).get("code")
                if code:
                    found.append(OMB_CATEGORIES.get(code, code))
    if len(set(found)) > 1 and url == RACE_URL:
        return "other race"  # the contract has one race column and no "two or more races"
    return found[0] if found else None


def patient(res: Resource, sink: Sink) -> None:
    name = _preferred(res.get("name"), ("official", "usual")) or {}
    given = name.get("given")
    address = _preferred(res.get("address"), ("home",)) or {}
    lines = address.get("line")
    telecom = res.get("telecom")
    phones = [t for t in telecom if t.get("system") == "phone"] if telecom else None
    phone = _preferred(phones, ("home", "mobile", "work")) or {}
    extensions = res.get("extension") or ()
    death_date = day(res.get("deceasedDateTime"))
    deceased = res.get("deceasedBoolean")
    if death_date:
        death_flag: str | None = "true"
    else:
        death_flag = None if deceased is None else ("true" if deceased else "false")
    ssn = None
    for identifier in res.get("identifier") or ():
        if identifier.get("system") == SSN_SYSTEM:
            ssn = identifier.get("value")
    pcp = None
    for reference in res.get("generalPractitioner") or ():
        pcp = pcp or npi_of(reference)
    gender = res.get("gender")
    row: Row = {
        "person_id": res["id"],
        "first_name": given[0] if given else None,
        "last_name": name.get("family"),
        "sex": gender.lower() if isinstance(gender, str) else None,
        "race": _omb(extensions, RACE_URL) if extensions else None,
        "ethnicity": _omb(extensions, ETHNICITY_URL) if extensions else None,
        "birth_date": res.get("birthDate"),
        "death_date": death_date,
        "death_flag": death_flag,
        "social_security_number": ssn,
        "address": ", ".join(lines) if lines else None,
        "city": address.get("city"),
        "state": address.get("state"),
        "zip_code": address.get("postalCode"),
        "county": address.get("district"),
        "phone": digits(phone.get("value")),
        "primary_care_npi": pcp,
        ROW_REF: row_ref(res),
    }
    sink.people[res["id"]] = row
    sink.table("patient", PATIENT_COLUMNS).add(row)


def _npi(res: Resource) -> str | None:
    for identifier in res.get("identifier") or ():
        if identifier.get("system") == NPI_SYSTEM:
            return identifier.get("value")
    return None


def practitioner(res: Resource, sink: Sink) -> None:
    name = _preferred(res.get("name"), ("official", "usual")) or {}
    given = name.get("given")
    sink.table("practitioner", PRACTITIONER_COLUMNS).add(
        {
            "practitioner_id": res["id"],
            "npi": _npi(res),
            "first_name": given[0] if given else None,
            "last_name": name.get("family"),
            ROW_REF: row_ref(res),
        }
    )


def location(res: Resource, sink: Sink) -> None:
    address = res.get("address") or {}
    lines = address.get("line")
    kinds = res.get("type")
    kind = pick_coding(kinds[0], ()) if kinds else None
    sink.table("location", LOCATION_COLUMNS).add(
        {
            "location_id": res["id"],
            "npi": _npi(res),
            "name": res.get("name"),
            "facility_type": (kind.get("display") or kind.get("code")) if kind else None,
            "parent_organization": ref_id(res.get("managingOrganization"), sink.aliases),
            "address": ", ".join(lines) if lines else None,
            "city": address.get("city"),
            "state": address.get("state"),
            "zip_code": address.get("postalCode"),
            "county": address.get("district"),
            ROW_REF: row_ref(res),
        }
    )


def _class_code(value: Any) -> str | None:
    """Encounter.class is a Coding in R4 (a list of CodeableConcepts in R5)."""
    if isinstance(value, dict):
        return value.get("code")
    if isinstance(value, list) and value:
        return code_of(value[0])
    return None


def _discharge(concept: Resource | None) -> str | None:
    for coding in (concept or {}).get("coding") or ():
        code = coding.get("code")
        if coding.get("system") == HL7_DISCHARGE_SYSTEM:
            return DISCHARGE_DISPOSITIONS.get(code)
        if coding.get("system") == SNOMED_SYSTEM and code in SNOMED_DISCHARGES:
            return SNOMED_DISCHARGES[code]
        if code:
            return str(code)
    return None


def _admit_source(concept: Resource | None) -> str | None:
    for coding in (concept or {}).get("coding") or ():
        code = coding.get("code")
        if coding.get("system") == HL7_ADMIT_SOURCE_SYSTEM:
            return ADMIT_SOURCES.get(code)  # emd, born, other have no NUBC point of origin
        if code:
            return str(code)
    return None


def _attending(participants: list[Resource], aliases: dict[str, str]) -> str | None:
    best, best_rank = None, 99
    for participant in participants:
        rank = 2
        for concept in participant.get("type") or ():
            for coding in concept.get("coding") or ():
                rank = min(rank, PARTICIPANT_RANK.get(coding.get("code"), 2))
        if rank < best_rank and participant.get("individual"):
            best, best_rank = participant["individual"], rank
    return clinician(best, aliases)


def encounter(res: Resource, sink: Sink) -> None:
    aliases = sink.aliases
    code = _class_code(res.get("class"))
    types = res.get("type")
    coding = None
    if types:
        coding = pick_coding(
            {"coding": [c for t in types for c in t.get("coding") or ()]}, ENCOUNTER_CODE_TYPES
        )
    period = res.get("period") or {}
    stay = res.get("hospitalization") or {}
    provider = res.get("serviceProvider")
    locations = res.get("location")
    place = locations[0].get("location") if locations else None
    participants = res.get("participant")
    sink.table("encounter", ENCOUNTER_COLUMNS).add(
        {
            "encounter_id": res["id"],
            "person_id": ref_id(res.get("subject"), aliases),
            "encounter_type": ENCOUNTER_CLASSES.get(code, "other") if code else None,
            "encounter_start_date": day(period.get("start")),
            "encounter_end_date": day(period.get("end")),
            "encounter_code_type": code_type(coding.get("system")) if coding else None,
            "encounter_code": coding.get("code") if coding else None,
            "admit_source_code": _admit_source(stay.get("admitSource")) if stay else None,
            "discharge_disposition_code": _discharge(stay.get("dischargeDisposition")),
            "attending_provider_id": _attending(participants, aliases) if participants else None,
            "facility_id": npi_of(provider) or ref_id(place, aliases) or ref_id(provider, aliases),
            "facility_name": (place or {}).get("display") or (provider or {}).get("display"),
            ROW_REF: row_ref(res),
        }
    )
