"""What the notifier decided for each care event: how many teams' subscriptions and rules took
it, and why none was told when consent withheld it (the measures of coordination read both).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision: str | None = "0014"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("care_events") as table:
        table.add_column(sa.Column("entitled", sa.Integer(), nullable=False, server_default="0"))
        table.add_column(
            sa.Column("withheld", sa.String(length=60), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("care_events") as table:
        table.drop_column("withheld")
        table.drop_column("entitled")
