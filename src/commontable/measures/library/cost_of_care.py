"""Total cost of care per member per month, and cost by service category (one family module).

Paid amounts of the members' medical and pharmacy claims with a service date in the period (a
claim line's start, else its claim's; a fill's dispensing date), over member-months from
eligibility (membership.member_months: a partly covered month counts whole). Members without a
claim count with 0. The interval is a normal approximation across members (results.py).

Service categories follow the Tuva Project service category grouper's first level
(docs: thetuvaproject.com, "Service Categories"), with the emergency department taken out of
outpatient and pharmacy claims kept apart, as the collaborative reports them:

* inpatient: institutional type of bill 11x, 12x (acute), 21x, 22x (skilled nursing);
  professional place of service 21 (inpatient hospital), 31, 32 (nursing facility), 34 (hospice),
  51, 55, 56 (inpatient psychiatric, residential), 61 (comprehensive inpatient rehabilitation);
* emergency department: other institutional lines with revenue code 0450-0452, 0456, 0459 or
  0981, or an ED visit HCPCS (99281-99285, G0380-G0384); professional place of service 23;
* outpatient: other institutional lines; professional places of service 12 (home), 15, 17, 19,
  22 (outpatient hospital), 24 (ambulatory surgical center), 65 (dialysis);
* office (professional office-based): places of service 11 (office), 02, 10 (telehealth), 49,
  50, 53, 71, 72 (clinics, FQHC, rural health clinic);
* pharmacy: pharmacy claims;
* other: the grouper's ancillary services (durable medical equipment HCPCS E0100-E8002 and
  ambulance A0425-A0436 on professional lines, wherever given; independent laboratory 81,
  ambulance 41/42) and the rest (no place of service...).

Each payment also keeps the NPI paid (a claim line's billing NPI, else its facility NPI; a fill's
dispensing pharmacy), so a figure can say which providers' payments make it up (providers.py).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from commontable.measures.definition import COST, Measure
from commontable.measures.library.membership import member_months
from commontable.measures.period import during
from commontable.measures.records import Records

INPATIENT, ED, OUTPATIENT, OFFICE, PHARMACY, OTHER = (
    "inpatient",
    "emergency department",
    "outpatient",
    "office",
    "pharmacy",
    "other",
)
CATEGORIES = (INPATIENT, ED, OUTPATIENT, OFFICE, PHARMACY, OTHER)
# NUBC UB-04 type of bill, first two digits (facility type and bill classification).
INPATIENT_BILLS = ("11", "12", "21", "22")
# CMS Place of Service code set (cms.gov/medicare/coding-billing/place-of-service-codes).
INPATIENT_PLACES = ("21", "31", "32", "34", "51", "55", "56", "61")
ED_PLACE = "23"
OUTPATIENT_PLACES = ("12", "15", "17", "19", "22", "24", "65")
OFFICE_PLACES = ("02", "10", "11", "49", "50", "53", "71", "72")
# NUBC revenue codes 045x emergency room (0450-0452, 0456, 0459), 0981 ER professional fees;
# CPT ED visits 99281-99285 and HCPCS G0380-G0384 (Tuva grouper, emergency department).
ED_REVENUE = ("0450", "0451", "0452", "0456", "0459", "0981")
ED_HCPCS = "99281 99282 99283 99284 99285 G0380 G0381 G0382 G0383 G0384".split()
# Tuva grouper, ancillary (professional claims): durable medical equipment HCPCS E0100-E8002,
# ambulance HCPCS A0425-A0436.
DME_HCPCS, AMBULANCE_HCPCS = ("E0100", "E8002"), ("A0425", "A0436")


def service_category(claims: ir.Table) -> ir.StringValue:
    """The service category of each medical claim line (see the module docstring)."""
    bill = claims.bill_type_code.lpad(4, "0").substr(1, 2)
    institutional = claims.bill_type_code.notnull() & (claims.bill_type_code != "")
    revenue = claims.revenue_center_code.lpad(4, "0")
    place = claims.place_of_service_code.lpad(2, "0")
    emergency = revenue.isin(ED_REVENUE) | claims.hcpcs_code.isin(ED_HCPCS)
    hcpcs = claims.hcpcs_code
    ancillary = hcpcs.between(*DME_HCPCS) | hcpcs.between(*AMBULANCE_HCPCS)
    return ibis.cases(
        (institutional & bill.isin(INPATIENT_BILLS), INPATIENT),
        (institutional & emergency.fill_null(False), ED),
        (institutional, OUTPATIENT),
        (ancillary.fill_null(False), OTHER),
        (place.isin(INPATIENT_PLACES), INPATIENT),
        (place == ED_PLACE, ED),
        (place.isin(OUTPATIENT_PLACES), OUTPATIENT),
        (place.isin(OFFICE_PLACES), OFFICE),
        else_=OTHER,
    )


def _npi(column: ir.StringValue) -> ir.StringValue:
    """An NPI as sent, null when missing or blank."""
    text = column.strip()
    return ibis.ifelse(text == "", ibis.null("string"), text)


def _payments(records: Records) -> ir.Table:
    """person_id, category, npi, paid_amount: the period's payments per member, category and NPI."""
    period = records.period
    claims = records.claims
    claims = claims.mutate(
        _when=claims.claim_line_start_date.fill_null(claims.claim_start_date),
        category=service_category(claims),
    )
    medical = claims.filter(during(claims._when, period.start, period.end)).select(
        "person_id",
        "category",
        npi=_npi(claims.billing_npi).fill_null(_npi(claims.facility_npi)),
        paid_amount="paid_amount",
    )
    parts = [medical]
    fills = records.pharmacy_claims
    if fills is not None:
        dispensed = fills.filter(during(fills.dispensing_date, period.start, period.end))
        parts.append(
            dispensed.select(
                "person_id",
                category=ibis.literal(PHARMACY),
                npi=_npi(dispensed.dispensing_provider_npi),
                paid_amount="paid_amount",
            )
        )
    rows = ibis.union(*parts, distinct=False)
    return rows.group_by(["person_id", "category", "npi"]).aggregate(
        paid_amount=rows.paid_amount.cast("decimal(18, 2)").sum()
    )


def payments(records: Records) -> ir.Table:
    """The period's payments per member, service category and NPI paid, built once per run."""
    return records.shared("payments by service category and NPI", _payments)


def _costs(records: Records) -> ir.Table:
    """person_id, category, paid_amount: the period's payments per member and category."""
    paid = payments(records)
    return paid.group_by(["person_id", "category"]).aggregate(paid_amount=paid.paid_amount.sum())


def costs(records: Records) -> ir.Table:
    """The period's payments per member and service category, built once per run."""
    return records.shared("costs by service category", _costs)


def _measure(id_: str, title: str, categories: tuple[str, ...]) -> Measure:
    def numerator(records: Records) -> ir.Table:
        found = payments(records)
        found = found.filter(found.category.isin(categories))
        return found.select("person_id", "paid_amount", provider_npi="npi")

    return Measure(
        id=id_,
        title=title,
        steward="CommonTable (service categories after the Tuva Project grouper)",
        version="1 (2025)",
        source="https://thetuvaproject.com/",
        type=COST,
        higher_is_better=False,
        codes=(),
        initial_population=member_months,
        numerator=numerator,
    )


MEASURES = (
    _measure("TCOC-PMPM", "Total cost of care per member per month", CATEGORIES),
    _measure("COST-INPATIENT-PMPM", "Inpatient cost per member per month", (INPATIENT,)),
    _measure("COST-OUTPATIENT-PMPM", "Outpatient cost per member per month", (OUTPATIENT,)),
    _measure("COST-OFFICE-PMPM", "Professional / office cost per member per month", (OFFICE,)),
    _measure("COST-ED-PMPM", "Emergency department cost per member per month", (ED,)),
    _measure("COST-PHARMACY-PMPM", "Pharmacy cost per member per month", (PHARMACY,)),
    _measure("COST-OTHER-PMPM", "Other cost per member per month", (OTHER,)),
)
# Total cost of care is the sum of its service categories (publishing.structure relies on it).
TOTAL_COST = MEASURES[0].id
COST_CATEGORIES = tuple(m.id for m in MEASURES[1:])
