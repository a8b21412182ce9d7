"""The collaborative's own files: organization (member roster), practitioner and location."""

from __future__ import annotations

import numpy as np

from commontable.synth import geography
from commontable.synth.frame import Frame
from commontable.synth.organizations import Roster


def _place(zip_code: str) -> tuple[str, str]:
    region = geography.region()
    i = region.index(zip_code)
    return region.city[i].as_py(), region.county[i].as_py()


def organization(roster: Roster) -> Frame:
    orgs = roster.orgs
    places = [_place(o.zip_code) for o in orgs]
    return {
        "organization_id": np.array([o.id for o in orgs]),
        "name": np.array([o.name for o in orgs]),
        "organization_type": np.array([o.type for o in orgs]),
        "parent_organization_id": np.array([o.parent or "" for o in orgs]),
        "npi": np.array([o.npi or "" for o in orgs]),
        "tin": np.array([o.tin for o in orgs]),
        "payer_type": np.array([o.payer_type or "" for o in orgs]),
        "address": np.array([o.address for o in orgs]),
        "city": np.array([p[0] for p in places]),
        "state": np.full(len(orgs), geography.STATE),
        "zip_code": np.array([o.zip_code for o in orgs]),
        "county": np.array([p[1] for p in places]),
    }


def practitioner(roster: Roster) -> Frame:
    staff = roster.practitioners
    return {
        "practitioner_id": staff["npi"],
        "npi": staff["npi"],
        "first_name": staff["first_name"],
        "last_name": staff["last_name"],
        "practice_affiliation": np.array([roster.orgs[o].id for o in staff["org"]]),
        "specialty": staff["specialty"],
    }


def location(roster: Roster) -> Frame:
    sites = [o for o in roster.orgs if o.type in ("hospital", "clinic", "cbo", "public health")]
    kinds = {
        "hospital": "hospital",
        "clinic": "clinic",
        "cbo": "cbo site",
        "public health": "public health",
    }
    places = [_place(o.zip_code) for o in sites]
    return {
        "location_id": np.array([f"LOC-{o.id[4:]}" for o in sites]),
        "npi": np.array([o.npi or "" for o in sites]),
        "name": np.array([o.name for o in sites]),
        "facility_type": np.array([kinds[o.type] for o in sites]),
        "parent_organization": np.array([o.parent or o.id for o in sites]),
        "address": np.array([o.address for o in sites]),
        "city": np.array([p[0] for p in places]),
        "state": np.full(len(sites), geography.STATE),
        "zip_code": np.array([o.zip_code for o in sites]),
        "county": np.array([p[1] for p in places]),
    }
