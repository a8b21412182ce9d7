"""Published results carry risk adjustment (expected, O/E and its interval, risk-standardised
rate) and cost exposure (member-months, paid dollars).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None

COLUMNS = (
    "expected",
    "oe_ratio",
    "oe_low",
    "oe_high",
    "risk_standardised_rate",
    "member_months",
    "paid_amount",
)


def upgrade() -> None:
    with op.batch_alter_table("published_results") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("published_results") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
