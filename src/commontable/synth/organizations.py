"""The region's member organizations, their clinicians and sites: the collaborative's roster."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from commontable.synth import geography
from commontable.synth.frame import Frame, pick
from commontable.synth.identifiers import npis, tins
from commontable.synth.randomness import weighted

# (slug, name, payer_type): the three health plans, one per line of business.
PLANS = (
    ("finger-lakes-health-plan", "Finger Lakes Health Plan", "commercial"),
    ("genesee-senior-advantage", "Genesee Senior Advantage", "medicare advantage"),
    ("lakeshore-community-care", "Lakeshore Community Care", "medicaid"),
)
# (slug, name, ZIP): hospital 0 sends HL7v2 ADT, hospital 1 an adt_event Parquet file.
HOSPITALS = (
    ("lakeside-general-hospital", "Lakeside General Hospital", "14621"),
    ("genesee-valley-medical-center", "Genesee Valley Medical Center", "14623"),
)
# (slug, name, submission format) of the medical groups.
GROUPS = (
    ("flower-city-medical-group", "Flower City Medical Group", "fhir"),
    ("lake-country-physicians", "Lake Country Physicians", "csv"),
    ("valley-family-health", "Valley Family Health", "parquet"),
    ("canal-community-health", "Canal Community Health", "csv"),
)
# (name, ZIP, group): fifteen primary care clinics.
CLINICS = (
    ("Flower City Family Medicine - Downtown", "14604", 0),
    ("Flower City Family Medicine - Northeast", "14621", 0),
    ("Flower City Internal Medicine - Park Ave", "14607", 0),
    ("Flower City Primary Care - Greece", "14626", 0),
    ("Flower City Primary Care - Irondequoit", "14617", 0),
    ("Lake Country Physicians - Webster", "14580", 1),
    ("Lake Country Physicians - Penfield", "14526", 1),
    ("Lake Country Physicians - Fairport", "14450", 1),
    ("Lake Country Physicians - Newark", "14513", 1),
    ("Valley Family Health - Henrietta", "14623", 2),
    ("Valley Family Health - Pittsford", "14534", 2),
    ("Valley Family Health - Canandaigua", "14424", 2),
    ("Canal Community Health - Southwest", "14611", 3),
    ("Canal Community Health - Brockport", "14420", 3),
    ("Canal Community Health - Geneseo", "14454", 3),
)
# (slug, name, ZIP, SDOH domain served)
CBOS = (
    ("foodlink-pantry-network", "Foodlink Pantry Network", "14606", "food insecurity"),
    ("home-safe-housing-alliance", "Home Safe Housing Alliance", "14605", "housing instability"),
    ("ride-connect-transportation", "Ride Connect Transportation", "14609", "transportation"),
    ("warm-homes-energy-help", "Warm Homes Energy Help", "14613", "utilities"),
    ("safe-harbor-family-services", "Safe Harbor Family Services", "14619", "interpersonal safety"),
)
# (name, weight among commercial members): purchasers; the rest are small groups.
EMPLOYERS = (
    ("University of the Lakes", 0.24),
    ("Genesee Optics Manufacturing", 0.16),
    ("Finger Lakes Central School District", 0.12),
    ("Riverside Grocers", 0.10),
)
SMALL_GROUPS = "Small Group Pool"
PUBLIC_HEALTH = ("finger-lakes-public-health", "Finger Lakes Public Health", "14620")
COLLABORATIVE = ("finger-lakes-common-table", "Finger Lakes Common Table", "14604")
# Clinic specialties and their shares (AAMC/AAFP primary care workforce mix, rounded).
CLINIC_SPECIALTIES = ("family medicine", "internal medicine", "pediatrics", "nurse practitioner")
CLINIC_SPECIALTY_WEIGHTS = np.array([0.5, 0.25, 0.15, 0.10])
HOSPITAL_SPECIALTIES = ("emergency medicine", "hospital medicine", "cardiology", "pulmonology")
HOSPITAL_SPECIALTY_WEIGHTS = np.array([0.4, 0.4, 0.1, 0.1])


@dataclass(frozen=True)
class Org:
    """One member organization as the roster lists it."""

    id: str
    slug: str
    name: str
    type: str
    tin: str
    zip_code: str
    address: str
    npi: str | None = None
    payer_type: str | None = None
    parent: str | None = None
    group: int = -1  # a clinic's medical group (index into GROUPS)
    fmt: str = ""  # a medical group's submission format
    domain: str = ""  # a CBO's social need


@dataclass
class Roster:
    """The organizations plus their clinicians (one row each, with the org they work for)."""

    orgs: list[Org]
    practitioners: Frame = field(default_factory=dict)

    def of_type(self, kind: str) -> list[Org]:
        return [o for o in self.orgs if o.type == kind]

    @property
    def plans(self) -> list[Org]:
        return self.of_type("health plan")

    @property
    def hospitals(self) -> list[Org]:
        return self.of_type("hospital")

    @property
    def clinics(self) -> list[Org]:
        return self.of_type("clinic")

    @property
    def groups(self) -> list[Org]:
        return self.of_type("medical group")

    def npis(self) -> np.ndarray:
        """Every NPI on the roster: organizations' and clinicians'."""
        own = [o.npi for o in self.orgs if o.npi]
        return np.concatenate([np.array(own, dtype="<U10"), self.practitioners["npi"]])


def _street(rng: np.random.Generator) -> str:
    name = geography.STREETS[int(rng.integers(len(geography.STREETS)))]
    suffix = geography.SUFFIXES[int(weighted(rng, geography.SUFFIX_WEIGHTS, 1)[0])]
    return f"{int(rng.integers(10, 2500))} {name} {suffix}"


def build_roster(rng: np.random.Generator) -> Roster:
    """Every member organization with NPIs (valid check digit) and TINs, and their clinicians."""
    org_npis = iter(npis(rng, 64, entity=2))
    org_tins = iter(tins(rng, 64))
    orgs: list[Org] = []

    def add(**fields: object) -> Org:
        org = Org(tin=next(org_tins), address=_street(rng), **fields)  # type: ignore[arg-type]
        orgs.append(org)
        return org

    for i, (slug, name, payer_type) in enumerate(PLANS):
        add(
            id=f"ORG-PLAN-{i + 1}",
            slug=slug,
            name=name,
            type="health plan",
            zip_code="14604",
            payer_type=payer_type,
        )
    for i, (slug, name, zip_code) in enumerate(HOSPITALS):
        add(
            id=f"ORG-HOSP-{i + 1}",
            slug=slug,
            name=name,
            type="hospital",
            zip_code=zip_code,
            npi=next(org_npis),
        )
    groups = [
        add(
            id=f"ORG-GRP-{i + 1}",
            slug=slug,
            name=name,
            type="medical group",
            zip_code=CLINICS[[c[2] for c in CLINICS].index(i)][1],
            npi=next(org_npis),
            fmt=fmt,
        )
        for i, (slug, name, fmt) in enumerate(GROUPS)
    ]
    for i, (name, zip_code, group) in enumerate(CLINICS):
        add(
            id=f"ORG-CLIN-{i + 1:02d}",
            slug=f"clinic-{i + 1:02d}",
            name=name,
            type="clinic",
            zip_code=zip_code,
            npi=next(org_npis),
            parent=groups[group].id,
            group=group,
        )
    for i, (slug, name, zip_code, domain) in enumerate(CBOS):
        add(
            id=f"ORG-CBO-{i + 1}",
            slug=slug,
            name=name,
            type="cbo",
            zip_code=zip_code,
            domain=domain,
        )
    for i, (name, _) in enumerate(EMPLOYERS):
        add(
            id=f"ORG-EMP-{i + 1}",
            slug=f"employer-{i + 1}",
            name=name,
            type="employer",
            zip_code="14623",
        )
    add(
        id="ORG-PH-1",
        slug=PUBLIC_HEALTH[0],
        name=PUBLIC_HEALTH[1],
        type="public health",
        zip_code=PUBLIC_HEALTH[2],
    )
    add(
        id="ORG-COLLAB",
        slug=COLLABORATIVE[0],
        name=COLLABORATIVE[1],
        type="collaborative",
        zip_code=COLLABORATIVE[2],
    )
    roster = Roster(orgs)
    roster.practitioners = _practitioners(rng, roster)
    return roster


def _practitioners(rng: np.random.Generator, roster: Roster) -> Frame:
    """4-8 clinicians per clinic, 20 per hospital; `org` is the position in roster.orgs."""
    clinic_counts = rng.integers(4, 9, len(roster.clinics))
    work = [roster.orgs.index(c) for c in roster.clinics]
    org = np.concatenate(
        [np.repeat(work, clinic_counts)]
        + [np.full(20, roster.orgs.index(h)) for h in roster.hospitals]
    )
    in_clinic = np.arange(len(org)) < clinic_counts.sum()
    specialty = np.where(
        in_clinic,
        weighted(rng, CLINIC_SPECIALTY_WEIGHTS, len(org)),
        len(CLINIC_SPECIALTIES) + weighted(rng, HOSPITAL_SPECIALTY_WEIGHTS, len(org)),
    )
    female = rng.random(len(org)) < 0.5
    first_f, wf = geography.first_names("female")
    first_m, wm = geography.first_names("male")
    last, wl = geography.last_names()
    first = [
        (first_f if f else first_m)[int(i)].as_py()
        for f, i in zip(
            female,
            np.where(
                female,
                weighted(rng, wf, len(org)) % len(first_f),
                weighted(rng, wm, len(org)) % len(first_m),
            ),
            strict=True,
        )
    ]
    return {
        "npi": np.array(npis(rng, len(org), entity=1)),
        "first_name": np.array(first),
        "last_name": np.array(pick(last, weighted(rng, wl, len(org))).to_pylist()),
        "specialty": np.array(CLINIC_SPECIALTIES + HOSPITAL_SPECIALTIES)[specialty],
        "org": org,
    }
