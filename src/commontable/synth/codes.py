"""Code lists the generator bills and records with, each next to its public source."""

from __future__ import annotations

import numpy as np

# CPT office E&M mix, established patients 99211-99215 (CMS Medicare Part B National Summary
# Data File 2022, office E&M shares, rounded); new patients 99202-99205.
ESTABLISHED_EM = np.array(["99211", "99212", "99213", "99214", "99215"])
ESTABLISHED_EM_WEIGHTS = np.array([0.02, 0.09, 0.45, 0.36, 0.08])
NEW_EM = np.array(["99202", "99203", "99204", "99205"])
NEW_EM_WEIGHTS = np.array([0.08, 0.45, 0.37, 0.10])
NEW_PATIENT_SHARE = 0.05
# CPT preventive medicine, established patient, by age (<1, 1-4, 5-11, 12-17, 18-39, 40-64, 65+).
PREVENTIVE_AGE_EDGES = np.array([1, 5, 12, 18, 40, 65])
PREVENTIVE_EM = np.array(["99391", "99392", "99393", "99394", "99395", "99396", "99397"])
ANNUAL_WELLNESS = "G0439"  # HCPCS Medicare annual wellness visit, subsequent
# CPT ED E&M levels (CMS Part B National Summary 2022, ED visit level shares, rounded).
ED_EM = np.array(["99281", "99282", "99283", "99284", "99285"])
ED_EM_WEIGHTS = np.array([0.03, 0.08, 0.30, 0.35, 0.24])
# CMS Physician Fee Schedule 2024, national non-facility payment amounts (rounded, USD).
PRICE = {
    "99202": 73,
    "99203": 113,
    "99204": 169,
    "99205": 223,
    "99211": 24,
    "99212": 57,
    "99213": 92,
    "99214": 130,
    "99215": 184,
    "99391": 105,
    "99392": 112,
    "99393": 112,
    "99394": 122,
    "99395": 125,
    "99396": 135,
    "99397": 145,
    "G0439": 135,
    "99281": 22,
    "99282": 44,
    "99283": 75,
    "99284": 127,
    "99285": 187,
    "99223": 207,
    "99232": 84,
    "99238": 75,
    "77067": 136,
    "45378": 390,
    "82274": 17,
    "81528": 509,
    "88175": 37,
    "87624": 35,
    "83036": 13,
    "80061": 13,
    "36415": 3,
    "96127": 5,
    "G0444": 18,
    "99495": 201,  # transitional care management, moderate complexity (14 days)
    "99496": 272,  # transitional care management, high complexity (7 days)
    "71046": 31,  # chest X-ray, 2 views
    "93306": 205,  # transthoracic echocardiogram, complete
    "72148": 225,  # MRI lumbar spine without contrast
    "74177": 330,  # CT abdomen and pelvis with contrast
    "73721": 215,  # MRI knee without contrast
    # CMS Ambulance Fee Schedule 2024, national urban ground rates (rounded): ALS1 and BLS
    # emergency base rates, and ground mileage per statute mile.
    "A0427": 530,
    "A0429": 446,
    "A0425": 9,
    # CMS DMEPOS Fee Schedule 2024 (rounded): oxygen concentrator, monthly rental; folding
    # wheeled walker, purchase.
    "E1390": 160,
    "E0143": 105,
    "E0601": 75,  # CPAP device, monthly rental (13 months, then owned)
    # CMS Clinical Laboratory Fee Schedule 2024 (rounded): metabolic panel, blood count, TSH,
    # urinalysis, vitamin D.
    "80053": 11,
    "85025": 8,
    "84443": 17,
    "81003": 3,
    "82306": 30,
}
# Routine tests ordered at a problem-oriented visit, and how often each (an assumption).
PANELS = np.array(["80053", "85025", "84443", "81003", "82306"])
PANEL_WEIGHTS = np.array([0.35, 0.3, 0.15, 0.12, 0.08])
# Imaging a specialist orders (CPT), and how often each is ordered (an assumption).
IMAGING = np.array(["71046", "93306", "72148", "74177", "73721"])
IMAGING_WEIGHTS = np.array([0.35, 0.2, 0.15, 0.15, 0.15])
# Post-acute care prices: Medicare payment per skilled nursing facility day (MedPAC, March 2024
# report, SNF chapter, of the order of $600) and the home health 30-day period's national
# standardized payment (CMS HH PPS final rule CY 2024: $2,038.13, rounded).
SNF_PER_DIEM = 590.0
HOME_HEALTH_PERIOD = 2038.0
# Facility prices: ED facility visit by level (HCUP/CMS OPPS 2024 APC 5021-5025 rates, rounded).
ED_FACILITY_PRICE = {"99281": 85, "99282": 160, "99283": 285, "99284": 470, "99285": 680}
MEDICARE_BASE_RATE = 6500.0  # CMS IPPS FY2024 national operating + capital standardized amount
# Payer price level relative to Medicare: commercial ~2x hospital, ~1.3x physician (RAND
# Prices Paid to Hospitals 2024; MedPAC); Medicaid below Medicare (MACPAC fee index).
PAYER_FACTOR_PROFESSIONAL = np.array([1.3, 1.0, 0.72])  # commercial, MA, Medicaid
PAYER_FACTOR_FACILITY = np.array([2.2, 1.0, 0.85])
CHARGE_RATIO = 2.9  # charges / payment (AHA hospital cost-to-charge, rounded)

# Acute reasons for office and ED visits (ICD-10-CM), a plausible primary-care / ED mix.
ACUTE_OFFICE_DX = np.array(
    ["J06.9", "M54.50", "R51.9", "K21.9", "E66.9", "J02.9", "N39.0", "J20.9", "R05.9", "H66.90"]
)
ACUTE_ED_DX = np.array(
    ["R07.9", "R10.9", "S93.401A", "S61.419A", "N39.0", "J06.9", "R51.9", "M54.50", "R55", "J20.9"]
)
ADULT_EXAM_DX, CHILD_EXAM_DX = "Z00.00", "Z00.129"


# MS-DRG families (CMS IPPS FY2024 Table 5: relative weight, geometric mean LOS), the principal
# ICD-10-CM diagnosis used, and the chronic condition that makes the family likelier.
# columns: (with MCC, with CC, without) DRG, weight, GMLOS
DRG_FAMILIES = (
    ("heart failure", "I50.9", ("291", "292", "293"), (1.34, 0.91, 0.65), (4.0, 3.0, 2.2)),
    ("copd", "J44.1", ("190", "191", "192"), (1.13, 0.90, 0.72), (3.4, 2.8, 2.2)),
    ("pneumonia", "J18.9", ("193", "194", "195"), (1.31, 0.89, 0.66), (4.0, 3.1, 2.4)),
    ("sepsis", "A41.9", ("871", "872", "872"), (1.90, 1.03, 1.03), (4.7, 3.6, 3.6)),
    ("diabetes", "E11.65", ("637", "638", "639"), (1.38, 0.85, 0.58), (3.7, 2.7, 2.0)),
    ("chest pain", "R07.9", ("313", "313", "313"), (0.58, 0.58, 0.58), (1.6, 1.6, 1.6)),
    ("cellulitis", "L03.115", ("602", "603", "603"), (1.37, 0.87, 0.87), (4.4, 3.2, 3.2)),
    ("gastroenteritis", "K52.9", ("391", "392", "392"), (1.20, 0.76, 0.76), (3.7, 2.6, 2.6)),
    ("renal failure", "N17.9", ("682", "683", "684"), (1.48, 0.89, 0.62), (4.6, 3.2, 2.3)),
    ("syncope", "R55", ("312", "312", "312"), (0.81, 0.81, 0.81), (2.2, 2.2, 2.2)),
    ("joint replacement", "M17.11", ("469", "470", "470"), (3.07, 1.91, 1.91), (3.9, 1.9, 1.9)),
    ("psychosis", "F20.9", ("885", "885", "885"), (1.34, 1.34, 1.34), (5.4, 5.4, 5.4)),
    ("stroke", "I63.9", ("064", "065", "066"), (1.85, 1.03, 0.74), (4.3, 3.1, 2.2)),
    # Ambulatory care sensitive conditions the AHRQ PQIs count, and planned chemotherapy.
    ("hypertension", "I16.0", ("304", "305", "305"), (1.05, 0.68, 0.68), (2.9, 1.9, 1.9)),
    ("asthma", "J45.901", ("202", "202", "203"), (0.87, 0.87, 0.62), (2.9, 2.9, 2.2)),
    ("diabetic ketoacidosis", "E11.10", ("637", "638", "639"), (1.38, 0.85, 0.58), (3.7, 2.7, 2.0)),
    ("chemotherapy", "Z51.11", ("846", "847", "848"), (2.30, 1.10, 0.90), (4.6, 3.0, 2.5)),
)
# Each family's weight for anyone admitted; the families of a chronic condition are mostly its
# patients' (their weight is boosted below), so the AHRQ PQI rates land near national ones
# (HCUP/AHRQ national PQI rates per 100,000 adults: heart failure ~330, COPD or asthma 40+
# ~350, pneumonia ~250, diabetes short-term complications ~75, uncontrolled diabetes ~40,
# hypertension ~55, asthma 18-39 ~20).
DRG_BASE_WEIGHTS = np.array(
    [0.05, 0.05, 0.35, 1.2, 0.02, 1.0, 0.8, 0.8, 0.7, 0.6, 0.7, 0.5, 0.6, 0.02, 0.02, 0.02, 0.15]
)
# (family index, added weight) for people with a chronic condition.
DRG_CONDITION_BOOST = {
    "heart failure": ((0, 4.0),),
    "copd": ((1, 1.2),),
    "diabetes": ((4, 0.25), (15, 0.4)),
    "hypertension": ((13, 0.15),),
    "asthma": ((14, 0.8),),
}
# ICD-10-PCS procedure billed with a family's stays: a total knee replacement (right knee
# joint, synthetic substitute, cemented, open) for joint replacement.
DRG_PROCEDURE = {10: "0SRC0J9"}
# 30-day all-cause readmission rate after a discharge (CMS Hospital Readmissions Reduction
# Program: heart failure ~21%, COPD ~19%, all-cause hospital-wide ~15%); chemotherapy cycles
# bring most of its patients back within the month.
READMIT_RATE = np.array(
    [0.22, 0.20, 0.16, 0.17, 0.15, 0.10, 0.12, 0.13, 0.16, 0.11, 0.05, 0.18, 0.12]
    + [0.10, 0.12, 0.15, 0.45]
)
CHEMOTHERAPY = 16  # its readmissions are its next cycle
# NUBC discharge status mix for live discharges (HCUP NIS 2020, rounded): home, home health,
# SNF, inpatient rehab, left against advice, and transferred to another acute hospital (02).
DISPOSITIONS = np.array(["01", "06", "03", "62", "07", "02"])
DISPOSITION_WEIGHTS = np.array([0.64, 0.17, 0.12, 0.03, 0.02, 0.02])
TRANSFERRED = "02"
TRANSFER_IN = "4"  # NUBC point of origin: transfer from a hospital
# Follow-up after a discharge home (01, 06): a primary care visit within 7 days for 45% and on
# days 8-14 for another 15%; 40% of the early ones billed as transitional care management. An
# assumption, of the order of NCQA's published 7-day follow-up rates (HEDIS FUH, 30-45%).
FOLLOW_UP_WITHIN_7, FOLLOW_UP_8_TO_14 = 0.45, 0.15
TCM_SHARE = 0.4
EXPIRED = "20"
IN_HOSPITAL_DEATH_SHARE = 0.30  # CDC NCHS: about 30% of US deaths occur in hospital inpatient
