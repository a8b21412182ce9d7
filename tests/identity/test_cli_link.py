"""`commontable link` writes one person_id per record and refuses a bad --map."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from commontable.cli import app
from commontable.errors import UserError
from tests.identity.conftest import population, with_duplicates, write

MAP = "first=first_name,last=last_name,dob=birth_date,sex=sex,street=address,zip=zip,ssn=ssn"


def test_link_writes_clusters(tmp_path: Path) -> None:
    people = write(with_duplicates(population(300)), tmp_path / "people.csv")
    out = tmp_path / "clusters.csv"
    args = ["link", str(people), "--id-column", "id", "--map", MAP, "--out", str(out)]
    result = CliRunner().invoke(app, [*args, "--truth", r"^d?(.*)$"])
    assert result.exit_code == 0, result.output
    assert "records" in result.output
    assert "pairwise precision=" in result.output
    assert out.read_text().startswith('"record_id","source","person_id","match_probability"')


def test_bad_map_field_is_a_user_error(tmp_path: Path) -> None:
    people = write(population(20), tmp_path / "people.csv")
    args = ["link", str(people), "--id-column", "id", "--map", "first=forename", "--out", "x.csv"]
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, UserError)
    with pytest.raises(UserError, match="use one of: first_name"):
        raise result.exception
