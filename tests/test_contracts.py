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
