"""Reading ratings gathered elsewhere: a good file is typed, a bad one refused with a message
that says what to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from commontable.errors import UserError
from commontable.governance.delphi import read_ratings
from commontable.governance.delphi.ratings_file import NO_GROUP

HEADER = "round,panelist,group,item,rating\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ratings.csv"
    path.write_text(text)
    return path


def test_a_good_file_is_read_with_whole_numbers(tmp_path: Path) -> None:
    ratings = read_ratings(
        write(tmp_path, HEADER + "1,ann,patients,CMS125,8\n2,ann,patients,CMS125,9\n")
    )
    assert ratings["rating"].tolist() == [8, 9]
    assert ratings["round"].tolist() == [1, 2]


def test_headers_in_any_case_with_extra_columns_and_a_bom_are_fine(tmp_path: Path) -> None:
    text = "\ufeffRound, Panelist ,Group,Item,Rating,Comment\n1,ann,patients,CMS125,8,good\n"
    assert read_ratings(write(tmp_path, text))["panelist"].tolist() == ["ann"]


def test_a_blank_group_becomes_no_group(tmp_path: Path) -> None:
    ratings = read_ratings(write(tmp_path, HEADER + "1,ann,,CMS125,8\n"))
    assert ratings["group"].tolist() == [NO_GROUP]


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="missing column group; the header should be: round,"):
        read_ratings(write(tmp_path, "round,panelist,item,rating\n1,ann,CMS125,8\n"))


def test_a_rating_outside_1_to_9_is_refused_with_its_line(tmp_path: Path) -> None:
    text = HEADER + "1,ann,patients,CMS125,8\n1,bob,patients,CMS125,10\n"
    with pytest.raises(UserError, match=r"line 3: rating '10' is not a whole number from 1 to 9"):
        read_ratings(write(tmp_path, text))


def test_a_rating_that_is_not_a_number_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="rating 'high' is not a whole number"):
        read_ratings(write(tmp_path, HEADER + "1,ann,patients,CMS125,high\n"))
    with pytest.raises(UserError, match="rating '7.5' is not a whole number"):
        read_ratings(write(tmp_path, HEADER + "1,ann,patients,CMS125,7.5\n"))


def test_round_zero_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="round '0' is not a whole number from 1 up"):
        read_ratings(write(tmp_path, HEADER + "0,ann,patients,CMS125,8\n"))


def test_every_problem_is_counted_and_the_first_ones_listed(tmp_path: Path) -> None:
    rows = "".join(f"1,p{i},patients,CMS125,0\n" for i in range(8))
    with pytest.raises(UserError, match=r"8 problems: line 2: .*; and 3 more"):
        read_ratings(write(tmp_path, HEADER + rows))


def test_a_missing_panelist_or_item_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="line 2: no panelist; line 3: no item"):
        read_ratings(write(tmp_path, HEADER + "1,,patients,CMS125,8\n1,bob,patients,,8\n"))


def test_two_ratings_of_one_item_by_one_panelist_in_a_round_are_refused(tmp_path: Path) -> None:
    text = HEADER + "1,ann,patients,CMS125,8\n1,ann,patients,CMS125,6\n"
    with pytest.raises(
        UserError, match=r"'ann' rated item 'CMS125' more than once in round 1 \(lines 2, 3\)"
    ):
        read_ratings(write(tmp_path, text))


def test_a_panelist_in_two_groups_is_refused(tmp_path: Path) -> None:
    text = HEADER + "1,ann,patients,CMS125,8\n2,ann,employers,CMS125,8\n"
    with pytest.raises(UserError, match="'ann' is in groups employers and patients"):
        read_ratings(write(tmp_path, text))


def test_an_empty_file_or_a_header_alone_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="the file is empty"):
        read_ratings(write(tmp_path, ""))
    with pytest.raises(UserError, match="no ratings, only the header"):
        read_ratings(write(tmp_path, HEADER))


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file"):
        read_ratings(tmp_path / "nowhere.csv")
