"""A clinic's patient.csv submission written from a few rows, for tests that need people."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from commontable.warehouse import Warehouse, load_submission

PATIENT_COLUMNS = (
    "person_id",
    "first_name",
    "last_name",
    "sex",
    "birth_date",
    "social_security_number",
    "address",
    "city",
    "state",
    "zip_code",
    "phone",
)


def send_patients(store: Warehouse, folder: Path, source: str, rows: list[dict[str, Any]]) -> None:
    """Load a patient.csv from `source` holding the given rows (missing columns left blank)."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "patient.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, PATIENT_COLUMNS)
        writer.writeheader()
        writer.writerows({c: row.get(c, "") for c in PATIENT_COLUMNS} for row in rows)
    load_submission(store, folder, source)
