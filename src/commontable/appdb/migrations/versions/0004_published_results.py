"""Published measure results (publishing/models.py); organizations' roster ids, and the
collaborative's own backbone organization as an organization type.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

ORGANIZATION_TYPES = (
    "purchaser",
    "health_plan",
    "hospital",
    "clinic",
    "cbo",
    "public_health",
    "consumer_advocate",
    "school",
    "workplace",
    "government",
    "academic",
)
NEW_ORGANIZATION_TYPES = (*ORGANIZATION_TYPES, "collaborative")


def _replace_type_check(batch: BatchOperations, values: tuple[str, ...]) -> None:
    batch.drop_constraint(op.f("ck_organizations_type"), type_="check")
    allowed = ", ".join(f"'{v}'" for v in values)
    batch.create_check_constraint(op.f("ck_organizations_type"), sa.text(f"type IN ({allowed})"))


def upgrade() -> None:
    with op.batch_alter_table("organizations") as batch:
        batch.add_column(sa.Column("roster_id", sa.String(100), nullable=True))
        batch.create_unique_constraint(op.f("uq_organizations_roster_id"), ["roster_id"])
        _replace_type_check(batch, NEW_ORGANIZATION_TYPES)

    op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(200), nullable=False),
        sa.Column("results", sa.Integer(), nullable=False),
        sa.Column("suppressed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publications")),
    )
    op.create_index(op.f("ix_publications_period"), "publications", ["period"])
    op.create_table(
        "published_measures",
        sa.Column("measure_id", sa.String(40), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("steward", sa.String(300), nullable=False),
        sa.Column("version", sa.String(300), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("higher_is_better", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("measure_id", name=op.f("pk_published_measures")),
    )
    op.create_table(
        "published_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.String(40), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("entity_type", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.String(100), nullable=False),
        sa.Column("entity_name", sa.String(200), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("stratum_type", sa.String(40), nullable=False),
        sa.Column("stratum", sa.String(100), nullable=False),
        sa.Column("denominator", sa.Integer(), nullable=False),
        sa.Column("numerator", sa.Integer(), nullable=False),
        sa.Column("member_years", sa.Float(), nullable=True),
        sa.Column("rate", sa.Float(), nullable=True),
        sa.Column("ci_low", sa.Float(), nullable=True),
        sa.Column("ci_high", sa.Float(), nullable=True),
        sa.Column("reliability", sa.Float(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("comparison", sa.String(20), nullable=True),
        sa.Column("suppression", sa.String(20), nullable=True),
        sa.CheckConstraint(
            "suppression IS NULL OR suppression IN ('primary', 'complementary')",
            name=op.f("ck_published_results_suppression_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publications.id"],
            name=op.f("fk_published_results_publication_id_publications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["published_measures.measure_id"],
            name=op.f("fk_published_results_measure_id_published_measures"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_published_results_organization_id_organizations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_results")),
    )
    op.create_index(
        op.f("ix_published_results_publication_id"), "published_results", ["publication_id"]
    )
    op.create_index(
        op.f("ix_published_results_organization_id"), "published_results", ["organization_id"]
    )
    op.create_index(
        "ix_published_results_lookup",
        "published_results",
        ["period", "measure_id", "entity_type", "stratum_type"],
    )


def downgrade() -> None:
    op.drop_table("published_results")
    op.drop_table("published_measures")
    op.drop_index(op.f("ix_publications_period"), table_name="publications")
    op.drop_table("publications")
    with op.batch_alter_table("organizations") as batch:
        batch.drop_constraint(op.f("uq_organizations_roster_id"), type_="unique")
        batch.drop_column("roster_id")
        _replace_type_check(batch, ORGANIZATION_TYPES)
