"""People arriving on a live feed: the person a member's patient already is (the crosswalk of
the last match), or else a provisional id, stable for that patient, until the next match."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Mapping
from pathlib import Path

import duckdb
import ibis
import pyarrow as pa
from splink import DuckDBAPI

from commontable.identity.fields import normalised, with_name_keys
from commontable.identity.model import load, make_linker
from commontable.identity.records import MATCH_FIELDS
from commontable.warehouse import Tables, Warehouse

PROVISIONAL_PREFIX = "N"  # never a matched person's P: a page can tell them apart


def provisional_id(data_source: str, source_person_id: str) -> str:
    """N and nine hex digits of the record's hash: the same patient gets the same id each time."""
    digest = hashlib.sha256(f"{data_source}|{source_person_id}".encode()).hexdigest()
    return PROVISIONAL_PREFIX + digest[:9].upper()


def source_people(warehouse: Tables, data_source: str) -> dict[str, str]:
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


def crosswalk_version(warehouse: Warehouse) -> tuple[object, ...]:
    """What changes when a match runs: the crosswalk's size and its latest match time."""
    crosswalk = warehouse.table("person_crosswalk")
    row = crosswalk.aggregate(n=crosswalk.count(), last=crosswalk.matched_at.max()).to_pyarrow()
    return (row["n"][0].as_py(), row["last"][0].as_py())


# What a live feed's message and the person table both carry (the person table keeps no SSN).
ARRIVAL_FIELDS = ("first_name", "last_name", "birth_date", "sex", "address", "city", "state",
                  "zip", "phone")  # fmt: skip
FEED_COLUMNS = {"zip": "zip_code"}  # an adt_event row's name for a field, where it differs


class ArrivalMatcher:
    """New patients of a live feed matched to the persons of the last match, with its saved
    model: Splink scores each arrival against the known persons (predict_between, on the
    model's blocking rules), and an arrival at or above the threshold is that person."""

    def __init__(self, warehouse: Warehouse, model: Path, threshold: float = 0.9) -> None:
        self.threshold = threshold
        self.fields = set(ARRIVAL_FIELDS)
        parameters = load(model, set(MATCH_FIELDS))
        self.private = duckdb.connect()
        self.con = ibis.duckdb.from_connection(self.private)
        self.db_api = DuckDBAPI(self.private)
        person = warehouse.table("person")
        known = person.select(
            record_id=person.person_id,
            **normalised(
                {f: person[FEED_COLUMNS.get(f, f)].cast("string") for f in ARRIVAL_FIELDS}
            ),
        )
        self.con.create_table("known", with_name_keys(known).to_pyarrow())
        self.persons = int(self.con.table("known").count().execute())
        self.linker = (
            make_linker(self.db_api.register("known"), self.fields, parameters, self.persons)
            if parameters is not None and self.persons
            else None
        )
        if (
            self.linker is not None
        ):  # names compared with term frequencies (common names weigh less)
            for column in ("first_name", "last_name"):
                self.linker.table_management.compute_tf_table(column)
        self._round = itertools.count()

    def match(self, arrivals: Mapping[str, Mapping[str, str | None]]) -> dict[str, str]:
        """Arrivals by their source patient id -> the person each is, where one scores at or
        above the threshold (the best, when several do)."""
        if self.linker is None or not arrivals:
            return {}
        rows = pa.table({
            "record_id": list(arrivals),
            **{f: [row.get(FEED_COLUMNS.get(f, f)) for row in arrivals.values()]
               for f in ARRIVAL_FIELDS},
        })  # fmt: skip
        raw = ibis.memtable(rows.cast(pa.schema([(c, pa.string()) for c in rows.column_names])))
        new = raw.select("record_id", **normalised({f: raw[f] for f in ARRIVAL_FIELDS}))
        name = f"arrivals_{next(self._round)}"
        self.con.create_table(name, with_name_keys(new).to_pyarrow())
        try:
            scored = self.linker.inference.predict_between(
                self.db_api.register("known"),
                self.db_api.register(name),
                threshold_match_probability=self.threshold,
            )
            pairs = self.con.table(scored.physical_name)
            best = pairs.mutate(
                rank=ibis.row_number().over(
                    group_by="record_id_r", order_by=ibis.desc("match_probability")
                )
            )
            found = best.filter(best["rank"] == 0).select("record_id_l", "record_id_r")
            table = found.to_pyarrow()
        finally:
            self.con.drop_table(name, force=True)
        return dict(
            zip(table["record_id_r"].to_pylist(), table["record_id_l"].to_pylist(), strict=True)
        )

    def close(self) -> None:
        self.private.close()
