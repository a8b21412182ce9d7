"""Code systems that contract columns are checked against: format, and the full list where known."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CodeSystem:
    """A code system: values are upper-cased and stripped of `strip` characters, then checked."""

    name: str
    pattern: str
    source: str
    strip: str = ""
    codes: frozenset[str] | None = None  # the complete list, where it is small enough to ship
    reference_list: str | None = None  # a large list kept as a warehouse reference table
    check: str | None = None  # an extra check digit rule, by name
    hint: str = ""


ICD10CM = CodeSystem(
    "ICD-10-CM",
    r"^[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}$",
    "CMS/CDC ICD-10-CM code files (through the simple-icd-10-cm package)",
    strip=".",
    reference_list="icd10cm",
    hint="an ICD-10-CM code such as E11.9 or E119",
)
ICD10PCS = CodeSystem(
    "ICD-10-PCS",
    r"^[0-9A-HJ-NP-Z]{7}$",
    "CMS ICD-10-PCS: seven characters, digits and letters except I and O",
    hint="a seven-character ICD-10-PCS code",
)
HCPCS = CodeSystem(
    "CPT/HCPCS",
    r"^([0-9]{4}[0-9FTU]|[A-V][0-9]{4})$",
    "AMA CPT (5 digits; category II/III/PLA end in F/T/U), CMS HCPCS Level II (letter + 4 digits)",
    hint="a five-character CPT or HCPCS code such as 99213 or G0121",
)
NDC = CodeSystem(
    "NDC (11-digit)",
    r"^[0-9]{11}$",
    "FDA National Drug Code in the 11-digit 5-4-2 billing format",
    strip="-",
    hint="an 11-digit NDC (5-4-2, hyphens allowed)",
)
LOINC = CodeSystem(
    "LOINC",
    r"^[0-9]{1,7}-[0-9]$",
    "Regenstrief LOINC code format (number, hyphen, check digit)",
    hint="a LOINC code such as 4548-4",
)
CVX = CodeSystem("CVX", r"^[0-9]{1,3}$", "CDC vaccine administered (CVX) codes", hint="a CVX code")
SNOMED = CodeSystem(
    "SNOMED CT", r"^[0-9]{6,18}$", "SNOMED CT concept identifiers", hint="a SNOMED CT id"
)
RXNORM = CodeSystem("RxNorm", r"^[0-9]{1,8}$", "NLM RxNorm concept ids (RXCUI)", hint="an RXCUI")
NPI = CodeSystem(
    "NPI",
    r"^[0-9]{10}$",
    "CMS NPI standard: 10 digits, Luhn check digit over the prefix 80840",
    check="npi_luhn",
    hint="a 10-digit NPI with a valid check digit",
)
TIN = CodeSystem("TIN", r"^[0-9]{9}$", "IRS employer identification number", strip="-")
REVENUE = CodeSystem(
    "Revenue code",
    r"^[0-9]{4}$",
    "NUBC UB-04 revenue codes, four digits with leading zero",
    hint="a four-digit revenue code such as 0450",
)
BILL_TYPE = CodeSystem(
    "Type of bill", r"^0?[1-8][1-9][0-9A-Z]$", "NUBC UB-04 type of bill", hint="e.g. 111 or 0131"
)
MS_DRG = CodeSystem("MS-DRG", r"^[0-9]{3}$", "CMS MS-DRG, three digits", hint="e.g. 291")
ZIP = CodeSystem("ZIP code", r"^[0-9]{5}([0-9]{4})?$", "USPS ZIP / ZIP+4", strip="-")
SSN = CodeSystem("SSN", r"^[0-9]{9}$", "Social Security number, 9 digits", strip="-")
PHONE = CodeSystem("Phone", r"^[0-9]{10}$", "NANP 10-digit phone number", strip="-() .+")
ADMIT_SOURCE = CodeSystem("Point of origin", r"^[0-9A-GZ]$", "NUBC UB-04 point of origin")
ADMIT_TYPE = CodeSystem(
    "Priority of admission", r"^[1-59]$", "NUBC UB-04 priority (type) of admission"
)

# CMS Place of Service Code Set (cms.gov/medicare/coding-billing/place-of-service-codes).
PLACE_OF_SERVICE = CodeSystem(
    "Place of service",
    r"^[0-9]{2}$",
    "CMS Place of Service Code Set",
    codes=frozenset(
        [f"{n:02d}" for n in range(1, 28)]
        + ["31", "32", "33", "34", "41", "42"]
        + [f"{n}" for n in range(49, 59)]
        + ["60", "61", "62", "65", "66", "71", "72", "81", "99"]
    ),
    hint="a two-digit CMS place of service code such as 11 (office)",
)

# NUBC UB-04 FL17 patient discharge status codes.
DISCHARGE_DISPOSITION = CodeSystem(
    "Discharge status",
    r"^[0-9]{2}$",
    "NUBC UB-04 patient discharge status (FL17)",
    codes=frozenset(
        "01 02 03 04 05 06 07 09 20 21 30 40 41 42 43 50 51 61 62 63 64 65 66 69 70".split()
        + [str(n) for n in range(81, 96)]
    ),
    hint="a two-digit discharge status such as 01 (home) or 06 (home health)",
)

US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
    "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR VI GU AS MP".split()
)
STATE = CodeSystem("US state", r"^[A-Z]{2}$", "USPS state abbreviations", codes=US_STATES)
