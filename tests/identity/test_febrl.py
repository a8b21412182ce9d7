"""Pairwise F1 on the FEBRL benchmark stays above what we measured (minus a small margin)."""

from __future__ import annotations

from pathlib import Path

import pytest

from commontable.identity import link_files, score, truth_from_ids
from tests.identity.conftest import FEBRL_MAP

FEBRL_TRUTH = r"rec-(\d+)-"


def test_dataset1_dedupe_f1(febrl: Path) -> None:
    clusters = link_files(febrl / "dataset1.csv", None, "rec_id", FEBRL_MAP, threshold=0.9)
    scores = score(clusters, truth_from_ids(clusters, FEBRL_TRUTH))
    assert scores.f1 >= 0.98, scores.summary()  # measured 0.998
    assert scores.precision >= 0.98, scores.summary()


@pytest.mark.slow
def test_dataset2_dedupe_f1(febrl: Path) -> None:
    clusters = link_files(febrl / "dataset2.csv", None, "rec_id", FEBRL_MAP, threshold=0.9)
    scores = score(clusters, truth_from_ids(clusters, FEBRL_TRUTH))
    assert scores.f1 >= 0.98, scores.summary()  # measured 0.998


def test_dataset4_link_f1(febrl: Path) -> None:
    clusters = link_files(
        febrl / "dataset4a.csv", febrl / "dataset4b.csv", "rec_id", FEBRL_MAP, threshold=0.9
    )
    assert set(clusters["source"].to_pylist()) == {"a", "b"}
    scores = score(clusters, truth_from_ids(clusters, FEBRL_TRUTH))
    assert scores.f1 >= 0.98, scores.summary()  # measured 0.999
