"""Who results are computed for (entity types) and how they are broken down (stratum types),
with the labels every face shows them by: the one vocabulary of a result cell's where and
whom, shared by the engine, publishing, the plans and the public report."""

from __future__ import annotations

COLLABORATIVE = "collaborative"  # the whole collaborative (entity id "collaborative" too)
CLINIC = "clinic"
MEDICAL_GROUP = "medical_group"
HEALTH_PLAN = "health_plan"
COUNTY = "county"
HOSPITAL = "hospital"
ENTITY_TYPES = (COLLABORATIVE, CLINIC, MEDICAL_GROUP, HEALTH_PLAN, COUNTY, HOSPITAL)
# Providers and plans, whose results are compared with the rest of the collaborative's.
COMPARED = (CLINIC, MEDICAL_GROUP, HOSPITAL, HEALTH_PLAN)

ALL = "all"  # the stratum type (and stratum) of a result for everyone
STRATA = ("age_band", "sex", "race", "ethnicity", "payer_type", "county", "sdoh_risk")
STRATUM_TYPES = (ALL, *STRATA)

# In the order pages offer them.
ENTITY_LABELS = {
    COLLABORATIVE: "Whole collaborative",
    CLINIC: "Clinics",
    MEDICAL_GROUP: "Medical groups",
    HEALTH_PLAN: "Health plans",
    HOSPITAL: "Hospitals",
    COUNTY: "Counties",
}
STRATUM_LABELS = {
    ALL: "Everyone",
    "age_band": "Age band",
    "sex": "Sex",
    "race": "Race",
    "ethnicity": "Ethnicity",
    "payer_type": "Payer type",
    "county": "County",
    "sdoh_risk": "Social risk",
}
