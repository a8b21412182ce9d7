"""Write the synthetic region's name lists from the Faker en_US provider (MIT licence).

Run once by hand (`pip install faker` into any environment):
    python scripts/vendor_names.py
Faker's lists: top first names of the 1960s-1990s from the SSA (ssa.gov/OACT/babynames/decades),
and the top 1,000 US surnames of the 2000 Census, weighted by frequency.
"""

from __future__ import annotations

import csv
from pathlib import Path

from faker.providers.person.en_US import Provider

OUT = Path(__file__).resolve().parents[1] / "src" / "commontable" / "synth" / "data"


def main() -> None:
    with (OUT / "first_names.csv").open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["name", "sex", "weight"])
        for sex, names in (
            ("female", Provider.first_names_female),
            ("male", Provider.first_names_male),
        ):
            for name, weight in names.items():
                writer.writerow([name, sex, f"{weight:.9f}"])
    with (OUT / "last_names.csv").open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["name", "weight"])
        for name, weight in Provider.last_names.items():
            writer.writerow([name, f"{weight:.9f}"])


if __name__ == "__main__":
    main()
