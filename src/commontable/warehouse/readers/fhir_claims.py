"""FHIR Coverage and ExplanationOfBenefit mapped to eligibility, medical and pharmacy claims."""

from __future__ import annotations

from commontable.warehouse.readers.base import ROW_REF, RowProblem
from commontable.warehouse.readers.fhir_common import (
    CODE_TYPES,
    Resource,
    Row,
    Sink,
    code_of,
    code_type,
    day,
    npi_of,
    number,
    pick_coding,
    ref_id,
    row_ref,
)

ELIGIBILITY_COLUMNS = (
    "person_id", "member_id", "subscriber_id", "gender", "race", "ethnicity", "birth_date",
    "death_date", "death_flag", "enrollment_start_date", "enrollment_end_date", "payer",
    "payer_type", "plan", "employer_group", "first_name", "last_name", "social_security_number",
    "subscriber_relation", "address", "city", "state", "zip_code", "phone", ROW_REF,
)  # fmt: skip
MEDICAL_CLAIM_COLUMNS = (
    "claim_id", "claim_line_number", "claim_type", "person_id", "payer", "claim_start_date",
    "claim_end_date", "claim_line_start_date", "claim_line_end_date", "admission_date",
    "discharge_date", "admit_source_code", "admit_type_code", "discharge_disposition_code",
    "place_of_service_code", "bill_type_code", "drg_code", "revenue_center_code",
    "service_unit_quantity", "hcpcs_code", "hcpcs_modifier_1", "hcpcs_modifier_2",
    "rendering_npi", "billing_npi", "facility_npi", "paid_date", "paid_amount", "allowed_amount",
    "charge_amount", "diagnosis_code_type", "procedure_code_type", ROW_REF,
)  # fmt: skip
PHARMACY_CLAIM_COLUMNS = (
    "claim_id", "claim_line_number", "person_id", "payer", "prescribing_provider_npi",
    "dispensing_provider_npi", "dispensing_date", "ndc_code", "quantity", "days_supply",
    "refills", "paid_date", "paid_amount", "allowed_amount", "charge_amount",
    "copayment_amount", ROW_REF,
)  # fmt: skip
# Patient columns an eligibility row takes from the member's Patient resource.
DEMOGRAPHICS = {
    "gender": "sex", "race": "race", "ethnicity": "ethnicity", "birth_date": "birth_date",
    "death_date": "death_date", "death_flag": "death_flag", "first_name": "first_name",
    "last_name": "last_name", "social_security_number": "social_security_number",
    "address": "address", "city": "city", "state": "state", "zip_code": "zip_code",
    "phone": "phone",
}  # fmt: skip

SOPT_SYSTEMS = ("urn:oid:2.16.840.1.113883.3.221.5", "https://nahdo.org/sopt")
# PHDSC Source of Payment Typology (nahdo.org/sopt): longest prefix wins.
SOPT_PREFIXES = (
    ("11", "medicare advantage"),  # Medicare managed care
    ("1", "medicare"),
    ("2", "medicaid"),
    ("5", "commercial"),  # private health insurance
    ("6", "commercial"),  # Blue Cross / Blue Shield
    ("81", "self-pay"),
    ("3", "other"),
    ("4", "other"),
    ("7", "other"),
    ("8", "other"),
    ("9", "other"),
)
SELF_PAY_SYSTEM = "http://terminology.hl7.org/CodeSystem/coverage-selfpay"
PAYER_WORDS = (
    ("medicare advantage", "medicare advantage"),
    ("medicaid", "medicaid"),
    ("medicare", "medicare"),
    ("self-pay", "self-pay"),
    ("self pay", "self-pay"),
    ("commercial", "commercial"),
)
# terminology.hl7.org/CodeSystem/claim-type -> the contract's claim_type
CLAIM_TYPES = {
    "institutional": "institutional",
    "professional": "professional",
    "oral": "dental",
    "vision": "vision",
}
# terminology.hl7.org/CodeSystem/adjudication, CARIN BB C4BBAdjudication, Blue Button 2.0 variables
AMOUNTS = {
    "submitted": "charge_amount",
    "eligible": "allowed_amount",
    "benefit": "paid_amount",
    "paidtoprovider": "paid_amount",
    "copay": "copayment_amount",
    "line_sbmtd_chrg_amt": "charge_amount",
    "line_alowd_chrg_amt": "allowed_amount",
    "line_nch_pmt_amt": "paid_amount",
}
# CARIN BB C4BBSupportingInfoType codes -> columns
SUPPORTING_CODES = {
    "pointoforigin": "admit_source_code",
    "admtype": "admit_type_code",
    "discharge-status": "discharge_disposition_code",
    "typeofbill": "bill_type_code",
    "drg": "drg_code",
    "dayssupply": "days_supply",
    "refillnum": "refills",
}
RENDERING_ROLES = ("performing", "rendering", "primary", "attending")
WIDE_SLOTS = 25


def _payer_type(res: Resource, payer: str | None) -> str | None:
    concept = res.get("type") or {}
    words = [concept.get("text") or ""]
    for coding in concept.get("coding") or ():
        code, system = str(coding.get("code") or ""), coding.get("system")
        if system in SOPT_SYSTEMS:
            for prefix, kind in SOPT_PREFIXES:
                if code.startswith(prefix):
                    return kind
        if system == SELF_PAY_SYSTEM and code == "pay":
            return "self-pay"
        words.append(coding.get("display") or "")
    words.append(payer or "")
    text = " ".join(words).lower()
    for word, kind in PAYER_WORDS:
        if word in text:
            return kind
    return None


def coverage(res: Resource, sink: Sink) -> None:
    aliases = sink.aliases
    payors: list[Resource] = res.get("payor") or [{}]
    payer_ref = (payors[0].get("reference") or "").rpartition("/")[0]
    payer = payors[0].get("display")
    if payer is None and payer_ref.endswith(("Patient", "RelatedPerson")):
        payer = "self-pay"
    classes: dict[str, str | None] = {}
    for item in res.get("class") or ():
        code = code_of(item.get("type"))
        if code and code not in classes:
            classes[code] = item.get("name") or item.get("value")
    member_id = None
    for identifier in res.get("identifier") or ():
        if code_of(identifier.get("type")) == "MB":  # v2-0203 member number
            member_id = identifier.get("value")
    period = res.get("period") or {}
    row: Row = {
        "person_id": ref_id(res.get("beneficiary"), aliases),
        "member_id": member_id or res.get("subscriberId"),
        "subscriber_id": res.get("subscriberId"),
        "enrollment_start_date": day(period.get("start")),
        "enrollment_end_date": day(period.get("end")),
        "payer": payer,
        "payer_type": _payer_type(res, payer),
        "plan": classes.get("plan"),
        "employer_group": classes.get("group"),
        "subscriber_relation": code_of(res.get("relationship")),
        ROW_REF: row_ref(res),
    }
    sink.coverages.append((sink.file_name, row, ref_id(payors[0], aliases)))


def finish_coverages(sink: Sink) -> None:
    """Eligibility rows, once every Patient and Organization of the submission has been read."""
    for file_name, row, payer_id in sink.coverages:
        person = sink.people.get(row["person_id"] or "")
        if person is None:  # eligibility needs the member's sex and birth date
            reason = (
                f"its beneficiary Patient/{row['person_id']} is not in the submission; "
                "send the Patient resources too (they give sex and birth date)"
            )
            sink.problems.append(RowProblem(file_name, row[ROW_REF] or "", reason, "eligibility"))
            continue
        for column, source in DEMOGRAPHICS.items():
            row[column] = person.get(source)
        if row["payer"] is None and payer_id:
            row["payer"] = sink.organizations.get(payer_id, payer_id)
            row["payer_type"] = row["payer_type"] or _payer_type({}, row["payer"])
        sink.file_name = file_name
        sink.table("eligibility", ELIGIBILITY_COLUMNS).add(row)
    sink.coverages.clear()


def _amounts(entries: list[Resource] | None) -> Row:
    """Amount columns of adjudications (or totals) by category; the first of each kind wins."""
    found: Row = {}
    for entry in entries or ():
        code = code_of(entry.get("category")) or ""
        column = AMOUNTS.get(code.rpartition("/")[2])
        value = (entry.get("amount") or {}).get("value")
        if column and value is not None and column not in found:
            found[column] = number(value)
    return found


def _supporting(res: Resource) -> Row:
    found: Row = {}
    for info in res.get("supportingInfo") or ():
        category = code_of(info.get("category"))
        if category == "admissionperiod":
            period = info.get("timingPeriod") or {}
            found["admission_date"] = day(period.get("start"))
            found["discharge_date"] = day(period.get("end"))
        elif category in SUPPORTING_CODES:
            quantity = info.get("valueQuantity")
            value = number(quantity.get("value")) if quantity else code_of(info.get("code"))
            found[SUPPORTING_CODES[category]] = value
    return found


def _care_team_npi(res: Resource, roles: tuple[str, ...]) -> str | None:
    for member in res.get("careTeam") or ():
        if code_of(member.get("role")) in roles:
            npi = npi_of(member.get("provider"))
            if npi:
                return npi
    return None


def _wide(res: Resource, sink: Sink) -> tuple[Row, Row]:
    """The wide diagnosis and procedure slots by sequence, and their code types."""
    wide: Row = {}
    types: Row = {}
    for kind, concept_key in (
        ("diagnosis", "diagnosisCodeableConcept"),
        ("procedure", "procedureCodeableConcept"),
    ):
        for entry in res.get(kind) or ():
            sequence = entry.get("sequence")
            coding = pick_coding(entry.get(concept_key), ("icd-10-cm", "icd-10-pcs"))
            if coding is None:
                continue  # a diagnosisReference to a Condition carries no code here
            if not isinstance(sequence, int) or not 1 <= sequence <= WIDE_SLOTS:
                reason = (
                    f"{kind} sequence {sequence} is not 1-{WIDE_SLOTS}; that {kind} is left out"
                )
                sink.problem(res, reason, "medical_claim")
                continue
            wide[f"{kind}_code_{sequence}"] = coding["code"]
            types.setdefault(f"{kind}_code_type", code_type(coding.get("system")))
            if kind == "diagnosis":
                poa = code_of(entry.get("onAdmission"))
                if poa:
                    wide[f"diagnosis_poa_{sequence}"] = poa
            elif entry.get("date"):
                wide[f"procedure_date_{sequence}"] = day(entry["date"])
    return wide, types


def _product_code(item: Resource, wanted: tuple[str, ...]) -> str | None:
    """The item's code of a wanted code type, or a code given without a system."""
    for coding in (item.get("productOrService") or {}).get("coding") or ():
        system = coding.get("system")
        if system is None or CODE_TYPES.get(system) in wanted:
            return coding.get("code")
    return None


def _lines(res: Resource) -> list[tuple[Resource, Row]]:
    """Each item with its amounts; a claim without items is one line with the header's totals."""
    header = _amounts(res.get("total"))
    payment = (res.get("payment") or {}).get("amount") or {}
    if "paid_amount" not in header and payment.get("value") is not None:
        header["paid_amount"] = number(payment["value"])
    items = res.get("item") or [{"sequence": 1}]
    lines = []
    for position, item in enumerate(items):
        amounts = _amounts(item.get("adjudication"))
        if not amounts:  # totals only: they go on the first line so the lines sum to the claim
            amounts = header if position == 0 else dict.fromkeys(header, "0")
        lines.append((item, amounts))
    return lines


def explanation_of_benefit(res: Resource, sink: Sink) -> None:
    aliases = sink.aliases
    kind = code_of(res.get("type"))
    claim_id = res["id"]
    for identifier in res.get("identifier") or ():
        if code_of(identifier.get("type")) == "uc":  # CARIN BB unique claim id
            claim_id = identifier.get("value") or claim_id
    billable = res.get("billablePeriod") or {}
    insurer = res.get("insurer") or {}
    header: Row = {
        "claim_id": claim_id,
        "person_id": ref_id(res.get("patient"), aliases),
        "payer": insurer.get("display") or ref_id(insurer, aliases),
        "paid_date": day((res.get("payment") or {}).get("date")),
        ROW_REF: row_ref(res),
    }
    header.update(_supporting(res))
    if kind == "pharmacy":
        _pharmacy(res, sink, header, billable)
        return
    wide, types = _wide(res, sink)
    header.update(types)
    header.update(
        {
            "claim_type": CLAIM_TYPES.get(kind or "", kind),
            "claim_start_date": day(billable.get("start")),
            "claim_end_date": day(billable.get("end")),
            "rendering_npi": _care_team_npi(res, RENDERING_ROLES),
            "billing_npi": npi_of(res.get("provider")),
            "facility_npi": npi_of(res.get("facility")),
        }
    )
    rows = []
    for item, amounts in _lines(res):
        period = item.get("servicedPeriod") or {}
        modifiers = [code_of(m) for m in item.get("modifier") or ()]
        row = dict(header)
        row.update(amounts)
        row.update(
            {
                "claim_line_number": number(item.get("sequence")),
                "claim_line_start_date": day(item.get("servicedDate") or period.get("start")),
                "claim_line_end_date": day(item.get("servicedDate") or period.get("end")),
                "place_of_service_code": code_of(item.get("locationCodeableConcept")),
                "revenue_center_code": code_of(item.get("revenue")),
                "service_unit_quantity": number((item.get("quantity") or {}).get("value")),
                "hcpcs_code": _product_code(item, ("cpt", "hcpcs")),
                "hcpcs_modifier_1": modifiers[0] if modifiers else None,
                "hcpcs_modifier_2": modifiers[1] if len(modifiers) > 1 else None,
            }
        )
        rows.append(row)
    table = sink.table("medical_claim", MEDICAL_CLAIM_COLUMNS)
    for row in rows:  # added only once the whole resource was read
        table.add(row, wide)


def _pharmacy(res: Resource, sink: Sink, header: Row, billable: Resource) -> None:
    header["prescribing_provider_npi"] = _care_team_npi(res, ("prescribing",))
    header["dispensing_provider_npi"] = npi_of(res.get("provider"))
    rows = []
    for item, amounts in _lines(res):
        row = dict(header)
        row.update(amounts)
        row["claim_line_number"] = number(item.get("sequence"))
        row["dispensing_date"] = day(item.get("servicedDate") or billable.get("start"))
        row["ndc_code"] = _product_code(item, ("ndc",))
        row["quantity"] = number((item.get("quantity") or {}).get("value"))
        rows.append(row)
    table = sink.table("pharmacy_claim", PHARMACY_CLAIM_COLUMNS)
    for row in rows:
        table.add(row)
