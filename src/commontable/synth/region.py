"""generate_region: the whole synthetic region, sources and truth, from one seed.

People are simulated in chunks of about CHUNK_PEOPLE; each chunk's rows are appended to the
open files, so memory stays flat whatever the region's size. Organizations, clinicians and the
planted clinic rates are built once; look-alikes, readmissions and people seen by several
members are planted within a chunk.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from commontable.synth import sources, sources_care, truth
from commontable.synth.flaws import Flaws
from commontable.synth.market import build_market
from commontable.synth.measures_planted import clinic_rates
from commontable.synth.numbering import Part, Serials, chunks
from commontable.synth.organizations import build_roster
from commontable.synth.randomness import stream
from commontable.synth.world import World, simulate
from commontable.synth.writers import Sink

Progress = Callable[[str, int, int], None]
CHUNK_PEOPLE = 50_000
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


class _Clock:
    """Seconds per step summed over chunks, and progress reported as chunk and step."""

    def __init__(self, progress: Progress | None, chunk_count: int) -> None:
        self.progress = progress
        self.total = chunk_count * len(STEPS)
        self.chunk_count = chunk_count
        self.chunk = 0
        self.seconds: dict[str, float] = {}
        self.current = "setup"
        self.began = time.perf_counter()

    def step(self, name: str) -> None:
        now = time.perf_counter()
        spent = self.seconds.get(self.current, 0.0) + now - self.began
        self.seconds[self.current] = round(spent, 2)
        self.current, self.began = name, now
        if self.progress is not None and name in STEPS:
            label = (
                name if self.chunk_count == 1 else f"{name} ({self.chunk + 1}/{self.chunk_count})"
            )
            self.progress(label, self.chunk * len(STEPS) + STEPS.index(name), self.total)


def generate_region(
    people: int,
    seed: int,
    out: Path,
    years: tuple[int, int] = (2023, 2025),
    progress: Progress | None = None,
    errors: bool = True,
) -> RegionSummary:
    """Write a synthetic region under `out`: `sources/<member>/...` and `truth/`.

    With `errors`, about one row in a thousand of some files is planted with a mistake real
    submissions carry (listed in truth/planted_errors.parquet) for intake to quarantine.

    Example:
        >>> summary = generate_region(people=2_000, seed=7, out=Path("demo/region"))
    """
    began = time.perf_counter()
    out = Path(out)
    span = range(years[0], years[1] + 1)
    parts = chunks(people, CHUNK_PEOPLE)
    clock = _Clock(progress, len(parts))
    roster = build_roster(stream(seed, "organizations"))
    rates = clinic_rates(stream(seed, "planted"), len(roster.clinics))
    market = build_market(seed, roster.npis())
    flaws = Flaws(seed, out / "sources") if errors else None
    sink = Sink(out, flaws)
    sources.collaborative_files(roster, out / "sources", sink)
    tally = truth.Tally()
    serials = Serials()
    for index, (first, count) in enumerate(parts):
        clock.chunk = index
        if flaws is not None:
            flaws.chunk = index
        part = Part(index, len(parts), first, serials)
        world = simulate(count, seed, span, clock.step, roster, rates, part, market)
        _write_chunk(world, out, sink, clock)
        tally.add(world)
        del world
    clock.step("done")
    files = sink.close()
    if flaws is not None:
        files.update(flaws.write(out / "truth"))
    else:
        files.update(Flaws.write_none(out / "truth"))
    facts = truth.planted(seed, span, roster, rates, tally, clock.seconds)
    files.update(truth.write_planted(out, facts))
    if progress is not None:
        progress("done", clock.total, clock.total)
    return RegionSummary(
        people=people,
        organizations=len(roster.orgs),
        files=files,
        seconds=round(time.perf_counter() - began, 2),
    )


def _write_chunk(world: World, out: Path, sink: Sink, clock: _Clock) -> None:
    """Every member's rows of one chunk of people, then the chunk's truth."""
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
    clock.step("health plans")
    sources.payer_files(world, folder, npi, record, sink)
    clock.step("medical groups")
    sources_care.group_files(world, folder, npi, record, sink)
    clock.step("hospitals")
    sources_care.hospital_files(world, folder, npi, record, sink)
    clock.step("community organizations")
    sources_care.cbo_files(world, folder, npi, record, sink)
    clock.step("registry")
    sources_care.registry_files(world, folder, npi, record, sink)
    clock.step("truth")
    truth.write_chunk(world, out, source_person, sink)
