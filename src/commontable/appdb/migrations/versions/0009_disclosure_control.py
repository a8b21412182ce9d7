"""Disclosure control: published results hold only what is shown; suppressed cells' figures live
apart (suppressed_results); fair-comparison figures, the providers behind cost figures, the
publication's attacker audit, and the data steward role.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None

ROLES = (
    "admin",
    "staff",
    "member_representative",
    "analyst",
    "data_submitter",
    "care_team",
    "viewer",
)
NEW_ROLES = (*ROLES, "data_steward")
# The figures of a result cell: shown in published_results, or kept in suppressed_results.
FIGURES = (
    "denominator",
    "numerator",
    "member_years",
    "rate",
    "ci_low",
    "ci_high",
    "reliability",
    "expected",
    "oe_ratio",
    "oe_low",
    "oe_high",
    "risk_standardised_rate",
    "member_months",
    "paid_amount",
    "predicted",
    "p_value",
    "q_value",
    "reference_rate",
    "providers",
    "largest_provider_share",
)
NEW_FIGURES = ("predicted", "p_value", "q_value", "reference_rate", "providers")
INTEGERS = ("denominator", "numerator", "providers")


def _column(name: str) -> sa.Column[object]:
    if name in INTEGERS:
        return sa.Column(name, sa.Integer(), nullable=True)
    return sa.Column(name, sa.Float(), nullable=True)


def _replace_role_check(batch: BatchOperations, values: tuple[str, ...]) -> None:
    batch.drop_constraint(op.f("ck_role_grants_role"), type_="check")
    allowed = ", ".join(f"'{v}'" for v in values)
    batch.create_check_constraint(op.f("ck_role_grants_role"), sa.text(f"role IN ({allowed})"))


def upgrade() -> None:
    with op.batch_alter_table("role_grants") as batch:
        _replace_role_check(batch, NEW_ROLES)
    with op.batch_alter_table("publications") as batch:
        batch.add_column(
            sa.Column("primary_suppressed", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("audit", sa.JSON(), nullable=True))
    with op.batch_alter_table("published_results") as batch:
        for name in NEW_FIGURES:
            batch.add_column(_column(name))
        batch.add_column(sa.Column("largest_provider_share", sa.Float(), nullable=True))
        batch.add_column(sa.Column("adjustment", sa.String(40), nullable=True))
        batch.add_column(
            sa.Column("suppressed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.alter_column("denominator", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("numerator", existing_type=sa.Integer(), nullable=True)
    op.create_table(
        "suppressed_results",
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        *(_column(name) for name in FIGURES),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("comparison", sa.String(20), nullable=True),
        sa.CheckConstraint(
            "reason IN ('primary', 'complementary')",
            name=op.f("ck_suppressed_results_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["result_id"],
            ["published_results.id"],
            name=op.f("fk_suppressed_results_result_id_published_results"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("result_id", name=op.f("pk_suppressed_results")),
    )
    # Cells suppressed by an earlier publication: their figures move apart, blanked in place.
    kept = ", ".join(name for name in FIGURES)
    op.execute(
        f"INSERT INTO suppressed_results (result_id, reason, {kept}, status, comparison) "
        f"SELECT id, suppression, {kept}, status, comparison FROM published_results "
        "WHERE suppression IS NOT NULL"
    )
    blank = ", ".join(f"{name} = NULL" for name in FIGURES)
    op.execute(
        f"UPDATE published_results SET suppressed = TRUE, {blank}, comparison = NULL, "
        "status = 'suppressed' WHERE suppression IS NOT NULL"
    )
    with op.batch_alter_table("published_results") as batch:
        batch.drop_constraint(op.f("ck_published_results_suppression_kind"), type_="check")
        batch.drop_column("suppression")


def downgrade() -> None:
    with op.batch_alter_table("published_results") as batch:
        batch.add_column(sa.Column("suppression", sa.String(20), nullable=True))
        batch.create_check_constraint(
            op.f("ck_published_results_suppression_kind"),
            sa.text("suppression IS NULL OR suppression IN ('primary', 'complementary')"),
        )
    older = [n for n in FIGURES if n not in (*NEW_FIGURES, "largest_provider_share")]
    restored = ", ".join(
        f"{name} = (SELECT s.{name} FROM suppressed_results s WHERE s.result_id = "
        f"published_results.id)"
        for name in (*older, "status", "comparison")
    )
    op.execute(
        f"UPDATE published_results SET {restored}, suppression = (SELECT s.reason FROM "
        "suppressed_results s WHERE s.result_id = published_results.id) "
        "WHERE id IN (SELECT result_id FROM suppressed_results)"
    )
    op.drop_table("suppressed_results")
    with op.batch_alter_table("published_results") as batch:
        batch.alter_column("denominator", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("numerator", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("suppressed")
        batch.drop_column("adjustment")
        batch.drop_column("largest_provider_share")
        for name in reversed(NEW_FIGURES):
            batch.drop_column(name)
    with op.batch_alter_table("publications") as batch:
        batch.drop_column("audit")
        batch.drop_column("primary_suppressed")
    with op.batch_alter_table("role_grants") as batch:
        _replace_role_check(batch, ROLES)
