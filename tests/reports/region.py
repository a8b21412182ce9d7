"""A small published region for the report's tests: members, two published periods, measures of
every kind, and suppressed cells whose figures are unique numbers, so a scan can prove that none
of them reaches the site.

2025 (the report's period) and 2024 (the baseline). Clinics: Lakeside North and South belong to
Lakeside Medical Group (one provider); Birch, Cedar, Dogwood and Elm are independent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from commontable.members.models import Organization, OrganizationType
from commontable.publishing.models import Publication, PublishedMeasure
from tests.published_results import add_cell, published_row

PERIOD, BASELINE = 2025, 2024
MEASURES = [
    ("CMS125", "Breast Cancer Screening", "proportion", True),
    ("IP-ADMISSIONS", "Inpatient admissions per 1,000 member-years", "rate per 1,000", False),
    ("HWR-30", "All-cause unplanned 30-day readmission (hospital-wide)", "proportion", False),
    ("COST-INPATIENT-PMPM", "Inpatient cost per member per month", "cost PMPM", False),
    ("TCOC-PMPM", "Total cost of care per member per month", "cost PMPM", False),
]
CLINICS = ["Lakeside North", "Lakeside South", "Birch Clinic", "Cedar Clinic", "Dogwood Clinic",
           "Elm Clinic"]  # fmt: skip
PLANS = ["Cascade Health Plan", "Genesee Health Plan"]
HOSPITAL = "Rochester General"
GROUP = "Lakeside Medical Group"
COLLABORATIVE_NAME = "Finger Lakes Common Table"


@dataclass(frozen=True)
class Secret:
    """A suppressed cell's figures: none may appear anywhere in the site."""

    denominator: int
    numerator: int
    rate: float
    ci_low: float
    ci_high: float
    reliability: float
    member_years: float | None = None


# Unique numbers: no shown cell has figures that print the same way.
PRIMARY = Secret(9187, 7, 0.4637, 0.3771, 0.5519, 0.6789)  # a clinic's CMS125, 2025
COMPLEMENT = Secret(4259, 2113, 0.4961, 0.4813, 0.5109, 0.3123)  # another clinic's CMS125, 2025
RACE = Secret(8, 5, 0.6251, 0.3059, 0.8632, 0.5317)  # the collaborative's CMS125, one race
RATE = Secret(6, 3, 517.3, 106.7, 1511.9, 0.4444, member_years=5799.3)  # an age band, 2025
SECRETS = (PRIMARY, COMPLEMENT, RACE, RATE)


def _cell(
    measure_id: str,
    entity_type: str,
    entity: str,
    denominator: int,
    numerator: int,
    rate: float,
    *,
    period: int = PERIOD,
    ci: tuple[float, float] | None = None,
    reliability: float | None = None,
    comparison: str | None = "average",
    stratum_type: str = "all",
    stratum: str = "all",
    member_years: float | None = None,
    suppression: str | None = None,
    status: str = "reported",
    providers: tuple[int, float] | None = None,
) -> dict[str, Any]:
    low, high = ci if ci is not None else (rate * 0.9, rate * 1.1)
    paid_by, largest = providers if providers is not None else (None, None)
    whole = entity_type == "collaborative"
    return published_row(
        measure_id,
        entity_type,
        "collaborative" if whole else entity,
        period=period,
        entity_name=None if whole else entity,
        stratum_type=stratum_type,
        stratum=stratum,
        status=status,
        comparison=comparison,
        suppression=suppression,
        denominator=denominator,
        numerator=numerator,
        member_years=member_years,
        rate=rate,
        ci_low=low,
        ci_high=high,
        reliability=reliability,
        providers=paid_by,
        largest_provider_share=largest,
    )


def _secret(measure_id: str, entity_type: str, entity: str, secret: Secret, **kw: Any) -> dict:
    return _cell(
        measure_id, entity_type, entity, secret.denominator, secret.numerator, secret.rate,
        ci=(secret.ci_low, secret.ci_high), reliability=secret.reliability,
        member_years=secret.member_years, comparison="worse", **kw,
    )  # fmt: skip


def cms125(period: int) -> list[dict[str, Any]]:
    """Screening: clinics with every kind of label, two suppressed cells, plans, equity views."""
    shift = 0.0 if period == PERIOD else -0.03
    cells = [
        _cell("CMS125", "collaborative", "", 2400, 1704, 0.710 + shift, period=period,
              ci=(0.692 + shift, 0.727 + shift), comparison=None),
        _cell("CMS125", "clinic", "Birch Clinic", 186, 157, 0.844 + shift, period=period,
              ci=(0.785, 0.889), reliability=0.91, comparison="better"),
        _cell("CMS125", "clinic", "Cedar Clinic", 120, 99, 0.825 + shift, period=period,
              ci=(0.748, 0.883), reliability=0.55, comparison="better"),  # significant, unreliable
        _cell("CMS125", "clinic", "Dogwood Clinic", 201, 148, 0.736 + shift, period=period,
              ci=(0.671, 0.792), reliability=0.88, comparison="average"),
        _cell("CMS125", "clinic", "Elm Clinic", 150, 84, 0.560 + shift, period=period,
              ci=(0.480, 0.637), reliability=0.86, comparison="worse"),
        _cell("CMS125", "medical_group", GROUP, 600, 420, 0.700 + shift, period=period,
              ci=(0.663, 0.735), reliability=0.93, comparison="average"),
        _cell("CMS125", "health_plan", "Cascade Health Plan", 1300, 936, 0.720 + shift,
              period=period, ci=(0.695, 0.744), reliability=0.95, comparison="average"),
        _cell("CMS125", "health_plan", "Genesee Health Plan", 1100, 770, 0.700 + shift,
              period=period, ci=(0.672, 0.726), reliability=0.94, comparison="average"),
    ]  # fmt: skip
    if period == PERIOD:
        cells += [
            _secret("CMS125", "clinic", "Lakeside North", PRIMARY, suppression="primary"),
            _secret("CMS125", "clinic", "Lakeside South", COMPLEMENT, suppression="complementary"),
            _secret("CMS125", "collaborative", "", RACE, stratum_type="race",
                    stratum="Native Hawaiian or Other Pacific Islander", suppression="primary"),
            _cell("CMS125", "collaborative", "", 1500, 1125, 0.750, stratum_type="race",
                  stratum="White", ci=(0.727, 0.772), comparison="better"),
            _cell("CMS125", "collaborative", "", 700, 441, 0.630, stratum_type="race",
                  stratum="Black or African American", ci=(0.593, 0.665), comparison="worse"),
            _cell("CMS125", "collaborative", "", 192, 138, 0.719, stratum_type="race",
                  stratum="unknown", ci=(0.651, 0.778), comparison="average"),
            _cell("CMS125", "collaborative", "", 2000, 1430, 0.715, stratum_type="payer_type",
                  stratum="commercial", ci=(0.695, 0.734), comparison="average"),
            _cell("CMS125", "collaborative", "", 400, 274, 0.685, stratum_type="payer_type",
                  stratum="medicaid", ci=(0.638, 0.729), comparison="average"),
            _cell("CMS125", "collaborative", "", 1400, 1008, 0.720, stratum_type="county",
                  stratum="Monroe", ci=(0.696, 0.743), comparison="average"),
            _cell("CMS125", "collaborative", "", 1000, 696, 0.696, stratum_type="county",
                  stratum="Ontario", ci=(0.667, 0.724), comparison="average"),
            _cell("CMS125", "collaborative", "", 300, 216, 0.720, stratum_type="ethnicity",
                  stratum="Hispanic or Latino", ci=(0.667, 0.767), comparison="average"),
        ]  # fmt: skip
    return cells


def admissions(period: int) -> list[dict[str, Any]]:
    """Admissions per 1,000: 2025 lower than 2024; age bands published in 2024 only in full."""
    rate = 80.0 if period == PERIOD else 90.0
    years = 10_000.0
    cells = [
        _cell("IP-ADMISSIONS", "collaborative", "", 10_400, int(rate * years / 1000), rate,
              period=period, member_years=years, comparison=None),
        _cell("IP-ADMISSIONS", "collaborative", "", 6_000, int(0.06 * 6_000), 60.0, period=period,
              stratum_type="age_band", stratum="18-64", member_years=6_000.0),
        _cell("IP-ADMISSIONS", "collaborative", "", 4_000, int(rate * 10 - 0.06 * 6_000),
              (rate * 10 - 360) / 4, period=period, stratum_type="age_band", stratum="65+",
              member_years=4_000.0),
    ]  # fmt: skip
    if period == PERIOD:
        cells.append(
            _secret("IP-ADMISSIONS", "collaborative", "", RATE, stratum_type="age_band",
                    stratum="0-17", suppression="primary")
        )  # fmt: skip
    return cells


def readmissions(period: int) -> list[dict[str, Any]]:
    rate = 0.12 if period == PERIOD else 0.15
    return [
        _cell("HWR-30", "collaborative", "", 1_000, int(rate * 1000), rate, period=period,
              comparison=None),
        _cell("HWR-30", "hospital", HOSPITAL, 700, int(rate * 700), rate, period=period,
              reliability=0.8, comparison="average"),
    ]  # fmt: skip


def costs() -> list[dict[str, Any]]:
    """2025 costs with the providers paid behind each: the collaborative's inpatient cost is paid
    to five providers evenly (shared); its total care is dominated by one (withheld); a plan's
    inpatient cost goes to three hospitals; a clinic's members' inpatient care to one."""
    inpatient = {"Lakeside North": 100, "Lakeside South": 100, "Birch Clinic": 200,
                 "Cedar Clinic": 200, "Dogwood Clinic": 200, "Elm Clinic": 200}  # fmt: skip
    total = {**inpatient, "Birch Clinic": 2_000}
    cells = [
        _cell("COST-INPATIENT-PMPM", "collaborative", "", 1_000, 5_000, 123.45, comparison=None,
              providers=(5, 0.20)),
        _cell("TCOC-PMPM", "collaborative", "", 3_000, 50_000, 456.78, comparison=None,
              providers=(40, 0.41)),
        _cell("COST-INPATIENT-PMPM", "health_plan", "Cascade Health Plan", 600, 3_000, 131.07,
              providers=(3, 0.5)),
        _cell("TCOC-PMPM", "health_plan", "Cascade Health Plan", 1_800, 30_000, 471.11,
              providers=(31, 0.38)),
    ]  # fmt: skip
    for name, members in inpatient.items():
        cells.append(
            _cell("COST-INPATIENT-PMPM", "clinic", name, members, members * 5, 121.21,
                  providers=(1, 1.0))
        )  # fmt: skip
    for name, members in total.items():
        cells.append(
            _cell("TCOC-PMPM", "clinic", name, members, members * 10, 444.44, providers=(12, 0.6))
        )
    return cells


def members(session: Session) -> dict[str, Organization]:
    """The member organizations, by name, on the roster (roster id = entity id)."""
    found: dict[str, Organization] = {}

    def add(name: str, kind: OrganizationType, parent: Organization | None = None) -> None:
        organization = Organization(
            name=name, type=kind, roster_id=name, parent_id=parent.id if parent else None
        )
        session.add(organization)
        session.flush()
        found[name] = organization

    add(COLLABORATIVE_NAME, OrganizationType.COLLABORATIVE)
    add(GROUP, OrganizationType.CLINIC)
    for clinic in CLINICS:
        add(
            clinic, OrganizationType.CLINIC, found[GROUP] if clinic.startswith("Lakeside") else None
        )
    for plan in PLANS:
        add(plan, OrganizationType.HEALTH_PLAN)
    add(HOSPITAL, OrganizationType.HOSPITAL)
    return found


def publish_region(session: Session) -> dict[str, Organization]:
    """Members and both periods' publications, flushed (the caller commits)."""
    organizations = members(session)
    for measure_id, title, kind, higher in MEASURES:
        session.add(
            PublishedMeasure(
                measure_id=measure_id, title=title, type=kind, steward="Steward of " + measure_id,
                version="v1", source=f"https://example.org/{measure_id}", higher_is_better=higher,
            )
        )  # fmt: skip
    session.flush()
    for period in (BASELINE, PERIOD):
        cells = cms125(period) + admissions(period) + readmissions(period)
        if period == PERIOD:
            cells += costs()
        publication = Publication(
            period=period,
            published_by="staff",
            results=len(cells),
            suppressed=sum(c["suppression"] is not None for c in cells),
        )
        session.add(publication)
        session.flush()
        for cell in cells:
            owner = organizations.get(cell["entity_id"])
            add_cell(
                session,
                publication.id,
                {**cell, "organization_id": owner.id if owner is not None else None},
            )
    session.flush()
    return organizations
