"""The submission log and what each submission quarantined, as pages, the API and the command
line all show them: newest first, values in file order ("row 9" before "row 10"), one CSV.

Quarantined values are patient-level: whoever shows them audits it (`commontable.privacy`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import ibis

from commontable.spreadsheets import csv_text
from commontable.warehouse.intake import SubmissionResult
from commontable.warehouse.reading import Tables


@dataclass(frozen=True)
class Submission:
    """One row of the submission log, as pages and the API show it."""

    submission_id: int
    data_source: str
    status: str
    files: list[str]
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    started_at: datetime
    seconds: float
    message: str

    @classmethod
    def of(cls, row: dict[str, Any]) -> Submission:
        started: datetime = row["started_at"]
        return cls(
            submission_id=int(row["submission_id"]),
            data_source=row["data_source"],
            status=row["status"],
            files=[str(f["name"]) for f in json.loads(row["files"] or "[]")],
            rows_read=int(row["rows_read"]),
            rows_loaded=int(row["rows_loaded"]),
            rows_quarantined=int(row["rows_quarantined"]),
            started_at=started.replace(tzinfo=UTC),  # the log keeps UTC without a zone
            seconds=float(row["seconds"]),
            message=row["message"] or "",
        )


def submission_log(
    store: Tables, sources: list[str] | None = None, limit: int | None = None
) -> list[Submission]:
    """The submission log, newest first; only from `sources` when given."""
    log = store.table("submission")
    if sources is not None:
        log = log.filter(log.data_source.isin(sources or [""]))
    log = log.order_by(ibis.desc("submission_id"))
    if limit is not None:
        log = log.limit(limit)
    return [Submission.of(row) for row in log.to_pyarrow().to_pylist()]


def find_submission(store: Tables, submission_id: int) -> Submission | None:
    log = store.table("submission")
    rows = log.filter(log.submission_id == submission_id).to_pyarrow().to_pylist()
    return Submission.of(rows[0]) if rows else None


def _quarantine_of(store: Tables, submission_id: int) -> ibis.Table:
    q = store.table("quarantine")
    mine = q.filter(q.submission_id == submission_id).drop("submission_id")
    return mine.order_by(["file_name", mine.row_ref.length(), "row_ref", "column_name"])


def quarantine_rows(
    store: Tables, submission_id: int, offset: int = 0, limit: int | None = None
) -> list[dict[str, Any]]:
    """Quarantined values in file order ("row 9" before "row 10"), a page at a time."""
    rows = _quarantine_of(store, submission_id)
    if limit is not None:
        rows = rows.limit(limit, offset=offset)
    result: list[dict[str, Any]] = rows.to_pyarrow().to_pylist()
    return result


def quarantined_count(store: Tables, submission_id: int) -> int:
    """How many values a submission quarantined (a row can have several)."""
    return int(_quarantine_of(store, submission_id).count().execute())


def quarantine_reasons(store: Tables, submission_id: int) -> list[dict[str, Any]]:
    """How many values were quarantined for each reason, most first."""
    q = store.table("quarantine")
    mine = q.filter(q.submission_id == submission_id)
    counts = mine.group_by(["table_name", "column_name", "reason"]).agg(rows=mine.count())
    ordered = counts.order_by([ibis.desc("rows"), "table_name", "column_name"])
    result: list[dict[str, Any]] = ordered.to_pyarrow().to_pylist()
    return result


QUARANTINE_COLUMNS = ["file_name", "table_name", "row_ref", "column_name", "value", "reason"]


def quarantine_csv(rows: list[dict[str, Any]]) -> str:
    """Quarantined values as CSV for the submitter to fix from (formulas never run)."""
    return csv_text(QUARANTINE_COLUMNS, ([row.get(k) for k in QUARANTINE_COLUMNS] for row in rows))


def upload_outcome(result: SubmissionResult, files: list[str]) -> dict[str, Any]:
    """What became of a submission's files, as its job shows it and its audit entry keeps it
    (the web's upload and the command line's load alike)."""
    return {
        "submission_id": result.submission_id,
        "data_source": result.data_source,
        "status": result.status,
        "files": files,
        "rows_read": result.rows_read,
        "rows_loaded": result.rows_loaded,
        "rows_quarantined": result.rows_quarantined,
        "message": result.message,
    }


def upload_target(result: SubmissionResult) -> str:
    """The audit entry's target: the submission, if the load made one."""
    return f"submission {result.submission_id}" if result.submission_id else ""
