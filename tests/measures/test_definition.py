"""What a measure definition may declare: units, types and the entities it reports on."""

from __future__ import annotations

import dataclasses

import pytest

from commontable.measures import MEASURES
from commontable.measures.definition import EVENT, HOSPITAL, RATE_PER_1000


def test_a_measure_counting_people_cannot_report_by_hospital() -> None:
    with pytest.raises(ValueError, match="only events"):
        dataclasses.replace(MEASURES["CMS125"], reports=(HOSPITAL,))


def test_only_a_proportion_counts_events() -> None:
    with pytest.raises(ValueError, match="only a proportion"):
        dataclasses.replace(MEASURES["HWR-30"], type=RATE_PER_1000, unit=EVENT)


def test_rates_know_what_they_are_per() -> None:
    assert (MEASURES["ED-VISITS"].per, MEASURES["PQI-08"].per) == (1_000, 100_000)
