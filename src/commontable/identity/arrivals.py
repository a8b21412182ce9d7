"""People arriving on a live feed: the person a member's patient already is (the crosswalk of
the last match), or else a provisional id, stable for that patient, until the next match."""

from __future__ import annotations

import hashlib

from commontable.warehouse import Warehouse

PROVISIONAL_PREFIX = "N"  # never a matched person's P: a page can tell them apart


def provisional_id(data_source: str, source_person_id: str) -> str:
    """N and nine hex digits of the record's hash: the same patient gets the same id each time."""
    digest = hashlib.sha256(f"{data_source}|{source_person_id}".encode()).hexdigest()
    return PROVISIONAL_PREFIX + digest[:9].upper()


def source_people(warehouse: Warehouse, data_source: str) -> dict[str, str]:
    """One member's patient ids -> CommonTable person ids, as the last match left them."""
    crosswalk = warehouse.table("person_crosswalk")
    rows = (
        crosswalk.filter(crosswalk.data_source == data_source)
        .select("source_person_id", "person_id")
        .to_pyarrow()
    )
    return dict(
        zip(rows["source_person_id"].to_pylist(), rows["person_id"].to_pylist(), strict=True)
    )
