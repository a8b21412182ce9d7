"""Small regions per test session (clean, and with planted errors) in temporary folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from commontable.synth import RegionSummary, generate_region

PEOPLE, SEED = 3_000, 11


@pytest.fixture(scope="session")
def region(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RegionSummary]:
    out = tmp_path_factory.mktemp("region")
    return out, generate_region(people=PEOPLE, seed=SEED, out=out, errors=False)


@pytest.fixture(scope="session")
def messy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small region as members really send it: a few planted bad rows."""
    out = tmp_path_factory.mktemp("messy")
    generate_region(people=2_000, seed=SEED, out=out, errors=True)
    return out


@pytest.fixture(scope="session")
def sources(region: tuple[Path, RegionSummary]) -> Path:
    return region[0] / "sources"


@pytest.fixture(scope="session")
def truth(region: tuple[Path, RegionSummary]) -> Path:
    return region[0] / "truth"
