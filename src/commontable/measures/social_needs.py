"""Social needs from screening answers, by each instrument's own scoring rules: the instruments
are data (`instruments/*.csv`: question, domain, answer, points, whether the answer indicates a
need), and a screening is positive for a domain by the instrument's rule, not by whatever flag
a submitter set.

The AHC HRSN Screening Tool (CMS Accountable Health Communities model; LOINC panel 96777-8,
its core questions' LOINC codes and LA answer codes as LOINC publishes them), scored as CMS's
guide to the tool says ("A Guide to Using the Accountable Health Communities Health-Related
Social Needs Screening Tool", CMS, 2021): any answer indicating a need makes its domain positive
(living situation: worried or not steady; any problem with the place; food: often or sometimes
true on either item; transportation or utilities: yes, or already shut off), except
interpersonal safety, whose four items are scored Never 1 to Frequently 5 and are positive when
they add up to more than 10 (or the total-score item, LOINC 95614-4, says so).

Answers of instruments or questions not listed here, or with an answer code the instrument does
not have, keep the submitter's own domain and positive flag.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import ibis
import ibis.expr.types as ir

INSTRUMENTS = Path(__file__).parent / "instruments"
AHC_HRSN = "AHC HRSN"
FILES = {AHC_HRSN: "ahc_hrsn.csv"}


@dataclass(frozen=True)
class ScoreOver:
    """A domain positive when its items' points add up to more than `threshold` (or when the
    instrument's total-score item, answered as a number, is above it)."""

    threshold: float
    total_item: str | None = None


# AHC HRSN guide (CMS, 2021), questions 7-10: "A score of 11 or more ... might not be safe".
SCORED = {(AHC_HRSN, "interpersonal safety"): ScoreOver(10, total_item="95614-4")}


@cache
def answers() -> list[dict[str, object]]:
    """Every listed instrument's answers: instrument, question_code, domain, answer_code,
    points (scored domains) and positive (the others)."""
    rows: list[dict[str, object]] = []
    for instrument, name in FILES.items():
        with (INSTRUMENTS / name).open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                rows.append(
                    {
                        "instrument": instrument,
                        "question_code": row["question_code"],
                        "domain": row["domain"],
                        "answer_code": row["answer_code"],
                        "points": float(row["points"]) if row["points"] else None,
                        "positive": row["positive"] == "true",
                    }
                )
    return rows


def _answer_table() -> ir.Table:
    listed = answers()
    return ibis.memtable(
        {
            "_instrument": [r["instrument"] for r in listed],
            "_question": [r["question_code"] for r in listed],
            "_domain": [r["domain"] for r in listed],
            "_answer": [r["answer_code"] for r in listed],
            "_points": [r["points"] for r in listed],
            "_positive": [r["positive"] for r in listed],
        },
        schema={
            "_instrument": "string",
            "_question": "string",
            "_domain": "string",
            "_answer": "string",
            "_points": "float64",
            "_positive": "boolean",
        },
    )


def screened_domains(screenings: ir.Table) -> ir.Table:
    """One row per screening and domain it asked about: data_source, screening_id, person_id,
    screening_date, domain, positive (by the instrument's rules where it is listed)."""
    listed = _answer_table()
    joined = screenings.left_join(
        listed,
        [
            screenings.instrument == listed._instrument,
            screenings.question_code == listed._question,
            screenings.answer_code == listed._answer,
        ],
    )
    known = joined._instrument.notnull()
    rows = joined.select(
        "data_source",
        "screening_id",
        "person_id",
        "screening_date",
        "instrument",
        "question_code",
        domain=ibis.ifelse(known, joined._domain, joined.domain.fill_null(joined.question_code)),
        positive=ibis.ifelse(known, joined._positive, joined.positive_flag.fill_null(False)),
        points=joined._points,
        number=joined.answer.try_cast("float64"),
    )
    rule = [((rows.instrument == i) & (rows.domain == d), r) for (i, d), r in SCORED.items()]
    threshold = ibis.cases(*((when, r.threshold) for when, r in rule), else_=None)
    total_item = ibis.cases(*((when, r.total_item) for when, r in rule), else_=None)
    ruled = rows.mutate(
        _threshold=threshold.cast("float64"),
        _total_value=ibis.ifelse(rows.question_code == total_item, rows.number, None),
    )
    per = ruled.group_by(
        ["data_source", "screening_id", "person_id", "screening_date", "domain"]
    ).aggregate(
        _any=ruled.positive.any(),
        _points=ruled.points.sum(),
        _total=ruled._total_value.max(),
        _threshold=ruled._threshold.max(),
    )
    scored = per._threshold.notnull()
    over = (per._points.fill_null(0) > per._threshold) | (per._total.fill_null(0) > per._threshold)
    return per.select(
        "data_source",
        "screening_id",
        "person_id",
        "screening_date",
        "domain",
        positive=ibis.ifelse(scored, over, per._any.fill_null(False)),
    )
