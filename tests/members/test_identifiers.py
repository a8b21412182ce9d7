"""NPIs follow the CMS check digit rule; TINs have nine digits."""

from __future__ import annotations

import random

import pytest

from commontable.errors import UserError
from commontable.members import normalise_npi, normalise_tin, npi_is_valid
from commontable.synth.identifiers import npi_valid
from tests.members.conftest import NPI, OTHER_NPIS


@pytest.mark.parametrize("npi", [NPI, *OTHER_NPIS])
def test_npis_with_their_check_digit_are_valid(npi: str) -> None:
    assert npi_is_valid(npi)


@pytest.mark.parametrize("wrong", [d for d in "0123456789" if d != NPI[-1]])
def test_any_other_check_digit_is_refused(wrong: str) -> None:
    assert not npi_is_valid(NPI[:9] + wrong)


@pytest.mark.parametrize("npi", ["123456789", "12345678930", "123456789X", "１２３４５６７８９３"])
def test_an_npi_has_exactly_ten_ascii_digits(npi: str) -> None:
    assert not npi_is_valid(npi)


def test_the_check_agrees_with_the_synthetic_region_generator() -> None:
    draws = random.Random(5)
    for _ in range(2000):
        npi = f"{draws.randrange(10**10):010d}"
        assert npi_is_valid(npi) == npi_valid(npi), npi


def test_an_npi_may_be_typed_with_spaces_or_hyphens() -> None:
    assert normalise_npi("123-456-789 3") == NPI


def test_a_bad_npi_says_where_to_look_it_up() -> None:
    with pytest.raises(UserError, match="check digit.*NPI Registry"):
        normalise_npi("1234567890")


def test_a_tin_is_stored_without_its_hyphen() -> None:
    assert normalise_tin("12-3456789") == "123456789"


@pytest.mark.parametrize("tin", ["12345678", "1234567890", "12-345678X"])
def test_a_tin_has_nine_digits(tin: str) -> None:
    with pytest.raises(UserError, match="9 digits"):
        normalise_tin(tin)
