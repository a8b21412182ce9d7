"""Each measure in plain words, for readers who are not clinicians: what it counts and why it
matters. A measure without its own text gets its title, steward and specification link."""

from __future__ import annotations

from commontable.reports.published import PublicMeasure

PLAIN: dict[str, str] = {
    "CMS125": (
        "Of women aged 52 to 74, the share who had a mammogram to screen for breast cancer in "
        "the last two years or so. Screening finds cancer early, when it is easier to treat."
    ),
    "CMS122": (
        "Of adults aged 18 to 75 with diabetes, the share whose most recent blood sugar test "
        "(HbA1c) was above 9%, or who had no test at all. Lower is better: a high result "
        "means diabetes is poorly controlled, which leads to heart, kidney and eye disease."
    ),
    "CMS165": (
        "Of adults aged 18 to 85 with high blood pressure, the share whose latest blood "
        "pressure reading was below 140/90. Controlled blood pressure prevents strokes and "
        "heart attacks."
    ),
    "CMS130": (
        "Of adults aged 46 to 75, the share who are up to date with colorectal cancer "
        "screening: a colonoscopy in the last ten years, or one of the other tests in its "
        "time window."
    ),
    "CMS124": (
        "Of women aged 24 to 64, the share screened for cervical cancer: a Pap test in the last "
        "three years, or an HPV test in the last five from age 30."
    ),
    "CMS2": (
        "Of patients aged 12 and older, the share screened for depression with a standard "
        "questionnaire, and given a follow-up plan when the screen was positive."
    ),
    "CMS347": (
        "Of patients with heart disease, very high cholesterol or diabetes in the ages where "
        "it is recommended, the share prescribed a statin, a medicine that lowers the risk of "
        "heart attack and stroke."
    ),
    "CMS117": (
        "Of children turning two, the share who received all the recommended vaccines "
        "(against measles, polio, whooping cough and others) by their second birthday."
    ),
    "ED-VISITS": (
        "Emergency department visits per 1,000 members in a year. Lower is generally better: "
        "many visits could be avoided with timely primary care."
    ),
    "IP-ADMISSIONS": (
        "Hospital admissions per 1,000 members in a year. Lower is generally better, when "
        "care in the community keeps people well enough to stay out of hospital."
    ),
    "HWR-30": (
        "Of adults discharged from hospital, the share who had to go back in unplanned within "
        "30 days. Lower is better: a good discharge, follow-up and medicines reconciliation "
        "prevent many returns. Compared fairly by adjusting for how sick patients were."
    ),
    "FU7-DISCHARGE": (
        "Of adults discharged home from hospital, the share seen by a doctor or nurse (in the "
        "office, at home or by video) within 7 days. Early follow-up prevents readmissions."
    ),
    "PQI-01": (
        "Hospital admissions for short-term complications of diabetes (such as ketoacidosis), "
        "per 100,000 adult members. Good outpatient care prevents most of them."
    ),
    "PQI-05": (
        "Hospital admissions for COPD or asthma of adults aged 40 and over, per 100,000 "
        "members of that age. Good outpatient care prevents many of them."
    ),
    "PQI-07": (
        "Hospital admissions for high blood pressure, per 100,000 adult members. Well-treated "
        "hypertension rarely needs a hospital stay."
    ),
    "PQI-08": (
        "Hospital admissions for heart failure, per 100,000 adult members. Medicines, diet "
        "and follow-up can prevent many of them."
    ),
    "PQI-14": ("Hospital admissions for uncontrolled diabetes, per 100,000 adult members."),
    "PQI-15": (
        "Hospital admissions for asthma of adults aged 18 to 39, per 100,000 members of that "
        "age. Controller medicines and an asthma plan prevent most of them."
    ),
    "PQI-90": (
        "All hospital admissions that good primary care can often prevent (diabetes, COPD, "
        "asthma, high blood pressure, heart failure, pneumonia, urinary infection and others), "
        "per 100,000 adult members: the Prevention Quality Overall Composite."
    ),
    "TCOC-PMPM": (
        "What was paid for members' care of every kind (hospital, outpatient, doctors' "
        "offices, emergency department, pharmacy and other), per member per month."
    ),
    "COST-INPATIENT-PMPM": "What was paid for hospital stays, per member per month.",
    "COST-OUTPATIENT-PMPM": (
        "What was paid for hospital outpatient care, surgery centres and home care, per "
        "member per month."
    ),
    "COST-OFFICE-PMPM": "What was paid for care in doctors' offices and clinics, per member "
    "per month.",
    "COST-ED-PMPM": "What was paid for emergency department care, per member per month.",
    "COST-PHARMACY-PMPM": "What was paid for prescription drugs, per member per month.",
    "COST-OTHER-PMPM": (
        "What was paid for other care (laboratories, ambulances and the like), per member "
        "per month."
    ),
    "CARE-NOTIFIED-1H": (
        "Of hospital discharges of people a care team follows, the share the team heard about "
        "within an hour. The hospital sends a message when someone leaves; the sooner their "
        "clinic or care manager knows, the sooner they can call and book a visit."
    ),
    "FU2-NOTIFIED": (
        "Of adults discharged home whose care team was told, the share seen by a doctor or "
        "nurse within 2 days. Compare with the same share when nobody was told."
    ),
    "FU2-NOT-NOTIFIED": (
        "Of adults discharged home whose care team was not told (or who have none), the share "
        "seen by a doctor or nurse within 2 days: the comparison for the notified share."
    ),
    "FU7-NOTIFIED": (
        "Of adults discharged home whose care team was told, the share seen by a doctor or "
        "nurse within 7 days. Compare with the same share when nobody was told."
    ),
    "FU7-NOT-NOTIFIED": (
        "Of adults discharged home whose care team was not told (or who have none), the share "
        "seen by a doctor or nurse within 7 days: the comparison for the notified share."
    ),
    "ED-REVISIT-NOTIFIED": (
        "Of emergency department visits a care team was told about, the share followed by "
        "another emergency visit within 30 days. Lower is better: it is what the team's "
        "follow-up tries to prevent."
    ),
    "CARE-REACHED": (
        "Of the alerts care teams received, the share after which the team reached the person "
        "(a call, or a visit booked). Alerts about people the team does not care for are left "
        "out."
    ),
}


def explanation(measure: PublicMeasure) -> str:
    """The measure in plain words; without a text of its own, its title and who specifies it."""
    own = PLAIN.get(measure.measure_id)
    if own:
        return own
    steward = f", as specified by {measure.steward}" if measure.steward else ""
    return f"{measure.title}{steward}. The specification is linked below."


def direction(measure: PublicMeasure) -> str:
    return "Higher is better." if measure.higher_is_better else "Lower is better."
