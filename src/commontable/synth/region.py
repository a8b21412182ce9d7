"""generate_region: the whole synthetic region, sources and truth, from one seed."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from commontable.synth import sources, sources_care, truth
from commontable.synth.world import simulate

Progress = Callable[[str, int, int], None]
STEPS = (
    "people",
    "coverage",
    "visits",
    "clinical results",
    "medications",
    "health plans",
    "medical groups",
    "hospitals",
    "community organizations",
    "registry",
    "truth",
)


@dataclass
class RegionSummary:
    """What generate_region wrote: people, organizations, rows per file, seconds taken."""

    people: int
    organizations: int
    files: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def generate_region(
    people: int,
    seed: int,
    out: Path,
    years: tuple[int, int] = (2023, 2025),
    progress: Progress | None = None,
) -> RegionSummary:
    """Write a synthetic region under `out`: `sources/<member>/...` and `truth/`.

    Example:
        >>> summary = generate_region(people=2_000, seed=7, out=Path("demo/region"))
    """
    began = time.perf_counter()
    out = Path(out)
    span = range(years[0], years[1] + 1)
    seconds: dict[str, float] = {}
    clock = [time.perf_counter()]
    current = ["setup"]

    def step(name: str) -> None:
        now = time.perf_counter()
        seconds[current[0]] = round(now - clock[0], 2)
        clock[0], current[0] = now, name
        if progress is not None:
            progress(name, STEPS.index(name), len(STEPS))

    world = simulate(people, seed, span, step)
    source_person: list[pa.Table] = []

    def record(slug: str, table: str, file_name: str, ids: pa.Array, persons: np.ndarray) -> None:
        n = len(persons)
        source_person.append(
            pa.table(
                {
                    "data_source": pa.array([slug] * n),
                    "source_table": pa.array([table] * n),
                    "file_name": pa.array([file_name] * n),
                    "source_person_id": ids,
                    "person_key": world.people["person_key"].take(pa.array(persons)),
                }
            )
        )

    folder = out / "sources"
    npi = sources.npi_arrays(world)
    files: dict[str, int] = {}
    step("health plans")
    files.update(_prefixed(sources.payer_files(world, folder, npi, record)))
    files.update(_prefixed(sources.collaborative_files(world, folder)))
    step("medical groups")
    files.update(_prefixed(sources_care.group_files(world, folder, npi, record)))
    step("hospitals")
    files.update(_prefixed(sources_care.hospital_files(world, folder, npi, record)))
    step("community organizations")
    files.update(_prefixed(sources_care.cbo_files(world, folder, npi, record)))
    step("registry")
    files.update(_prefixed(sources_care.registry_files(world, folder, npi, record)))
    step("truth")
    files.update(truth.write_truth(world, out, source_person, seconds))
    step("truth")  # records the truth step's own seconds in the summary only
    if progress is not None:
        progress("done", len(STEPS), len(STEPS))
    return RegionSummary(
        people=people,
        organizations=len(world.roster.orgs),
        files=files,
        seconds=round(time.perf_counter() - began, 2),
    )


def _prefixed(files: dict[str, int]) -> dict[str, int]:
    return {f"sources/{name}": rows for name, rows in files.items()}
