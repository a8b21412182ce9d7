"""`commontable measure check-ecqm`: test decks read, loaded through the FHIR reader, compared."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from commontable.cli import app
from commontable.measures.ecqm_check import DESCRIPTION_URL, check_ecqm, compare, read_patient

runner = CliRunner()
DECKS = Path(__file__).resolve().parents[3] / "shared" / "data" / "ecqm-2025" / "tests"
# Pass counts measured on the official 2025 decks (README, `commontable measure check-ecqm`);
# the failures left need records the canonical model does not carry yet.
MEASURED = {
    "BreastCancerScreeningFHIR": (36, 41),
    "CervicalCancerScreeningFHIR": (19, 20),
    "ChildhoodImmunizationStatusFHIR": (22, 22),
    "ColonCancerScreeningFHIR": (36, 41),
    "ControllingHighBloodPressureFHIR": (38, 42),
    "DiabetesGlycemicStatusAssessmentGreaterThan9PercentFHIR": (27, 30),
    "PCSDepressionScreenAndFollowUpFHIR": (23, 24),
    "StatinTherapyforthePreventionandTreatmentofCardiovascularDiseaseFHIR": (113, 126),
}
UNBUILT = "HIVScreeningFHIR"  # a deck of a measure the library does not have
OFFICE_VISIT = "185463005"  # SNOMED CT "Visit out of hours", in the Office Visit value set
MAMMOGRAM = "24606-6"  # LOINC MG Breast Screening, in the Mammography value set


def _report(description: str, *groups: dict[str, int]) -> dict[str, Any]:
    populations = [
        [{"code": {"coding": [{"code": code}]}, "count": count} for code, count in counts.items()]
        for counts in groups
    ]
    return {
        "resourceType": "MeasureReport",
        "id": "report",
        "extension": [{"url": DESCRIPTION_URL, "valueMarkdown": description}],
        "period": {"start": "2025-01-01", "end": "2025-12-31"},
        "group": [{"population": group} for group in populations],
    }


def _patient(
    deck: Path, pid: str, description: str, counts: dict[str, int], mammogram: bool
) -> None:
    folder = deck / pid
    folder.mkdir(parents=True)
    subject = {"reference": f"Patient/{pid}"}
    resources: list[dict[str, Any]] = [
        {"resourceType": "Patient", "id": pid, "gender": "female", "birthDate": "1960-05-01"},
        {
            "resourceType": "Encounter",
            "id": "Encounter-1",  # the same id in every patient, as in the official decks
            "status": "finished",
            "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
            "type": [{"coding": [{"system": "http://snomed.info/sct", "code": OFFICE_VISIT}]}],
            "subject": subject,
            "period": {"start": "2025-03-01T09:00:00Z", "end": "2025-03-01T09:30:00Z"},
        },
        {"resourceType": "DeviceRequest", "id": "DeviceRequest-1", "subject": subject},
    ]
    if mammogram:
        resources.append(
            {
                "resourceType": "Observation",
                "id": "Observation-1",
                "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": MAMMOGRAM}]},
                "subject": subject,
                "effectiveDateTime": "2025-05-01T10:00:00Z",
            }
        )
    resources.append(_report(description, counts))
    for resource in resources:
        name = f"{resource['resourceType']}-{resource['id']}.json"
        (folder / name).write_text(json.dumps(resource))


SCREENED = {"initial-population": 1, "denominator": 1, "denominator-exclusion": 0, "numerator": 1}


@pytest.fixture(scope="module")
def decks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny breast cancer screening deck (one case right, one wrong) and an unbuilt measure."""
    root = tmp_path_factory.mktemp("ecqm")
    deck = root / "BreastCancerScreeningFHIR"
    _patient(deck, "screened", "Mammogram in the MP", SCREENED, mammogram=True)
    _patient(deck, "not-screened", "No mammogram, expected met", SCREENED, mammogram=False)
    unbuilt = root / UNBUILT
    _patient(unbuilt, "anyone", "Not built", SCREENED, mammogram=False)
    return root


def test_each_case_is_compared_population_by_population(decks: Path) -> None:
    check = check_ecqm(decks)
    screening, unbuilt = check.decks[0], check.decks[1]
    assert (screening.name, screening.passed, screening.total) == (
        "BreastCancerScreeningFHIR",
        1,
        2,
    )
    [failed] = screening.failures
    assert (failed.patient_id, failed.differences) == ("not-screened", [("numerator", 1, 0)])
    assert screening.skipped == {"DeviceRequest": 2}
    assert (unbuilt.measure_id, unbuilt.total) == (None, 0)
    assert not check.ok


def test_populations_missing_from_the_report_are_not_compared(tmp_path: Path) -> None:
    _patient(tmp_path, "p", "only the initial population", {"initial-population": 0}, False)
    patient = read_patient(tmp_path / "p")
    assert compare(patient, {}).passed
    assert compare(patient, {"initial_population": True, "numerator": True}).differences == [
        ("initial-population", 0, 1)
    ]


def test_a_report_with_several_groups_is_compared_as_their_union(tmp_path: Path) -> None:
    _patient(tmp_path, "p", "in the second group", SCREENED, False)
    outside = dict.fromkeys(SCREENED, 0)
    report = _report("in the second group", outside, SCREENED, outside)
    next((tmp_path / "p").glob("MeasureReport-*.json")).write_text(json.dumps(report))
    assert read_patient(tmp_path / "p").expected == SCREENED


def test_cli_lists_failing_cases_with_their_description_and_exits_1(decks: Path) -> None:
    result = runner.invoke(app, ["measure", "check-ecqm", str(decks)], terminal_width=200)
    assert result.exit_code == 1, result.output
    assert "BreastCancerScreeningFHIR 1/2" in result.output
    assert "not-screened (No mammogram, expected met): numerator expected 1 got 0" in result.output
    assert "not read: 2 DeviceRequest" in result.output
    assert f"{UNBUILT}: not built yet" in result.output


def test_cli_exits_0_when_every_case_passes(tmp_path: Path) -> None:
    _patient(tmp_path / "BreastCancerScreeningFHIR", "screened", "ok", SCREENED, mammogram=True)
    result = runner.invoke(
        app, ["measure", "check-ecqm", str(tmp_path), "--measure", "cms125"], terminal_width=200
    )
    assert result.exit_code == 0, result.output
    assert "BreastCancerScreeningFHIR 1/1" in result.output


def test_official_decks_pass_at_least_the_measured_counts() -> None:
    if not DECKS.is_dir():
        pytest.skip(f"the official eCQM test decks are not at {DECKS} (../shared/data/ecqm-2025)")
    check = check_ecqm(DECKS, list(MEASURED))
    found = {d.name: (d.passed, d.total) for d in check.decks}
    for name, (passed, total) in MEASURED.items():
        assert found[name][1] == total, name
        assert found[name][0] >= passed, (name, [p.line() for p in check.decks if p.name == name])
