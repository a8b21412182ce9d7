"""Cut each member's submission out of the simulated world, in the format that member sends."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from commontable.synth import (
    adt,
    ancillary,
    claims,
    ehr,
    fhir_ndjson,
    hl7_adt,
    market,
    noise,
    roster_tables,
    sdoh,
)
from commontable.synth.coverage import (
    FIRST_EMPLOYER,
    MEDICAID,
    MEDICARE_ADVANTAGE,
    PLAN_OF_STATE,
    SMALL_GROUP,
)
from commontable.synth.frame import Frame, ids, take, to_table
from commontable.synth.numbering import Serials
from commontable.synth.organizations import COLLABORATIVE, EMPLOYERS, SMALL_GROUPS, Roster
from commontable.synth.world import World
from commontable.synth.writers import Sink

Record = Callable[[str, str, str, pa.Array, np.ndarray], None]  # slug, table, file, ids, persons
DX = [f"diagnosis_code_{s + 1}" for s in range(claims.DX_SLOTS)]
POA = [f"diagnosis_poa_{s + 1}" for s in range(claims.DX_SLOTS)]
CLAIM_COLUMNS = [
    "claim_id",
    "claim_line_number",
    "claim_type",
    "person_id",
    "member_id",
    "payer",
    "plan",
    "claim_start_date",
    "claim_end_date",
    "claim_line_start_date",
    "claim_line_end_date",
    "admission_date",
    "discharge_date",
    "admit_source_code",
    "admit_type_code",
    "discharge_disposition_code",
    "place_of_service_code",
    "bill_type_code",
    "drg_code",
    "revenue_center_code",
    "service_unit_quantity",
    "hcpcs_code",
    "rendering_npi",
    "billing_npi",
    "facility_npi",
    "paid_date",
    "paid_amount",
    "allowed_amount",
    "charge_amount",
    "diagnosis_code_type",
    *DX,
    *POA,
    "procedure_code_1",
    "procedure_date_1",
]


def npi_arrays(world: World) -> dict[str, np.ndarray]:
    roster = world.roster
    staff = roster.practitioners
    hospital_staff = np.concatenate(
        [
            np.stack(
                [staff["npi"][staff["org"] == roster.orgs.index(h)] for h in roster.hospitals]
            ),
            world.market.hospital_staff,
        ]
    )
    pcp = np.where(
        world.practitioner[:, -1] >= 0, staff["npi"][np.maximum(world.practitioner[:, -1], 0)], ""
    )
    return {
        "practitioner": staff["npi"],
        "clinic": np.array([c.npi for c in roster.clinics]),
        # The member hospitals, then those outside the region (utilization numbers them so).
        "hospital": np.concatenate(
            [np.array([h.npi for h in roster.hospitals]), world.market.hospitals]
        ),
        "hospital_staff": hospital_staff,
        "pcp": pcp,
    }


def _view(
    world: World, slug: str, persons: np.ndarray, profile: noise.Profile, npi: dict[str, np.ndarray]
) -> tuple[Frame, np.ndarray]:
    """A source's roster of the people and the map person -> roster row (-1 when absent)."""
    persons = np.unique(persons)
    view = noise.source_view(
        world.stream(f"noise/{slug}"),
        world.people,
        persons,
        profile,
        world.part.id_range(10**7, 10**8),
    )
    view["pcp_npi"] = npi["pcp"][persons]
    row_of = np.full(len(world.people["person"]), -1)
    row_of[persons] = np.arange(len(persons))
    return view, row_of


def payer_files(
    world: World, out: Path, npi: dict[str, np.ndarray], record: Record, sink: Sink
) -> None:
    """eligibility.csv, medical_claim.csv and pharmacy_claim.csv of each health plan."""
    rng = world.stream("claims")
    professional = claims.professional_claims(
        rng, world.visits, world.ed, world.stays, world.records, npi
    )
    institutional = claims.institutional_claims(rng, world.ed, world.stays, npi)
    outside = world.stream("care outside the members")
    ancillary.send_out(outside, professional, world, npi)
    lines = [
        claims.price_and_route(rng, professional, world.coverage, "P"),
        claims.price_and_route(rng, institutional, world.coverage, "I"),
    ]
    lines = [
        claims.stacked([routed, claims.price_and_route(outside, more, world.coverage, tag)])
        for routed, more, tag in zip(
            lines, ancillary.care_outside(outside, world, npi), "PI", strict=True
        )
    ]
    fills = world.fills
    pharmacy = claims.pharmacy_claims(
        rng,
        fills,
        world.coverage,
        npi["pcp"],
        market.dispensing(
            world.stream("pharmacies"),
            world.market,
            fills["person"],
            fills["supply"],
            len(world.people["person"]),
        ),
    )
    serials = world.part.serials
    cov = dict(world.coverage)
    cov["span_id"] = np.arange(len(cov["person"]))
    plan_of_span = PLAN_OF_STATE[cov["state"]]
    for p, plan in enumerate(world.roster.plans):
        spans = take(cov, plan_of_span == p)
        view, row_of = _view(world, plan.slug, spans["person"], noise.PAYER, npi)
        ids_of = partial(_ids_of, view, row_of)
        folder = out / plan.slug
        n = len(spans["person"])
        rows = row_of[spans["person"]]
        member = partial(_member, view, rows)

        product = _product(spans, rng)
        eligibility = {
            "person_id": ids_of(spans["person"]),
            "member_id": ids_of(spans["person"]),
            "subscriber_id": ids_of(spans["person"]),
            "gender": member("sex"),
            "race": member("race"),
            "ethnicity": member("ethnicity"),
            "birth_date": member("birth_date"),
            "death_date": member("death_date"),
            "death_flag": ~np.isnat(member("death_date")),
            "enrollment_start_date": spans["start_date"],
            "enrollment_end_date": spans["end_date"],
            "payer": np.full(n, plan.name),
            "payer_type": np.full(n, plan.payer_type),
            "plan": product,
            "employer_group": _employer(spans["state"]),
            "original_reason_entitlement_code": np.where(
                spans["state"] == MEDICARE_ADVANTAGE, "0", ""
            ),
            "medicare_status_code": np.where(spans["state"] == MEDICARE_ADVANTAGE, "10", ""),
            "first_name": member("first_name"),
            "last_name": member("last_name"),
            "social_security_number": member("ssn"),
            "subscriber_relation": np.full(n, "self"),
            "address": member("address"),
            "city": member("city"),
            "state": np.full(n, "NY"),
            "zip_code": member("zip_code"),
            "phone": member("phone"),
            "attributed_npi": npi["pcp"][spans["person"]],
        }
        sink.table(eligibility, folder / "eligibility.csv")
        record(plan.slug, "eligibility", "eligibility.csv", view["person_id"], view["person"])
        medical = [
            _claim_frame(
                take(x, x["plan_index"] == p),
                plan.name,
                product_of(spans, product),
                ids_of,
                tag,
                serials,
                plan.slug,
            )
            for x, tag in zip(lines, "PI", strict=True)
        ]
        table = pa.concat_tables([to_table(m, CLAIM_COLUMNS) for m in medical])
        sink.table(table, folder / "medical_claim.csv")
        rx = take(pharmacy, pharmacy["plan_index"] == p)
        k = len(rx["person"])
        rx_frame = {
            "claim_id": ids("R", serials.take(f"{plan.slug}/R", k), 10),
            "claim_line_number": np.ones(k, np.int64),
            "person_id": ids_of(rx["person"]),
            "member_id": ids_of(rx["person"]),
            "payer": np.full(k, plan.name),
            "plan": product_of(spans, product)(rx["span"]),
            **{
                c: rx[c]
                for c in (
                    "prescribing_provider_npi",
                    "dispensing_provider_npi",
                    "dispensing_date",
                    "ndc_code",
                    "quantity",
                    "days_supply",
                    "refills",
                    "paid_date",
                    "paid_amount",
                    "allowed_amount",
                    "charge_amount",
                    "copayment_amount",
                )
            },
        }
        sink.table(rx_frame, folder / "pharmacy_claim.csv")


def _ids_of(view: Frame, row_of: np.ndarray, persons: np.ndarray) -> pa.Array:
    return view["person_id"].take(pa.array(row_of[persons]))


def _member(view: Frame, rows: np.ndarray, column: str) -> Any:
    values = view[column]
    return values.take(pa.array(rows)) if isinstance(values, pa.Array) else values[rows]


def product_of(spans: Frame, product: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """Map a global coverage span index to the plan product of that span."""
    lookup = np.full(
        int(spans["span_id"].max()) + 1 if len(spans["span_id"]) else 1, "", dtype="<U40"
    )
    lookup[spans["span_id"]] = product
    return lambda span: lookup[span]


def _product(spans: Frame, rng: np.random.Generator) -> np.ndarray:
    state = spans["state"]
    young = spans["start_date"] > np.datetime64("2000-01-01")
    commercial = np.where(spans["person"] % 3 == 0, "Choice PPO", "Select HMO")
    return np.where(
        state == MEDICAID,
        np.where(young, "Child Health Plus", "Medicaid Managed Care"),
        np.where(state == MEDICARE_ADVANTAGE, "Senior Advantage HMO", commercial),
    )


def _employer(state: np.ndarray) -> np.ndarray:
    names = np.array(["", *(e for e, _ in EMPLOYERS), SMALL_GROUPS])
    index = np.where(
        (state >= FIRST_EMPLOYER) & (state <= SMALL_GROUP), state - FIRST_EMPLOYER + 1, 0
    )
    return names[index]


def _claim_frame(
    lines: Frame,
    payer: str,
    product: Callable[[np.ndarray], np.ndarray],
    ids_of: Callable[[np.ndarray], pa.Array],
    tag: str,
    serials: Serials,
    slug: str,
) -> Frame:
    n = len(lines["person"])
    keys, number = np.unique(lines["claim_key"], return_inverse=True)
    frame = dict(lines)
    frame["claim_id"] = ids(tag, serials.take(f"{slug}/{tag}", len(keys))[number], 10)
    frame["person_id"] = frame["member_id"] = ids_of(lines["person"])
    frame["payer"] = np.full(n, payer)
    frame["plan"] = product(lines["span"])
    frame["paid_date"] = lines["claim_end_date"] + (14 + (lines["claim_key"] * 7919) % 32)
    return frame


def collaborative_files(roster: Roster, out: Path, sink: Sink) -> None:
    """The collaborative's roster files, written once per region."""
    folder = out / COLLABORATIVE[0]
    sink.table(roster_tables.organization(roster), folder / "organization.csv")
    sink.table(roster_tables.practitioner(roster), folder / "practitioner.csv")
    sink.table(roster_tables.location(roster), folder / "location.csv")


__all__ = [
    "adt",
    "collaborative_files",
    "ehr",
    "fhir_ndjson",
    "hl7_adt",
    "npi_arrays",
    "payer_files",
    "sdoh",
]
