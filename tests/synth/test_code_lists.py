"""The generator's own code lists agree with what the measures look for, checked from outside.

The generator carries its codes and displays itself and never imports the measures; these tests
hold it to the vendored eCQM value sets the measures read, code by code and display by display.
"""

from __future__ import annotations

import ast
from pathlib import Path

import commontable.synth
from commontable.measures.codes import CodeList, code_value, system_name
from commontable.measures.library import cms2, cms117, cms122, cms124, cms125, cms130, cms347
from commontable.measures.valuesets import concepts, find
from commontable.synth.clinical import CVX, DISPLAYS, RECORDS, VACCINES

# Each kind of record, and the code list the measure counting it reads.
RECORD_LISTS = {
    "mammography": cms125.MAMMOGRAPHY,
    "colonoscopy": cms130.COLONOSCOPY,
    "fit": cms130.FOBT,
    "sdna": cms130.SDNA_FIT,
    "pap": cms124.PAP_TEST,
    "hpv": cms124.HPV_TEST,
    "hba1c": cms122.HBA1C,
    "ldl": cms347.LDL_CHOLESTEROL,
    "follow_up_adult": cms2.ADULT_FOLLOW_UP,
    "follow_up_adolescent": cms2.ADOLESCENT_FOLLOW_UP,
}
# Each vaccine the generator gives (CVX), and the CMS117 series it is a dose of.
VACCINE_SERIES = {
    "20": cms117.DTAP,
    "10": cms117.POLIO,
    "03": cms117.MMR,
    "49": cms117.HIB,
    "08": cms117.HEPATITIS_B,
    "21": cms117.VARICELLA,
    "133": cms117.PNEUMOCOCCAL,
    "83": cms117.HEPATITIS_A,
    "116": cms117.ROTAVIRUS,
    "150": cms117.INFLUENZA,
}


def _vaccine_list(cvx: str) -> CodeList | None:
    """The CMS117 immunization value set of the vaccine's series that holds the CVX code."""
    wanted = (system_name(CVX), code_value(cvx))
    for doses in cms117.DOSES:
        if (
            doses.series == VACCINE_SERIES[cvx]
            and doses.immunization
            and wanted in doses.codes.codes
        ):
            return doses.codes
    return None


def _value_set_display(code_list: CodeList, system: str, code: str) -> str | None:
    """The display the value set behind a code list gives the code, None when it lacks it."""
    for uri, member, display in concepts(code_list.id):
        if system_name(uri) == system_name(system) and member == code:
            return display
    return None


def test_every_kind_of_record_has_the_code_list_its_measure_reads() -> None:
    assert set(RECORDS) == set(RECORD_LISTS)
    assert {cvx for _, cvx, _ in VACCINES} == set(VACCINE_SERIES)


def test_each_record_code_is_one_its_measure_looks_for() -> None:
    for kind, (_, system, code, _) in RECORDS.items():
        wanted = RECORD_LISTS[kind]
        assert (system_name(system), code_value(code)) in wanted.codes, (kind, code, wanted.title)


def test_each_vaccine_code_counts_as_a_dose_of_its_series() -> None:
    for _, cvx, _ in VACCINES:
        assert _vaccine_list(cvx) is not None, (cvx, VACCINE_SERIES[cvx])


def test_each_record_display_is_the_value_sets_display() -> None:
    for kind, (_, system, code, _) in RECORDS.items():
        expected = _value_set_display(RECORD_LISTS[kind], system, code)
        assert DISPLAYS[system, code] == expected, (kind, code)


def test_each_vaccine_display_is_the_value_sets_display() -> None:
    for _, cvx, _ in VACCINES:
        code_list = _vaccine_list(cvx)
        assert code_list is not None, cvx
        assert DISPLAYS[CVX, cvx] == _value_set_display(code_list, CVX, cvx), cvx


def test_the_generator_names_the_value_set_its_measure_reads() -> None:
    for kind, (valueset, _, _, _) in RECORDS.items():
        assert find(valueset).oid == RECORD_LISTS[kind].id, (kind, valueset)
    for valueset, cvx, _ in VACCINES:
        code_list = _vaccine_list(cvx)
        assert code_list is not None, cvx
        assert find(valueset).oid == code_list.id, (cvx, valueset)


def test_every_display_is_of_a_code_the_generator_writes() -> None:
    written = {(system, code) for _, system, code, _ in RECORDS.values()}
    written |= {(CVX, cvx) for _, cvx, _ in VACCINES}
    assert set(DISPLAYS) == written


def test_the_generator_never_imports_the_measures() -> None:
    folder = Path(commontable.synth.__file__).parent
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                names = [module, *(f"{module}.{alias.name}" for alias in node.names)]
            else:
                continue
            for name in names:
                assert not (name + ".").startswith("commontable.measures."), (path.name, name)
