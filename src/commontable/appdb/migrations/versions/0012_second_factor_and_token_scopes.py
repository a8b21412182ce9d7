"""The second factor: people's encrypted TOTP secrets and last used step; sign-in sessions
waiting for it (members/second_factor.py), when they were last used (idle timeout) and last
authenticated (asked again before patient-level pages). API tokens get scopes and an expiry
(tokens.py): those issued before keep both scopes and expire a year after they were issued.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision: str | None = "0011"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("totp_secret", sa.String(255), nullable=True))
        batch.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
    with op.batch_alter_table("login_sessions") as batch:
        batch.add_column(sa.Column("pending", sa.String(16), nullable=True))
        batch.add_column(
            sa.Column("code_failures", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("authenticated_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(
            sa.Column("scopes", sa.String(64), nullable=False, server_default="submit read")
        )
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    tokens = sa.table(
        "api_tokens",
        sa.column("id", sa.Integer),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("expires_at", sa.DateTime(timezone=True)),
    )
    issued = op.get_bind().execute(sa.select(tokens.c.id, tokens.c.created_at)).all()
    for token_id, created_at in issued:
        op.execute(
            tokens.update()
            .where(tokens.c.id == token_id)
            .values(expires_at=created_at + timedelta(days=365))
        )
    with op.batch_alter_table("api_tokens") as batch:
        batch.alter_column("expires_at", nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_at")
        batch.drop_column("scopes")
    with op.batch_alter_table("login_sessions") as batch:
        batch.drop_column("authenticated_at")
        batch.drop_column("last_seen_at")
        batch.drop_column("code_failures")
        batch.drop_column("pending")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("totp_last_step")
        batch.drop_column("totp_secret")
