"""Social needs from screening answers by the instrument's own rules (AHC HRSN: any answer that
indicates a need; interpersonal safety by its score above 10), not by the submitter's flag."""

from __future__ import annotations

from collections import Counter
from datetime import date

import ibis
import numpy as np
import pyarrow as pa

from commontable.measures.social_needs import AHC_HRSN, answers, screened_domains
from commontable.synth import sdoh
from commontable.synth.numbering import Serials

NEVER, RARELY, SOMETIMES = "LA6270-8", "LA10066-1", "LA10082-8"
SAFETY_ITEMS = ("95618-5", "95617-7", "95616-9", "95615-1")


def _answer(
    question: str,
    answer: str | None,
    *,
    flag: bool | None = None,
    domain: str | None = None,
    instrument: str = AHC_HRSN,
    text: str | None = None,
) -> dict[str, object]:
    return {
        "data_source": "clinic",
        "screening_id": "S1",
        "person_id": "P1",
        "screening_date": date(2025, 3, 1),
        "instrument": instrument,
        "question_code": question,
        "answer_code": answer,
        "answer": text,
        "domain": domain,
        "positive_flag": flag,
    }


def _positive(*rows: dict[str, object]) -> dict[str, bool]:
    table = ibis.memtable(
        list(rows),
        schema={
            "data_source": "string", "screening_id": "string", "person_id": "string",
            "screening_date": "date", "instrument": "string", "question_code": "string",
            "answer_code": "string", "answer": "string", "domain": "string",
            "positive_flag": "boolean",
        },
    )  # fmt: skip
    found = screened_domains(table).to_pyarrow().to_pylist()
    return {str(r["domain"]): bool(r["positive"]) for r in found}


def test_sometimes_running_out_of_food_is_a_need_whatever_the_flag_says() -> None:
    found = _positive(_answer("88122-7", "LA6729-3", flag=False), _answer("88123-5", "LA28398-8"))
    assert found == {"food insecurity": True}


def test_never_true_on_both_food_items_is_no_need_even_if_flagged() -> None:
    found = _positive(_answer("88122-7", "LA28398-8", flag=True), _answer("88123-5", "LA28398-8"))
    assert found == {"food insecurity": False}


def test_any_problem_with_the_place_is_a_housing_quality_need() -> None:
    assert _positive(_answer("96778-6", "LA28580-1")) == {"housing quality": True}
    assert _positive(_answer("96778-6", "LA9-3")) == {"housing quality": False}


def test_safety_answers_adding_up_to_10_are_not_a_need() -> None:
    picks = (RARELY, RARELY, SOMETIMES, SOMETIMES)  # 2 + 2 + 3 + 3
    rows = [_answer(q, a, flag=True) for q, a in zip(SAFETY_ITEMS, picks, strict=True)]
    assert _positive(*rows) == {"interpersonal safety": False}


def test_safety_answers_adding_up_to_11_are_a_need() -> None:
    picks = (RARELY, SOMETIMES, SOMETIMES, SOMETIMES)  # 2 + 3 + 3 + 3
    rows = [_answer(q, a) for q, a in zip(SAFETY_ITEMS, picks, strict=True)]
    assert _positive(*rows) == {"interpersonal safety": True}


def test_a_safety_total_score_above_10_is_a_need() -> None:
    total = _answer("95614-4", None, domain="interpersonal safety", text="12")
    assert _positive(_answer("95618-5", NEVER), total) == {"interpersonal safety": True}


def test_another_instruments_answers_keep_the_submitters_flag_and_domain() -> None:
    prapare = _answer("93031-3", "LA30122-8", flag=True, domain="financial strain",
                      instrument="PRAPARE")  # fmt: skip
    assert _positive(prapare) == {"financial strain": True}


def test_an_answer_code_the_instrument_lacks_keeps_the_submitters_flag() -> None:
    typo = _answer("93030-5", "LA33-X", flag=True, domain="transportation")
    assert _positive(typo) == {"transportation": True}


def test_every_listed_question_can_be_answered_both_ways() -> None:
    by_question: dict[str, Counter[str]] = {}
    for row in answers():
        kinds = by_question.setdefault(str(row["question_code"]), Counter())
        kinds["scored" if row["points"] is not None else str(row["positive"])] += 1
    for question, kinds in by_question.items():
        assert kinds["scored"] == 5 or (kinds["True"] and kinds["False"]), question


def test_the_synthetic_regions_screenings_score_as_their_answers_are_flagged() -> None:
    """synth keeps its own copy of the tool (it imports no part): the two must agree."""
    frame = sdoh.screenings(
        np.random.default_rng(5),
        np.arange(2_000),
        np.full(2_000, np.datetime64("2025-03-01")),
        np.ones(2_000, bool),
        "interpersonal safety",
        "T",
        Serials(),
    )
    rows = pa.table(
        {
            "data_source": pa.array(["cbo"] * len(frame["person"])),
            "screening_id": frame["screening_id"],
            "person_id": pa.array(frame["person"].astype(str)),
            "screening_date": pa.array(frame["screening_date"].astype("datetime64[D]")),
            "instrument": pa.array(frame["instrument"]),
            "question_code": pa.array(frame["question_code"]),
            "answer_code": pa.array(frame["answer_code"]),
            "answer": pa.array(frame["answer"]),
            "domain": pa.array(frame["domain"]),
            "positive_flag": pa.array(frame["positive_flag"]),
        }
    )
    scored = screened_domains(ibis.memtable(rows)).to_pyarrow().to_pylist()
    flagged = {(r["screening_id"], r["domain"]) for r in rows.to_pylist() if r["positive_flag"]}
    found = {(r["screening_id"], r["domain"]) for r in scored if r["positive"]}
    assert found == flagged
    assert any(domain == "interpersonal safety" for _, domain in found)
