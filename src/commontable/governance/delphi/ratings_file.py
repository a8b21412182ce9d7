"""Reading ratings gathered elsewhere (a paper round, another survey tool) from a CSV file with
the columns `round, panelist, group, item, rating`; a file that cannot be analysed is refused
with a message that says what to fix."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from commontable.errors import UserError
from commontable.governance.delphi.analysis import RATING_COLUMNS

NO_GROUP = "(no group)"
SHOWN = 5  # problems listed by row before "and N more"


def read_ratings(path: Path) -> pd.DataFrame:
    """The file's ratings, checked: round a whole number from 1, rating a whole number 1–9,
    panelist and item given, one rating per panelist, item and round, one group per panelist."""
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    try:
        raw = pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skipinitialspace=True
        )
    except pd.errors.EmptyDataError:
        raise UserError(f"{path.name}: the file is empty; {_expected()}") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        reason = " ".join(str(error).split())
        raise UserError(f"{path.name}: not a readable CSV file ({reason})") from None
    return check_ratings(raw, path.name)


def check_ratings(raw: pd.DataFrame, name: str) -> pd.DataFrame:
    """Check ratings read as text, and type them; refuse (UserError) what cannot be analysed."""
    raw = raw.rename(columns=lambda c: str(c).strip().lower())
    missing = [c for c in RATING_COLUMNS if c not in raw.columns]
    if missing:
        raise UserError(f"{name}: missing column {', '.join(missing)}; {_expected()}")
    frame = raw.loc[:, list(RATING_COLUMNS)].apply(lambda c: c.str.strip())
    if frame.empty:
        raise UserError(f"{name}: no ratings, only the header; add one row per rating")
    line = pd.Series(frame.index + 2, index=frame.index)  # the header is line 1
    problems = [
        *_blank(frame, line, "panelist"),
        *_blank(frame, line, "item"),
        *_whole_numbers(frame, line, "round", 1, None),
        *_whole_numbers(frame, line, "rating", 1, 9),
    ]
    if problems:
        raise UserError(_listing(name, problems))
    ratings: pd.DataFrame = frame.assign(
        round=frame["round"].astype(int),
        rating=frame["rating"].astype(int),
        group=frame["group"].replace("", NO_GROUP),
    )
    _refuse_duplicates(ratings, line, name)
    _refuse_changing_groups(ratings, name)
    return ratings


def _expected() -> str:
    return f"the header should be: {','.join(RATING_COLUMNS)}"


def _blank(frame: pd.DataFrame, line: pd.Series, column: str) -> list[str]:
    return [f"line {line[i]}: no {column}" for i in frame.index[frame[column] == ""]]


def _whole_numbers(
    frame: pd.DataFrame, line: pd.Series, column: str, low: int, high: int | None
) -> list[str]:
    """Lines whose `column` is not a whole number from `low` (to `high`)."""
    values = frame[column]
    numbers = pd.to_numeric(values.where(values.str.fullmatch(r"[+-]?\d+"), None), errors="coerce")
    bad = numbers.isna() | (numbers < low)
    if high is not None:
        bad |= numbers > high
    span = f"from {low} to {high}" if high is not None else f"from {low} up"
    return [
        f"line {line[i]}: {column} '{values[i]}' is not a whole number {span}"
        for i in frame.index[bad]
    ]


def _refuse_duplicates(ratings: pd.DataFrame, line: pd.Series, name: str) -> None:
    twice = ratings.duplicated(["round", "panelist", "item"], keep=False)
    if twice.any():
        first = ratings[twice].iloc[0]
        lines = ", ".join(str(line[i]) for i in ratings.index[twice][:SHOWN])
        raise UserError(
            f"{name}: panelist '{first['panelist']}' rated item '{first['item']}' more than once "
            f"in round {first['round']} (lines {lines}); keep one rating per panelist, item "
            "and round"
        )


def _refuse_changing_groups(ratings: pd.DataFrame, name: str) -> None:
    groups = ratings.groupby("panelist")["group"].unique()
    moving = groups[groups.map(len) > 1]
    if not moving.empty:
        panelist = moving.index[0]
        found = " and ".join(sorted(moving.iloc[0]))
        raise UserError(
            f"{name}: panelist '{panelist}' is in groups {found}; a panelist belongs to one "
            "stakeholder group in every round"
        )


def _listing(name: str, problems: list[str]) -> str:
    shown = "; ".join(problems[:SHOWN])
    more = f"; and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""
    count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
    return f"{name}: {count}: {shown}{more}"
