"""Roster contracts: practitioners, locations and the collaborative's member organizations."""

from commontable.warehouse.contracts import codes, vocab
from commontable.warehouse.contracts.model import Column, Contract

TUVA = "Tuva Project input layer (thetuvaproject.com/data-dictionaries)"

_address = (
    Column("address", description="street address"),
    Column("city", description="city"),
    Column("state", code_system=codes.STATE, description="state"),
    Column("zip_code", code_system=codes.ZIP, description="ZIP code"),
)

PRACTITIONER = Contract(
    "practitioner",
    "One row per clinician.",
    (
        Column("practitioner_id", required=True, description="practitioner id"),
        Column("npi", code_system=codes.NPI, description="individual NPI"),
        Column("first_name", description="given name"),
        Column("last_name", required=True, description="family name"),
        Column("practice_affiliation", description="organization_id of the clinic or group"),
        Column("specialty", description="specialty"),
        Column("sub_specialty", description="sub-specialty"),
    ),
    key=("practitioner_id",),
    source=TUVA,
)

LOCATION = Contract(
    "location",
    "One row per facility or site of care.",
    (
        Column("location_id", required=True, description="location id"),
        Column("npi", code_system=codes.NPI, description="facility NPI"),
        Column("name", required=True, description="name"),
        Column("facility_type", description="hospital, clinic, pharmacy, cbo site..."),
        Column("parent_organization", description="organization_id of the owner"),
        *_address,
        Column("county", description="county name"),
    ),
    key=("location_id",),
    source=TUVA,
)

ORGANIZATION = Contract(
    "organization",
    "The collaborative's member roster: one row per organization, with its identifiers.",
    (
        Column("organization_id", required=True, description="roster id"),
        Column("name", required=True, description="legal or common name"),
        Column(
            "organization_type", allowed=vocab.ORGANIZATION_TYPE, required=True, description="kind"
        ),
        Column(
            "parent_organization_id", description="parent organization (medical group of a clinic)"
        ),
        Column("npi", code_system=codes.NPI, description="organization NPI"),
        Column("tin", code_system=codes.TIN, description="taxpayer id"),
        Column(
            "payer_type", allowed=vocab.PAYER_TYPE, description="line of business of a health plan"
        ),
        *_address,
        Column("county", description="county name"),
    ),
    key=("organization_id",),
)
