"""Code lists too large to inline in a query, kept as reference tables (ICD-10-CM)."""

from __future__ import annotations

import re
from functools import cache

import ibis.expr.types as ir
import pyarrow as pa

from commontable.warehouse.contracts.codes import ICD10CM
from commontable.warehouse.store import Warehouse


@cache
def icd10cm_codes() -> pa.Table:
    """Every ICD-10-CM code and category, dots removed (CMS/CDC files, via simple-icd-10-cm)."""
    import simple_icd_10_cm as icd

    pattern = re.compile(ICD10CM.pattern)  # drops chapters ("4") and blocks ("E08-E13")
    codes = sorted(c for c in icd.get_all_codes(with_dots=False) if pattern.match(c))
    return pa.table({"code": codes})


LISTS = {"icd10cm": icd10cm_codes}


def unknown_codes(warehouse: Warehouse, values: ir.Table, reference_list: str) -> list[str]:
    """Distinct normalised values (column `code`) that the reference list does not hold."""
    reference = warehouse.reference(reference_list, LISTS[reference_list])
    distinct = values.filter(values.code.notnull()).distinct()
    missing = distinct.anti_join(reference, "code")
    return sorted(missing.code.to_pyarrow().to_pylist())
