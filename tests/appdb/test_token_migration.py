"""Revision 0012 gives tokens issued before it both scopes and a year's life from issue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from commontable.appdb import create_engine, upgrade


def test_an_earlier_token_keeps_both_scopes_and_expires_a_year_after_issue(
    tmp_path: Path,
) -> None:
    url = str(tmp_path / "app.db")
    upgrade(url, "0011")
    engine = create_engine(url)
    issued = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO organizations (id, name, type, data_source, created_at) "
                "VALUES (1, 'Cascade', 'health_plan', 'cascade', :at)"
            ),
            {"at": issued},
        )
        connection.execute(
            sa.text(
                "INSERT INTO api_tokens (id, organization_id, name, prefix, secret_hash, "
                "created_at) VALUES (1, 1, 'claims feed', 'ct_abc', 'f00', :at)"
            ),
            {"at": issued},
        )
    engine.dispose()
    upgrade(url)
    engine = create_engine(url)
    with engine.begin() as connection:
        scopes, expires = connection.execute(
            sa.text("SELECT scopes, expires_at FROM api_tokens")
        ).one()
    engine.dispose()
    assert scopes == "submit read"
    assert str(issued.replace(tzinfo=None) + timedelta(days=365)) in str(expires)
