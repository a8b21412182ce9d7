"""Person fields are normalised in the engine, and a bad mapping says what to do."""

from __future__ import annotations

import ibis
import pytest

from commontable.errors import UserError
from commontable.identity import parse_mapping, person_table


def test_fields_are_normalised() -> None:
    raw = ibis.memtable(
        {
            "id": [" 1", "2", "3", "4"],
            "name": ["o'brien-smith", "  Ann  Marie ", "", None],
            "dob": ["19990219", "1999-2-19", "02/19/1999", "2/30/1999"],
            "tel": ["(555) 123-4567", "n/a", "555.123.4567", None],
            "gender": ["male", "F", "x", None],
            "no": ["12", None, "12", "7"],
            "street": ["Oak St.", None, "oak st", "Elm"],
        }
    )
    mapping = {
        "first_name": ["name"],
        "birth_date": ["dob"],
        "phone": ["tel"],
        "sex": ["gender"],
        "address": ["no", "street"],
    }
    rows = person_table(raw, "id", mapping, "a").to_pyarrow().to_pylist()
    assert [r["record_id"] for r in rows] == ["1", "2", "3", "4"]
    assert [r["first_name"] for r in rows] == ["OBRIEN SMITH", "ANN MARIE", None, None]
    assert [r["birth_date"] for r in rows] == ["1999-02-19"] * 3 + [None]
    assert [r["phone"] for r in rows] == ["5551234567", None, "5551234567", None]
    assert [r["sex"] for r in rows] == ["M", "F", None, None]
    assert [r["address"] for r in rows] == ["12 OAK ST", None, "12 OAK ST", "7 ELM"]


def test_several_columns_map_to_one_field() -> None:
    mapping = parse_mapping("street_number=address, address_1=address,surname=last_name")
    assert mapping == {"address": ["street_number", "address_1"], "last_name": ["surname"]}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("given=firstname", "unknown person field"),
        ("given", "should look like SOURCE_COLUMN=FIELD"),
        ("", "--map is empty"),
    ],
)
def test_bad_map_is_a_user_error(text: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_mapping(text)


def test_missing_column_is_a_user_error() -> None:
    raw = ibis.memtable({"id": ["1"], "name": ["A"]})
    with pytest.raises(UserError, match="not in the file; its columns are: id, name"):
        person_table(raw, "id", {"first_name": ["given"]}, "a")
