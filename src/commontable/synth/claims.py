"""Medical and pharmacy claims: each billable event priced and sent to the plan covering it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from commontable.synth import codes
from commontable.synth.coverage import plan_of, state_on
from commontable.synth.frame import DAY, Frame, concat, nrows
from commontable.synth.medications import ALL_DRUGS

DX_SLOTS = 4


def price_of(table: dict[str, int], code: np.ndarray) -> np.ndarray:
    """Prices of codes, looked up once per distinct code."""
    distinct, inverse = np.unique(code, return_inverse=True)
    return np.array([float(table[c]) for c in distinct])[inverse] if len(code) else np.zeros(0)


def claim_lines(
    rng: np.random.Generator,
    person: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    claim_type: str,
    price: np.ndarray,
    dx: np.ndarray,
    **columns: np.ndarray,
) -> Frame:
    """One claim line per row, with its claim id placeholder and base (Medicare-level) price."""
    n = len(person)
    frame = {
        "person": person,
        "claim_start_date": start,
        "claim_end_date": end,
        "claim_type": np.full(n, claim_type),
        "price": price.astype(float),
        "claim_key": np.arange(n),
        "claim_line_number": np.ones(n, np.int64),
    }
    for slot in range(DX_SLOTS):
        frame[f"diagnosis_code_{slot + 1}"] = dx[:, slot] if dx.ndim == 2 else dx
    frame.update(columns)
    return frame


def professional_claims(
    rng: np.random.Generator,
    visits: Frame,
    ed: Frame,
    stays: Frame,
    results: Frame,
    npi: dict[str, np.ndarray],
) -> Frame:
    """Office, ED physician, hospitalist and screening/lab lines (CMS-1500)."""
    n_v = len(visits["person"])
    office = claim_lines(
        rng,
        visits["person"],
        visits["start"],
        visits["start"],
        "professional",
        price_of(codes.PRICE, visits["cpt"]),
        visits["dx"],
        hcpcs_code=visits["cpt"],
        place_of_service_code=np.full(n_v, "11"),
        rendering_npi=npi["practitioner"][visits["practitioner"]],
        billing_npi=npi["clinic"][visits["clinic"]],
    )
    n_e = len(ed["person"])
    ed_doc = claim_lines(
        rng,
        ed["person"],
        ed["start"],
        ed["start"],
        "professional",
        price_of(codes.PRICE, ed["cpt"]),
        ed["dx"],
        hcpcs_code=ed["cpt"],
        place_of_service_code=np.full(n_e, "23"),
        rendering_npi=_hospital_doctor(rng, ed["hospital"], npi),
        billing_npi=npi["hospital"][ed["hospital"]],
    )
    n_s = len(stays["person"])
    doctor = _hospital_doctor(rng, stays["hospital"], npi)
    first = claim_lines(
        rng,
        stays["person"],
        stays["start"],
        stays["end"],
        "professional",
        np.full(n_s, codes.PRICE["99223"]),
        stays["dx_all"],
        hcpcs_code=np.full(n_s, "99223"),
        place_of_service_code=np.full(n_s, "21"),
        rendering_npi=doctor,
        billing_npi=npi["hospital"][stays["hospital"]],
        claim_line_start_date=stays["start"],
        claim_line_end_date=stays["start"],
    )
    last = dict(first)
    last.update(
        hcpcs_code=np.full(n_s, "99238"),
        price=np.full(n_s, float(codes.PRICE["99238"])),
        claim_line_number=np.full(n_s, 2),
        claim_line_start_date=stays["end"],
        claim_line_end_date=stays["end"],
    )
    first["claim_key"] = last["claim_key"] = np.arange(n_s) + n_v + n_e
    billed = results["cpt"] != ""
    int(billed.sum())
    pos = np.where(
        np.isin(results["cpt"][billed], ["77067"]),
        "22",
        np.where(results["cpt"][billed] == "45378", "24", "11"),
    )
    lab = claim_lines(
        rng,
        results["person"][billed],
        results["date"][billed],
        results["date"][billed],
        "professional",
        price_of(codes.PRICE, results["cpt"][billed]),
        results["dx"][billed],
        hcpcs_code=results["cpt"][billed],
        place_of_service_code=pos,
        rendering_npi=npi["clinic"][np.maximum(results["clinic"][billed], 0)],
        billing_npi=npi["clinic"][np.maximum(results["clinic"][billed], 0)],
    )
    ed_doc["claim_key"] = ed_doc["claim_key"] + n_v
    lab["claim_key"] = lab["claim_key"] + n_v + n_e + n_s
    return concat([complete(x) for x in (office, ed_doc, first, last, lab)])


def _hospital_doctor(
    rng: np.random.Generator, hospital: np.ndarray, npi: dict[str, np.ndarray]
) -> np.ndarray:
    staff = npi["hospital_staff"]  # hospitals x staff
    return staff[hospital, rng.integers(0, staff.shape[1], len(hospital))]


def institutional_claims(
    rng: np.random.Generator, ed: Frame, stays: Frame, npi: dict[str, np.ndarray]
) -> Frame:
    """UB-04 claims: ED visits (bill type 131, revenue 0450) and stays (bill type 111, MS-DRG)."""
    n_e = len(ed["person"])
    ed_fac = claim_lines(
        rng,
        ed["person"],
        ed["start"],
        ed["start"],
        "institutional",
        price_of(codes.ED_FACILITY_PRICE, ed["cpt"]),
        ed["dx"],
        bill_type_code=np.full(n_e, "131"),
        revenue_center_code=np.full(n_e, "0450"),
        hcpcs_code=ed["cpt"],
        facility_npi=npi["hospital"][ed["hospital"]],
        billing_npi=npi["hospital"][ed["hospital"]],
        discharge_disposition_code=np.full(n_e, "01"),
    )
    n = len(stays["person"])
    los = ((stays["end"] - stays["start"]) / DAY).astype(np.int64)
    total = stays["weight"] * codes.MEDICARE_BASE_RATE
    base = dict(
        bill_type_code=np.full(n, "111"),
        drg_code=stays["drg"],
        admission_date=stays["start"],
        discharge_date=stays["end"],
        admit_type_code=np.where(stays["via_ed"], "1", "3"),
        admit_source_code=np.where(
            stays["transfer_in"], codes.TRANSFER_IN, np.where(stays["via_ed"], "1", "2")
        ),
        procedure_code_1=np.array([codes.DRG_PROCEDURE.get(int(f), "") for f in stays["family"]]),
        procedure_date_1=np.where(
            np.isin(stays["family"], list(codes.DRG_PROCEDURE)),
            stays["start"],
            np.datetime64("NaT"),
        ).astype("datetime64[D]"),
        discharge_disposition_code=stays["disposition"],
        facility_npi=npi["hospital"][stays["hospital"]],
        billing_npi=npi["hospital"][stays["hospital"]],
        **{
            f"diagnosis_poa_{s + 1}": np.where(stays["dx_all"][:, s] != "", "Y", "")
            for s in range(DX_SLOTS)
        },
    )
    frames = []
    for line, (revenue, share) in enumerate(
        (("0120", 0.62), ("0250", 0.14), ("0300", 0.12), ("0450", 0.12))
    ):
        lines = claim_lines(
            rng,
            stays["person"],
            stays["start"],
            stays["end"],
            "institutional",
            total * share,
            stays["dx_all"],
            revenue_center_code=np.full(n, revenue),
            service_unit_quantity=np.where(line == 0, np.maximum(los, 1), 1).astype(float),
            **base,
        )
        lines["claim_key"] = np.arange(n) + n_e
        lines["claim_line_number"] = np.full(n, line + 1)
        keep = stays["via_ed"] if revenue == "0450" else np.ones(n, bool)
        frames.append({k: v[keep] for k, v in lines.items()})
    return concat([complete(ed_fac)] + [complete(f) for f in frames])


COLUMNS = (
    "hcpcs_code",
    "place_of_service_code",
    "rendering_npi",
    "billing_npi",
    "facility_npi",
    "bill_type_code",
    "revenue_center_code",
    "drg_code",
    "admit_type_code",
    "admit_source_code",
    "discharge_disposition_code",
    *(f"diagnosis_poa_{s + 1}" for s in range(DX_SLOTS)),
    "procedure_code_1",
)
DATES = (
    "claim_line_start_date",
    "claim_line_end_date",
    "admission_date",
    "discharge_date",
    "procedure_date_1",
)


def complete(frame: Frame) -> Frame:
    """Every claim frame with the same columns (empty where a form has no such field)."""
    n = len(frame["person"])
    for column in COLUMNS:
        frame.setdefault(column, np.full(n, "", dtype="<U10"))
    for column in DATES:
        frame.setdefault(column, np.full(n, np.datetime64("NaT"), dtype="datetime64[D]"))
    frame.setdefault("service_unit_quantity", np.ones(n))
    return frame


def stacked(frames: Sequence[Frame]) -> Frame:
    """Claim frames one after another, their claim keys kept apart (a claim's lines share one)."""
    out = []
    offset = 0
    for frame in frames:
        if not nrows(frame):
            continue
        keys = frame["claim_key"] + offset
        offset = int(keys.max()) + 1
        out.append({**frame, "claim_key": keys})
    return concat(out)


def price_and_route(rng: np.random.Generator, lines: Frame, coverage: Frame, prefix: str) -> Frame:
    """Lines of covered claims, with plan, payment amounts and claim ids; others are dropped."""
    state, span = state_on(coverage, lines["person"], lines["claim_start_date"])
    plan = plan_of(state)
    keep = plan >= 0
    lines = {k: v[keep] for k, v in lines.items()}
    plan, span = plan[keep], span[keep]
    n = len(plan)
    institutional = lines["claim_type"] == "institutional"
    factor = np.where(
        institutional, codes.PAYER_FACTOR_FACILITY[plan], codes.PAYER_FACTOR_PROFESSIONAL[plan]
    )
    allowed = np.round(lines["price"] * factor * rng.lognormal(0, 0.08, n), 2)
    share = np.where(plan == 0, rng.uniform(0.05, 0.25, n), np.where(plan == 1, 0.1, 0.0))
    lines["allowed_amount"] = allowed
    lines["paid_amount"] = np.round(allowed * (1 - share), 2)
    lines["charge_amount"] = np.round(
        lines["price"] * codes.CHARGE_RATIO * rng.uniform(0.9, 1.2, n), 2
    )
    lines["plan_index"] = plan
    lines["span"] = span
    claim = lines["claim_key"]
    lag = rng.integers(14, 46, n)
    lines["paid_date"] = lines["claim_end_date"] + lag[np.searchsorted(np.unique(claim), claim) % n]
    lines["claim_number"] = np.unique(claim, return_inverse=True)[1]
    lines["diagnosis_code_type"] = np.full(n, "icd-10-cm")
    return lines


def pharmacy_claims(
    rng: np.random.Generator,
    fill: Frame,
    coverage: Frame,
    prescriber: np.ndarray,
    pharmacy: np.ndarray,
) -> Frame:
    """Pharmacy claims (NCPDP-style) for fills on days the person is covered by a member plan;
    `pharmacy` is the dispensing pharmacy's NPI of each fill."""
    state, span = state_on(coverage, fill["person"], fill["date"])
    plan = plan_of(state)
    keep = plan >= 0
    fill = {k: v[keep] for k, v in fill.items()}
    pharmacy = pharmacy[keep]
    plan, span = plan[keep], span[keep]
    n = len(plan)
    price = np.array([d.price_30 for d in ALL_DRUGS])[fill["drug"]] * fill["supply"] / 30
    allowed = np.round(price * rng.lognormal(0, 0.05, n), 2)
    copay = np.where(plan == 2, 1.0, np.where(fill["supply"] == 90, 20.0, 10.0))
    copay = np.minimum(copay, allowed)
    return {
        "person": fill["person"],
        "plan_index": plan,
        "span": span,
        "dispensing_date": fill["date"],
        "ndc_code": np.array([d.ndc for d in ALL_DRUGS])[fill["drug"]],
        "quantity": fill["supply"].astype(float),
        "days_supply": fill["supply"],
        "refills": fill["refill"],
        "paid_date": fill["date"] + rng.integers(1, 4, n),
        "allowed_amount": allowed,
        "paid_amount": np.round(allowed - copay, 2),
        "charge_amount": np.round(allowed * 1.25, 2),
        "copayment_amount": copay,
        "prescribing_provider_npi": prescriber[fill["person"]],
        "dispensing_provider_npi": pharmacy,
    }
