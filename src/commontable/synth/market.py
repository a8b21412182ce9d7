"""The providers outside the collaborative's roster that the region's health plans pay.

A region's plans pay far more firms than the collaborative's members: specialists in independent
practice (some billing under their own individual NPI), laboratories, ambulance services, durable
medical equipment (DME) suppliers, imaging centres, endoscopy practices, skilled nursing
facilities, home health agencies, hospitals outside the region, and pharmacies (chain stores,
independents, mail order). Their NPIs (valid check digits, none on the roster) are drawn once per
region from the seed. The shares below are assumptions of the order of published market
structure, not a real region's; within a kind, firms' shares fall off as 1/rank (Zipf) unless
given.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from commontable.synth.identifiers import npis
from commontable.synth.randomness import stream, weighted

# Firms of each kind in the region (counts of the order of a 1.1 million-person metro area's
# listings in CMS's NPPES registry, much reduced).
SPECIALTY_PRACTICES = 24  # independent specialty group practices (organization NPIs)
DOCTORS_PER_PRACTICE = 4
SOLO_SPECIALISTS = 30  # specialists billing under their own individual NPI
RADIOLOGISTS = 12
GASTROENTEROLOGISTS = 8
# Laboratories: two national chains, a regional laboratory and small local ones (the two national
# laboratories hold about half of US independent lab revenue: Quest and Labcorp 10-K filings 2023).
LAB_SHARES = np.array([0.34, 0.28, 0.20, 0.08, 0.06, 0.04])
AMBULANCE_SHARES = np.array([0.42, 0.22, 0.16, 0.12, 0.08])  # a commercial service, fire/EMS
DME_SHARES = np.array([0.30, 0.26, 0.20, 0.14, 0.10])  # two national suppliers, local ones
IMAGING_CENTRES = 4
ENDOSCOPY_PRACTICES = 3
SKILLED_NURSING_FACILITIES = 8
HOME_HEALTH_AGENCIES = 6
# Hospitals outside the region: an academic medical centre and a regional referral centre.
OUT_OF_AREA_SHARES = np.array([0.65, 0.35])
HOSPITAL_STAFF = 20  # as for the member hospitals (organizations._practitioners)
# Pharmacies: (stores, share of fills). Chain and independent community pharmacies dispense most
# prescriptions, mail order about a tenth, often 90-day fills (IQVIA, "The Use of Medicines in
# the U.S." 2023, prescriptions by channel, rounded). Every store has its own NPI.
PHARMACY_CHAINS = (
    (8, 0.27),  # a regional grocery chain
    (7, 0.24),  # national drugstore chain A
    (5, 0.16),  # national drugstore chain B
    (3, 0.07),  # a regional drugstore chain
    (8, 0.12),  # independent pharmacies, one store each
)
MAIL_ORDER_SHARE = {30: 0.04, 90: 0.45}  # of fills by days supply (the rest: the usual store)


def zipf(count: int) -> np.ndarray:
    """Shares falling off as 1/rank."""
    weights = 1 / np.arange(1, count + 1)
    return weights / weights.sum()


@dataclass(frozen=True)
class Market:
    """NPIs of the non-member providers, by kind (rows of 2-D arrays: one firm's clinicians)."""

    practices: np.ndarray  # organization NPIs
    practice_doctors: np.ndarray  # practices x DOCTORS_PER_PRACTICE individual NPIs
    solo: np.ndarray  # individual NPIs
    radiologists: np.ndarray
    gastroenterologists: np.ndarray
    labs: np.ndarray
    stool_dna_lab: str  # the one laboratory that runs the multitarget stool DNA test
    ambulance: np.ndarray
    dme: np.ndarray
    imaging: np.ndarray
    endoscopy: np.ndarray
    nursing: np.ndarray
    home_health: np.ndarray
    hospitals: np.ndarray  # out of area
    hospital_staff: np.ndarray  # out-of-area hospitals x HOSPITAL_STAFF
    pharmacies: np.ndarray  # every store, chain by chain, then mail order


def build_market(seed: int, roster_npis: np.ndarray) -> Market:
    """The region's non-member providers (the same for every chunk of people)."""
    rng = stream(seed, "market")
    stores = sum(n for n, _ in PHARMACY_CHAINS) + 1
    sizes = {
        "practices": SPECIALTY_PRACTICES,
        "labs": len(LAB_SHARES) + 1,
        "ambulance": len(AMBULANCE_SHARES),
        "dme": len(DME_SHARES),
        "imaging": IMAGING_CENTRES,
        "endoscopy": ENDOSCOPY_PRACTICES,
        "nursing": SKILLED_NURSING_FACILITIES,
        "home_health": HOME_HEALTH_AGENCIES,
        "hospitals": len(OUT_OF_AREA_SHARES),
        "pharmacies": stores,
    }
    people = {
        "practice_doctors": SPECIALTY_PRACTICES * DOCTORS_PER_PRACTICE,
        "solo": SOLO_SPECIALISTS,
        "radiologists": RADIOLOGISTS,
        "gastroenterologists": GASTROENTEROLOGISTS,
        "hospital_staff": len(OUT_OF_AREA_SHARES) * HOSPITAL_STAFF,
    }
    organizations = _fresh(rng, sum(sizes.values()), 2, roster_npis)
    individuals = _fresh(rng, sum(people.values()), 1, np.concatenate([roster_npis, organizations]))
    org, ind = _split(organizations, sizes), _split(individuals, people)
    return Market(
        practices=org["practices"],
        practice_doctors=ind["practice_doctors"].reshape(SPECIALTY_PRACTICES, -1),
        solo=ind["solo"],
        radiologists=ind["radiologists"],
        gastroenterologists=ind["gastroenterologists"],
        labs=org["labs"][:-1],
        stool_dna_lab=str(org["labs"][-1]),
        ambulance=org["ambulance"],
        dme=org["dme"],
        imaging=org["imaging"],
        endoscopy=org["endoscopy"],
        nursing=org["nursing"],
        home_health=org["home_health"],
        hospitals=org["hospitals"],
        hospital_staff=ind["hospital_staff"].reshape(len(OUT_OF_AREA_SHARES), -1),
        pharmacies=org["pharmacies"],
    )


def _split(values: np.ndarray, sizes: dict[str, int]) -> dict[str, np.ndarray]:
    """Consecutive runs of `values`, named, of the given sizes."""
    parts = np.split(values, np.cumsum(list(sizes.values()))[:-1])
    return dict(zip(sizes, parts, strict=True))


def _fresh(rng: np.random.Generator, count: int, entity: int, taken: np.ndarray) -> np.ndarray:
    """`count` distinct NPIs none of which is already taken."""
    drawn = np.array(npis(rng, count + 16, entity=entity))
    return drawn[~np.isin(drawn, taken)][:count]


def pick(rng: np.random.Generator, npi: np.ndarray, shares: np.ndarray, size: int) -> np.ndarray:
    """`size` NPIs drawn with the firms' shares."""
    return npi[weighted(rng, shares, size)]


def dispensing(
    rng: np.random.Generator, market: Market, person: np.ndarray, supply: np.ndarray, people: int
) -> np.ndarray:
    """The pharmacy of each fill: mail order for some, else the person's usual store."""
    chains = len(PHARMACY_CHAINS)
    chain = weighted(rng, np.array([share for _, share in PHARMACY_CHAINS]), people)
    first = np.concatenate([[0], np.cumsum([n for n, _ in PHARMACY_CHAINS])])
    stores = np.diff(first)
    usual = first[chain] + (rng.random(people) * stores[chain]).astype(np.int64)
    mail = rng.random(len(person)) < np.where(
        supply >= 90, MAIL_ORDER_SHARE[90], MAIL_ORDER_SHARE[30]
    )
    store = np.where(mail, first[chains], usual[person])
    return market.pharmacies[store]


__all__ = ["Market", "build_market", "dispensing", "pick", "zipf"]
