"""Care the plans pay firms outside the collaborative for: specialists, imaging, laboratories,
ambulance transports, medical equipment and post-acute care, as unpriced claim lines.

Cut from the simulated world (market.py names the firms):

* specialists: some problem-oriented primary care visits lead to a specialist episode (a new
  patient visit, then follow-ups), with the visit's diagnoses; the specialist works for a member
  hospital, an independent group practice or alone (billing under an individual NPI); some
  episodes order imaging, at an imaging centre or a hospital;
* routine tests ordered at problem visits, and the tests the clinics used to bill themselves,
  mostly sent out to laboratories (place of service 81); screening mammograms read at imaging
  centres or hospitals, colonoscopies done in endoscopy centres or hospitals;
* ambulance transports to the emergency department, for admissions and for transfers (place of
  service 41: a base rate line and a mileage line);
* durable medical equipment at home (place of service 12): oxygen for some people with COPD,
  CPAP for some adults (sleep apnoea), walkers for some people 75 and older;
* skilled nursing stays after discharges to a SNF (NUBC status 03, type of bill 21x) and home
  health periods after discharges to home health care (status 06, type of bill 32x).
"""

from __future__ import annotations

import numpy as np

from commontable.synth import codes
from commontable.synth.claims import DX_SLOTS, claim_lines, complete, price_of, stacked
from commontable.synth.frame import Frame, dates, days
from commontable.synth.market import (
    AMBULANCE_SHARES,
    DME_SHARES,
    LAB_SHARES,
    SPECIALTY_PRACTICES,
    Market,
    pick,
    zipf,
)
from commontable.synth.people import age_on
from commontable.synth.randomness import weighted
from commontable.synth.world import World

# Referrals: 9.3% of US ambulatory visits ended in a referral in 2009 (Barnett, Song and Landon,
# JAMA Intern Med 2012); with self-referral and standing specialist care, an assumption of 20%
# of problem visits, which makes specialists about a quarter of office visits (fewer than the
# half of office visits CDC NAMCS 2016 National Summary Tables count at specialists').
REFERRAL_RATE = 0.20
FOLLOW_UPS = 1.5  # further visits per episode (an assumption)
# Where specialists work: about a third of physicians are employed by hospitals or health
# systems, 13% are in solo practice (AMA Physician Practice Benchmark Survey 2022, rounded).
HOSPITAL_SPECIALISTS, SOLO_SPECIALISTS = 0.35, 0.13
IMAGING_SHARE = 0.3  # specialist episodes with an imaging study (an assumption)
HOSPITAL_IMAGING = 0.45  # imaging and mammograms billed by hospital outpatient departments
HOSPITAL_ENDOSCOPY = 0.3  # colonoscopies in hospital outpatient departments, the rest in ASCs
LAB_SENT_OUT = 0.8  # laboratory tests sent out; the rest done in the office (CLIA-waived)
PANEL_SHARE, PANEL_TESTS = 0.25, 2  # problem visits with routine tests; tests: 1 to this
STOOL_DNA, MAMMOGRAPHY, COLONOSCOPY = "81528", "77067", "45378"
# Arrivals by ambulance: 16% of ED visits (CDC NHAMCS 2021 ED summary tables), more among the
# admitted; inter-hospital transfers go by ambulance. ALS shares are an assumption.
AMBULANCE_ED, AMBULANCE_ADMISSION = 0.14, 0.40
ALS_SHARE_ED, ALS_SHARE_ADMISSION = 0.35, 0.70
MILES = 7  # mean loaded miles beyond the first three (an assumption for a metro area)
# Home oxygen: an assumption, of the order of long-term oxygen use among people with COPD
# (ATS/ERS; LOTT trial background: about 1 in 4 to 1 in 5 of moderate-severe COPD).
OXYGEN_SHARE = 0.2
OXYGEN_DX = "J44.9"
# CPAP: about 1 in 40 adults 30 and older treated for obstructive sleep apnoea (an assumption of
# the order of AASM's estimate that most of the ~30 million US adults with OSA are undiagnosed).
CPAP_SHARE, CPAP_AGE, CPAP_DX, CPAP_MONTHS = 0.025, 30, "G47.33", 13  # capped rental (CMS)
WALKER_RATE, WALKER_AGE, WALKER_DX = 0.04, 75, "M17.9"  # per year (an assumption)
# Skilled nursing: MedPAC (March 2024) reports Medicare SNF stays of about 25 days on average.
SNF_STAY_DAYS = 25
HOME_HEALTH_SECOND_PERIOD = 0.4  # periods of home health after a discharge: 1, sometimes 2
TO_SNF, TO_HOME_HEALTH = "03", "06"  # NUBC patient discharge status


def _favourite(world: World, person: np.ndarray) -> np.ndarray:
    """The member hospital a person uses (the urban one in town), as in utilization.py."""
    return np.where(world.people["urban"][person], 0, 1)


def _alive(world: World, person: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days inside the simulated years on which the person is alive."""
    last = np.datetime64(f"{world.years[-1]}-12-31")
    death = world.death[person]
    return (day <= last) & (np.isnat(death) | (day < death))


def _only(dx: str, n: int) -> np.ndarray:
    """Diagnosis slots holding one code (the rest empty)."""
    slots = np.full((n, DX_SLOTS), "", dtype="<U8")
    slots[:, 0] = dx
    return slots


def _staff(rng: np.random.Generator, staff: np.ndarray, firm: np.ndarray) -> np.ndarray:
    """One of each firm's clinicians (rows of `staff`)."""
    return staff[firm, rng.integers(0, staff.shape[1], len(firm))]


def specialists(rng: np.random.Generator, world: World, npi: dict[str, np.ndarray]) -> Frame:
    """Specialist visits after referrals, and the imaging some episodes order."""
    market: Market = world.market
    visits = world.visits
    office = np.isin(visits["cpt"], np.concatenate([codes.NEW_EM, codes.ESTABLISHED_EM]))
    problem = np.flatnonzero(office & (rng.random(len(visits["person"])) < REFERRAL_RATE))
    k = len(problem)
    count = 1 + rng.poisson(FOLLOW_UPS, k)
    episode = np.repeat(np.arange(k), count)
    first = np.cumsum(count) - count
    nth = np.arange(len(episode)) - first[episode]
    gap = np.cumsum(np.where(nth == 0, 0, rng.integers(28, 92, len(episode))))
    referred = visits["start"][problem] + rng.integers(7, 43, k)
    day = referred[episode] + (gap - gap[first][episode])
    person = visits["person"][problem]
    setting = rng.random(k)
    in_hospital = setting < HOSPITAL_SPECIALISTS
    solo = ~in_hospital & (setting < HOSPITAL_SPECIALISTS + SOLO_SPECIALISTS)
    practice = weighted(rng, zipf(SPECIALTY_PRACTICES), k)
    alone = rng.integers(0, len(market.solo), k)
    hospital = _favourite(world, person)
    billing = np.where(
        in_hospital,
        npi["hospital"][hospital],
        np.where(solo, market.solo[alone], market.practices[practice]),
    )[episode]
    rendering = np.where(
        in_hospital[episode],
        _staff(rng, npi["hospital_staff"], hospital[episode]),
        np.where(
            solo[episode],
            billing,
            _staff(rng, market.practice_doctors, practice[episode]),
        ),
    )
    cpt = np.where(
        nth == 0,
        codes.NEW_EM[weighted(rng, codes.NEW_EM_WEIGHTS, len(episode))],
        codes.ESTABLISHED_EM[weighted(rng, codes.ESTABLISHED_EM_WEIGHTS, len(episode))],
    )
    seen = claim_lines(
        rng,
        person[episode],
        day,
        day,
        "professional",
        price_of(codes.PRICE, cpt),
        visits["dx"][problem][episode],
        hcpcs_code=cpt,
        place_of_service_code=np.full(len(episode), "11"),
        rendering_npi=rendering,
        billing_npi=billing,
    )
    # An episode ends with the referral's year, so a year's specialist visits never make a
    # patient eligible for a measure (a qualifying office visit) whom primary care did not see.
    year_end = visits["start"][problem].astype("datetime64[Y]") + np.timedelta64(1, "Y")
    keep = _alive(world, person[episode], day) & (day < year_end.astype("datetime64[D]")[episode])
    imaging = _imaging(rng, world, npi, person, referred, visits["dx"][problem])
    return stacked([complete({c: v[keep] for c, v in seen.items()}), imaging])


def panels(rng: np.random.Generator, world: World, npi: dict[str, np.ndarray]) -> Frame:
    """Routine tests ordered at problem visits, mostly sent out to a laboratory."""
    market: Market = world.market
    visits = world.visits
    ordered = np.flatnonzero(
        (visits["kind"] == "office") & (rng.random(len(visits["person"])) < PANEL_SHARE)
    )
    count = 1 + rng.integers(0, PANEL_TESTS, len(ordered))
    visit = np.repeat(ordered, count)
    n = len(visit)
    cpt = codes.PANELS[weighted(rng, codes.PANEL_WEIGHTS, n)]
    sent = rng.random(n) < LAB_SENT_OUT
    clinic = npi["clinic"][visits["clinic"][visit]]
    tests = claim_lines(
        rng,
        visits["person"][visit],
        visits["start"][visit],
        visits["start"][visit],
        "professional",
        price_of(codes.PRICE, cpt),
        visits["dx"][visit],
        hcpcs_code=cpt,
        place_of_service_code=np.where(sent, "81", "11"),
        rendering_npi=np.where(sent, "", clinic),
        billing_npi=np.where(sent, pick(rng, market.labs, LAB_SHARES, n), clinic),
    )
    return complete(tests)


def _imaging(
    rng: np.random.Generator,
    world: World,
    npi: dict[str, np.ndarray],
    person: np.ndarray,
    referred: np.ndarray,
    dx: np.ndarray,
) -> Frame:
    """Studies a share of specialist episodes order, at an imaging centre or a hospital."""
    market: Market = world.market
    ordered = np.flatnonzero(rng.random(len(person)) < IMAGING_SHARE)
    n = len(ordered)
    who = person[ordered]
    day = referred[ordered] + rng.integers(0, 15, n)
    cpt = codes.IMAGING[weighted(rng, codes.IMAGING_WEIGHTS, n)]
    in_hospital = rng.random(n) < HOSPITAL_IMAGING
    hospital = _favourite(world, who)
    centre = pick(rng, market.imaging, zipf(len(market.imaging)), n)
    study = claim_lines(
        rng,
        who,
        day,
        day,
        "professional",
        price_of(codes.PRICE, cpt),
        dx[ordered],
        hcpcs_code=cpt,
        place_of_service_code=np.where(in_hospital, "22", "11"),
        rendering_npi=np.where(
            in_hospital,
            _staff(rng, npi["hospital_staff"], hospital),
            market.radiologists[rng.integers(0, len(market.radiologists), n)],
        ),
        billing_npi=np.where(in_hospital, npi["hospital"][hospital], centre),
    )
    keep = _alive(world, who, day)
    return complete({c: v[keep] for c, v in study.items()})


def send_out(
    rng: np.random.Generator, lines: Frame, world: World, npi: dict[str, np.ndarray]
) -> None:
    """Tests the clinics billed, rebilled where they are really done (in place)."""
    market: Market = world.market
    n = len(lines["person"])
    code = lines["hcpcs_code"]
    by_clinic = np.isin(lines["billing_npi"], npi["clinic"])
    stool = by_clinic & (code == STOOL_DNA)
    sent = np.char.startswith(code, "8") & (rng.random(n) < LAB_SENT_OUT)
    lab = by_clinic & (sent | stool)
    laboratory = np.where(stool, market.stool_dna_lab, pick(rng, market.labs, LAB_SHARES, n))
    hospital = npi["hospital"][_favourite(world, lines["person"])]
    in_hospital = rng.random(n)
    mammogram = by_clinic & (code == MAMMOGRAPHY)
    to_hospital = mammogram & (in_hospital < HOSPITAL_IMAGING)
    centre = pick(rng, market.imaging, zipf(len(market.imaging)), n)
    scope = by_clinic & (code == COLONOSCOPY)
    scoped_in_hospital = scope & (in_hospital < HOSPITAL_ENDOSCOPY)
    endoscopy = pick(rng, market.endoscopy, zipf(len(market.endoscopy)), n)
    reader = market.radiologists[rng.integers(0, len(market.radiologists), n)]
    gastro = market.gastroenterologists[rng.integers(0, len(market.gastroenterologists), n)]
    billing, rendering = lines["billing_npi"], lines["rendering_npi"]
    place = lines["place_of_service_code"]
    lines["billing_npi"] = np.select(
        [lab, to_hospital | scoped_in_hospital, mammogram, scope],
        [laboratory, hospital, centre, endoscopy],
        billing,
    )
    lines["rendering_npi"] = np.select(
        [lab, mammogram, scope], [np.full(n, ""), reader, gastro], rendering
    )
    lines["place_of_service_code"] = np.select(
        [lab, to_hospital | scoped_in_hospital, mammogram, scope], ["81", "22", "11", "24"], place
    )


def ambulance(rng: np.random.Generator, world: World) -> Frame:
    """Transports to the ED, for admissions through it, and between hospitals (two lines each)."""
    market: Market = world.market
    ed, stays = world.ed, world.stays
    to_ed = np.flatnonzero(rng.random(len(ed["person"])) < AMBULANCE_ED)
    admitted = np.flatnonzero(
        (stays["via_ed"] & (rng.random(len(stays["person"])) < AMBULANCE_ADMISSION))
        | stays["transfer_in"]
    )
    person = np.concatenate([ed["person"][to_ed], stays["person"][admitted]])
    day = np.concatenate([ed["start"][to_ed], stays["start"][admitted]])
    dx = np.concatenate([ed["dx"][to_ed, :4], stays["dx_all"][admitted, :4]])
    n = len(person)
    als_share = np.where(np.arange(n) < len(to_ed), ALS_SHARE_ED, ALS_SHARE_ADMISSION)
    base = np.where(rng.random(n) < als_share, "A0427", "A0429")
    miles = (3 + rng.poisson(MILES, n)).astype(float)
    agency = pick(rng, market.ambulance, AMBULANCE_SHARES, n)
    common = {"place_of_service_code": np.full(n, "41"), "billing_npi": agency}
    trip = claim_lines(
        rng,
        person,
        day,
        day,
        "professional",
        price_of(codes.PRICE, base),
        dx,
        hcpcs_code=base,
        **common,
    )
    mileage = claim_lines(
        rng,
        person,
        day,
        day,
        "professional",
        miles * codes.PRICE["A0425"],
        dx,
        hcpcs_code=np.full(n, "A0425"),
        service_unit_quantity=miles,
        **common,
    )
    mileage["claim_line_number"] = np.full(n, 2)
    trip, mileage = complete(trip), complete(mileage)
    keep = np.concatenate([_alive(world, person, day)] * 2)
    return {c: np.concatenate([trip[c], mileage[c]])[keep] for c in mileage}


def equipment(rng: np.random.Generator, world: World) -> Frame:
    """Oxygen and CPAP rented month by month, walkers bought (place of service 12, home)."""
    market: Market = world.market
    people = world.people
    count = len(people["person"])
    months = len(world.years) * 12
    age = age_on(people, np.datetime64(f"{world.years[0]}-07-01"))
    oxygen = world.conditions["copd"] & (age >= 40) & (rng.random(count) < OXYGEN_SHARE)
    cpap = (age >= CPAP_AGE) & (rng.random(count) < CPAP_SHARE)
    parts = [
        _rentals(rng, world, np.flatnonzero(oxygen), months, "E1390", OXYGEN_DX),
        _rentals(rng, world, np.flatnonzero(cpap), CPAP_MONTHS, "E0601", CPAP_DX),
    ]
    for year in world.years:
        old = age_on(people, np.datetime64(f"{year}-07-01")) >= WALKER_AGE
        buyers = np.flatnonzero(old & (rng.random(count) < WALKER_RATE))
        day = dates(days(np.datetime64(f"{year}-01-01")) + rng.integers(0, 365, len(buyers)))
        supplier = pick(rng, market.dme, DME_SHARES, len(buyers))
        parts.append(_equipment_lines(rng, world, buyers, day, "E0143", WALKER_DX, supplier))
    return stacked(parts)


def _rentals(
    rng: np.random.Generator, world: World, users: np.ndarray, most: int, code: str, dx: str
) -> Frame:
    """Monthly rentals from a month in the simulated years, for at most `most` months."""
    months = len(world.years) * 12
    start = rng.integers(0, months, len(users))
    rentals = np.minimum(months - start, most)
    user = np.repeat(np.arange(len(users)), rentals)
    month = start[user] + np.arange(len(user)) - (np.cumsum(rentals) - rentals)[user]
    day = (np.datetime64(f"{world.years[0]}-01") + month).astype("datetime64[D]")
    supplier = pick(rng, world.market.dme, DME_SHARES, len(users))[user]
    return _equipment_lines(rng, world, users[user], day, code, dx, supplier)


def _equipment_lines(
    rng: np.random.Generator,
    world: World,
    person: np.ndarray,
    day: np.ndarray,
    code: str,
    dx: str,
    billing: np.ndarray,
) -> Frame:
    n = len(person)
    lines = claim_lines(
        rng,
        person,
        day,
        day,
        "professional",
        np.full(n, float(codes.PRICE[code])),
        _only(dx, n),
        hcpcs_code=np.full(n, code),
        place_of_service_code=np.full(n, "12"),
        billing_npi=billing,
    )
    keep = _alive(world, person, day)
    return complete({c: v[keep] for c, v in lines.items()})


def post_acute(rng: np.random.Generator, world: World) -> Frame:
    """Skilled nursing stays and home health periods after hospital discharges (UB-04)."""
    market: Market = world.market
    stays = world.stays
    last = np.datetime64(f"{world.years[-1]}-12-31")
    snf = np.flatnonzero(stays["disposition"] == TO_SNF)
    person = stays["person"][snf]
    start = stays["end"][snf]
    end = start + 1 + rng.poisson(SNF_STAY_DAYS - 1, len(snf))
    death = world.death[person]
    end = np.minimum(np.where(np.isnat(death), end, np.minimum(end, death)), last)
    stay_days = ((end - start) / np.timedelta64(1, "D")).astype(float)
    home = pick(rng, market.nursing, zipf(len(market.nursing)), len(snf))
    nursing = claim_lines(
        rng,
        person,
        start,
        end,
        "institutional",
        stay_days * codes.SNF_PER_DIEM,
        stays["dx_all"][snf, :4],
        bill_type_code=np.full(len(snf), "211"),
        revenue_center_code=np.full(len(snf), "0022"),
        service_unit_quantity=stay_days,
        admission_date=start,
        discharge_date=end,
        admit_type_code=np.full(len(snf), "3"),
        admit_source_code=np.full(len(snf), "4"),
        discharge_disposition_code=np.full(len(snf), "01"),
        facility_npi=home,
        billing_npi=home,
    )
    keep = _alive(world, person, start) & (end > start)
    periods = _home_health(rng, world)
    return stacked([complete({c: v[keep] for c, v in nursing.items()}), periods])


def _home_health(rng: np.random.Generator, world: World) -> Frame:
    """One or two 30-day home health periods after discharges to home health care."""
    market: Market = world.market
    stays = world.stays
    last = np.datetime64(f"{world.years[-1]}-12-31")
    sent = np.flatnonzero(stays["disposition"] == TO_HOME_HEALTH)
    count = 1 + (rng.random(len(sent)) < HOME_HEALTH_SECOND_PERIOD)
    agency = pick(rng, market.home_health, zipf(len(market.home_health)), len(sent))
    row = np.repeat(np.arange(len(sent)), count)
    nth = np.arange(len(row)) - (np.cumsum(count) - count)[row]
    person = stays["person"][sent][row]
    start = (stays["end"][sent] + rng.integers(1, 4, len(sent)))[row] + 30 * nth
    death = world.death[person]
    end = np.minimum(start + 29, last)
    end = np.where(np.isnat(death), end, np.minimum(end, death - 1))
    n = len(row)
    lines = claim_lines(
        rng,
        person,
        start,
        end,
        "institutional",
        np.full(n, codes.HOME_HEALTH_PERIOD),
        stays["dx_all"][sent, :4][row],
        bill_type_code=np.full(n, "329"),
        revenue_center_code=np.full(n, "0023"),
        facility_npi=agency[row],
        billing_npi=agency[row],
    )
    keep = _alive(world, person, start) & (end >= start)
    return complete({c: v[keep] for c, v in lines.items()})


def care_outside(
    rng: np.random.Generator, world: World, npi: dict[str, np.ndarray]
) -> tuple[Frame, Frame]:
    """The professional and the institutional lines of care outside the members (unpriced)."""
    parts = [
        specialists(rng, world, npi),
        panels(rng, world, npi),
        ambulance(rng, world),
        equipment(rng, world),
    ]
    return stacked(parts), post_acute(rng, world)
