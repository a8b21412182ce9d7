"""The identifiers organizations are known by: the NPI, the TIN and the data source key."""

from __future__ import annotations

import re

from commontable.errors import UserError

# CMS NPI standard: the check digit is the Luhn digit of the 9-digit base prefixed by 80840,
# whose own contribution to the Luhn sum is the constant 24.
_NPI_PREFIX_SUM = 24


def npi_check_digit(base: str) -> int:
    """The check digit for a 9-digit NPI base (CMS: Luhn over 80840 + base)."""
    total = _NPI_PREFIX_SUM
    for position, char in enumerate(reversed(base)):
        digit = int(char)
        if position % 2 == 0:  # from the right, every other digit doubles
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return (10 - total % 10) % 10


def npi_is_valid(npi: str) -> bool:
    """True for ten digits whose last is the check digit of the first nine."""
    return (
        len(npi) == 10
        and npi.isascii()
        and npi.isdigit()
        and npi_check_digit(npi[:9]) == int(npi[9])
    )


def normalise_npi(value: str) -> str:
    """An NPI as stored (ten digits); spaces and hyphens are dropped, a bad check digit refused."""
    npi = value.replace(" ", "").replace("-", "")
    if not npi_is_valid(npi):
        raise UserError(
            f"NPI '{value}' is not valid: an NPI has 10 digits and its last digit is a check "
            "digit (look it up in the NPPES NPI Registry, npiregistry.cms.hhs.gov)"
        )
    return npi


def normalise_tin(value: str) -> str:
    """A taxpayer identification number as stored (nine digits, hyphen dropped: 12-3456789)."""
    tin = value.replace(" ", "").replace("-", "")
    if not (len(tin) == 9 and tin.isascii() and tin.isdigit()):
        raise UserError(f"TIN '{value}' is not valid: a TIN has 9 digits, e.g. 12-3456789")
    return tin


DATA_SOURCE_LENGTH = 64
_DATA_SOURCE = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")


def data_source_from_name(name: str) -> str:
    """The data source key an organization gets by default: its name as a slug.

    >>> data_source_from_name("St. Mary's Hospital & Clinics")
    'st-mary-s-hospital-clinics'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:DATA_SOURCE_LENGTH].rstrip("-") or "organization"


def normalise_data_source(value: str) -> str:
    """A data source key as stored: the name the warehouse files a member's submissions under."""
    key = value.strip().lower()
    if len(key) > DATA_SOURCE_LENGTH or not _DATA_SOURCE.fullmatch(key):
        raise UserError(
            f"data source '{value}' is not valid: use lower-case letters, digits and single "
            f"hyphens or underscores (at most {DATA_SOURCE_LENGTH}), e.g. cascade-health-plan"
        )
    return key
