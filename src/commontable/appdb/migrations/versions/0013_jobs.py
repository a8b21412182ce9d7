"""Jobs: warehouse work queued by the web and the API and run in turn by the one worker
(commontable/jobs), with status and progress for the pages.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision: str | None = "0012"
branch_labels: str | None = None
depends_on: str | None = None

# Allowed values as of this revision; a later revision that adds one replaces the CHECK.
KINDS = ("load-submission", "decide-match", "match", "run-measures", "publish")
STATUSES = ("queued", "running", "done", "failed")


def _one_of(column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=op.f(f"ck_jobs_{column}"))


def _references(column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_jobs_{column}_{target}"), ondelete="SET NULL"
    )


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("api_token_id", sa.Integer(), nullable=True),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("step", sa.String(300), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.JSON(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        _one_of("kind", KINDS),
        _one_of("status", STATUSES),
        _references("organization_id", "organizations"),
        _references("requested_by_id", "people"),
        _references("api_token_id", "api_tokens"),
    )
    for column in ("status", "organization_id", "requested_by_id"):
        op.create_index(op.f(f"ix_jobs_{column}"), "jobs", [column])


def downgrade() -> None:
    op.drop_table("jobs")
