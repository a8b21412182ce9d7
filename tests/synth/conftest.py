"""One small region per test session, generated into a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from commontable.synth import RegionSummary, generate_region

PEOPLE, SEED = 3_000, 11


@pytest.fixture(scope="session")
def region(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RegionSummary]:
    out = tmp_path_factory.mktemp("region")
    return out, generate_region(people=PEOPLE, seed=SEED, out=out)


@pytest.fixture(scope="session")
def sources(region: tuple[Path, RegionSummary]) -> Path:
    return region[0] / "sources"


@pytest.fixture(scope="session")
def truth(region: tuple[Path, RegionSummary]) -> Path:
    return region[0] / "truth"
