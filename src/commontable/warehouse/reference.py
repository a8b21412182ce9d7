"""Code lists too large to inline in a query, kept as reference tables (ICD-10-CM)."""

from __future__ import annotations

import os
import re
from functools import cache
from importlib.metadata import version
from pathlib import Path

import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.parquet as pq

from commontable.warehouse.contracts.codes import ICD10CM
from commontable.warehouse.store import Warehouse

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "commontable"


@cache
def icd10cm_codes() -> pa.Table:
    """Every ICD-10-CM code and category, dots removed (CMS/CDC files, via simple-icd-10-cm).

    Building the list takes seconds, so it is kept in the user's cache, one file per version.
    """
    cached = CACHE / f"icd10cm-{version('simple-icd-10-cm')}.parquet"
    if cached.exists():
        return pq.read_table(cached)
    import simple_icd_10_cm as icd

    pattern = re.compile(ICD10CM.pattern)  # drops chapters ("4") and blocks ("E08-E13")
    codes = pa.table({"code": sorted(c for c in icd.get_all_codes(False) if pattern.match(c))})
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        pq.write_table(codes, partial)
        partial.replace(cached)  # atomic, so a concurrent reader never sees half a file
    except OSError:
        pass  # a read-only home only costs the seconds again
    return codes


LISTS = {"icd10cm": icd10cm_codes}


def unknown_codes(warehouse: Warehouse, values: ir.Table, reference_list: str) -> list[str]:
    """Distinct normalised values (column `code`) that the reference list does not hold."""
    reference = warehouse.reference(reference_list, LISTS[reference_list])
    distinct = values.filter(values.code.notnull()).distinct()
    missing = distinct.anti_join(reference, "code")
    return sorted(warehouse.fetch(missing.select("code")).column("code").to_pylist())
