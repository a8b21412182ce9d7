"""The import contracts copy the map (`make lint` runs them): an import the map forbids, added
to a copy of the code, makes them fail."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _lint_with(tmp_path: Path, module: str, line: str) -> subprocess.CompletedProcess[str]:
    """lint-imports on a copy of the code in which `module` (a path under commontable/) got
    `line`."""
    code = tmp_path / "src"
    shutil.copytree(
        ROOT / "src" / "commontable",
        code / "commontable",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    with (code / "commontable" / module).open("a") as changed:
        changed.write(f"\n{line}  # noqa\n")
    linter = Path(sys.executable).parent / "lint-imports"
    return subprocess.run(
        [str(linter), "--no-cache"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(code)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_fastapi_outside_a_route_module_breaks_the_contracts(tmp_path: Path) -> None:
    done = _lint_with(tmp_path, "measures/period.py", "import fastapi")
    assert done.returncode != 0
    assert "only route modules, the routing kernel and the web app import FastAPI" in done.stdout
    assert "BROKEN" in done.stdout


def test_a_part_importing_one_above_it_breaks_the_map(tmp_path: Path) -> None:
    done = _lint_with(tmp_path, "members/people.py", "import commontable.publishing")
    assert done.returncode != 0
    assert "parts import only the parts below them" in done.stdout
    assert "BROKEN" in done.stdout


def test_synth_importing_the_measures_breaks_the_contracts(tmp_path: Path) -> None:
    done = _lint_with(tmp_path, "synth/clinical.py", "import commontable.measures")
    assert done.returncode != 0
    assert "synth carries its own code lists" in done.stdout


def _parts() -> list[str]:
    code = ROOT / "src" / "commontable"
    return sorted(p.name for p in code.iterdir() if (p / "__init__.py").exists())


def _imports_between_parts() -> list[tuple[str, str]]:
    """(importer, imported) for every import from one part's module into another part."""
    import grimp

    graph = grimp.build_graph("commontable")
    found = []
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            a, b = importer.split("."), imported.split(".")
            if b[0] == "commontable" and len(a) > 1 and len(b) > 1 and a[1] != b[1]:
                found.append((importer, imported))
    return found


def _mounts_a_router(importer: str, imported: str) -> bool:
    """The web app mounts each part's routes; a route module may use another part's."""
    web_layer = importer.startswith("commontable.web.") or importer.endswith(".routes")
    return web_layer and imported.endswith(".routes")


def test_other_parts_import_only_a_parts_face() -> None:
    reaching = [
        f"{importer} -> {imported}"
        for importer, imported in _imports_between_parts()
        if imported.count(".") > 1
        and not _mounts_a_router(importer, imported)
        and importer != "commontable.app_tables"  # the one list of every part's tables
    ]
    assert reaching == []


def test_no_cycle_between_parts_outside_the_web_layer() -> None:
    below: dict[str, set[str]] = {}
    for importer, imported in _imports_between_parts():
        if not importer.endswith(".routes") and importer != "commontable.app_tables":
            below.setdefault(importer.split(".")[1], set()).add(imported.split(".")[1])

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for part in below.get(start, set()) - seen:
            seen.add(part)
            if part == goal or reaches(part, goal, seen):
                return True
        return False

    assert [part for part in below if reaches(part, part, set())] == []


def test_every_face_gives_what_it_offers() -> None:
    import importlib

    for part in _parts():
        face = importlib.import_module(f"commontable.{part}")
        for name in getattr(face, "__all__", []):
            assert not isinstance(getattr(face, name), type(importlib)), f"{part}.{name}"
