"""Vendor the eCQM value set codes the measures need into the package, as small CSV files.

Reads the FHIR ValueSets of the 2025 eCQM content (cqframework/ecqm-content-qicore-2024, CC0) in
../shared/data/ecqm-2025 and writes src/commontable/measures/valuesets/:
  valuesets.csv    one row per value set: oid, name, title, version, url, measures, source
  codes.csv        one row per code: oid, code_system (FHIR URI), code, display
  direct_codes.csv codes the CQL names directly (`code "..."`): library, name, code_system, code
Value sets are those each measure's effective data requirements list, plus every `valueset`
declared in its CQL and the CQL libraries it includes, recursively.

    python scripts/vendor_valuesets.py [--source ../shared/data/ecqm-2025]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "commontable" / "measures" / "valuesets"
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "ecqm-2025"
SOURCE = "cqframework/ecqm-content-qicore-2024 @ 9ebd48ffebf2 (CC0 1.0)"
MEASURES = {
    "CMS125": "BreastCancerScreeningFHIR",
    "CMS130": "ColonCancerScreeningFHIR",
    "CMS124": "CervicalCancerScreeningFHIR",
    "CMS122": "DiabetesGlycemicStatusAssessmentGreaterThan9PercentFHIR",
    "CMS165": "ControllingHighBloodPressureFHIR",
    "CMS2": "PCSDepressionScreenAndFollowUpFHIR",
    "CMS117": "ChildhoodImmunizationStatusFHIR",
    "CMS347": "StatinTherapyforthePreventionandTreatmentofCardiovascularDiseaseFHIR",
}
VALUESET = re.compile(r"^valueset \"([^\"]+)\": '([^']+)'", re.M)
INCLUDE = re.compile(r"^include (\w+)", re.M)
CODESYSTEM = re.compile(r"^codesystem \"([^\"]+)\": '([^']+)'", re.M)
CODE = re.compile(r"^code \"([^\"]+)\": '([^']+)' from \"([^\"]+)\"(?: display '([^']*)')?", re.M)


def cql_closure(cql: Path, library: str, seen: set[str]) -> list[str]:
    """The library and every library it includes, recursively, in first-seen order."""
    if library in seen or not (cql / f"{library}.cql").exists():
        return []
    seen.add(library)
    found = [library]
    for included in INCLUDE.findall((cql / f"{library}.cql").read_text()):
        found += cql_closure(cql, included, seen)
    return found


def requirement_urls(measure: Path) -> set[str]:
    """Value set URLs in the Measure's effective data requirements."""
    resource = json.loads(measure.read_text())
    return {
        artifact["resource"].split("|")[0]
        for contained in resource.get("contained", [])
        for artifact in contained.get("relatedArtifact", [])
        if "/ValueSet/" in (artifact.get("resource") or "")
    }


def valueset_codes(resource: dict) -> list[tuple[str, str, str]]:
    """(system, code, display) from the expansion, else from an enumerated compose."""
    contains = resource.get("expansion", {}).get("contains")
    if contains:
        return [(c["system"], c["code"], c.get("display", "")) for c in contains]
    return [
        (include["system"], concept["code"], concept.get("display", ""))
        for include in resource.get("compose", {}).get("include", [])
        for concept in include.get("concept", [])
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    source = parser.parse_args().source
    by_url = {}
    for path in sorted((source / "valuesets").glob("*.json")):
        resource = json.loads(path.read_text())
        by_url[resource.get("url")] = resource
    wanted: dict[str, set[str]] = {}
    direct: list[tuple[str, str, str, str, str]] = []
    for cms, name in MEASURES.items():
        urls = requirement_urls(source / "measures" / f"{name}.json")
        for library in cql_closure(source / "cql", name, set()):
            text = (source / "cql" / f"{library}.cql").read_text()
            urls |= {url for _, url in VALUESET.findall(text)}
            systems = dict(CODESYSTEM.findall(text))
            for code_name, code, system, display in CODE.findall(text):
                direct.append((library, code_name, systems.get(system, system), code, display))
        for url in urls:
            wanted.setdefault(url, set()).add(cms)
    OUT.mkdir(parents=True, exist_ok=True)
    missing = sorted(url for url in wanted if url not in by_url)
    with (
        (OUT / "valuesets.csv").open("w", newline="") as index,
        (OUT / "codes.csv").open("w", newline="") as codes,
    ):
        index_writer = csv.writer(index, lineterminator="\n")
        code_writer = csv.writer(codes, lineterminator="\n")
        index_writer.writerow(["oid", "name", "title", "version", "url", "measures", "source"])
        code_writer.writerow(["oid", "code_system", "code", "display"])
        for url in sorted(wanted):
            if url not in by_url:
                continue
            resource = by_url[url]
            oid = url.rsplit("/", 1)[1]
            measures = " ".join(sorted(wanted[url], key=lambda m: int(m[3:])))
            index_writer.writerow(
                [oid, resource.get("name", ""), resource.get("title", ""),
                 resource.get("version", ""), url, measures, SOURCE]
            )  # fmt: skip
            for system, code, display in sorted(set(valueset_codes(resource))):
                code_writer.writerow([oid, system, code, display])
    with (OUT / "direct_codes.csv").open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["library", "name", "code_system", "code", "display"])
        writer.writerows(sorted(set(direct)))
    print(f"{len(wanted) - len(missing)} value sets written to {OUT}; missing: {missing or 'none'}")


if __name__ == "__main__":
    main()
