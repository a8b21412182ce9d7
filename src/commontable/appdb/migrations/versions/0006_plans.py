"""The action plan (plans/models.py): plans, action areas, goals and custom measures' values,
initiatives, member commitments and improvement (PDSA) cycles.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None

# Allowed values as of this revision; a later revision that adds one replaces the CHECK.
PLAN_STATUSES = ("draft", "active", "closed")
COMMITMENT_STATUSES = ("planned", "in_progress", "done", "off_track")
CYCLE_STAGES = ("plan", "do", "study", "act", "done")
CYCLE_DECISIONS = ("adopt", "adapt", "abandon")
ADOPTED_BY = ("decision", "delphi_study")


def _one_of(table: str, column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=op.f(f"ck_{table}_{column}"))


def _id(table: str) -> tuple[sa.Column[int], sa.PrimaryKeyConstraint]:
    return sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint(
        "id", name=op.f(f"pk_{table}")
    )


def _integer(name: str, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), nullable=nullable)


def _text(name: str, length: int, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(length), nullable=nullable)


def _float(name: str, nullable: bool = False) -> sa.Column[float]:
    return sa.Column(name, sa.Float(), nullable=nullable)


def _date(name: str, nullable: bool = False) -> sa.Column[date]:
    return sa.Column(name, sa.Date(), nullable=nullable)


def _timestamp(name: str) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _references(
    table: str, column: str, target: str, ondelete: str | None = None
) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _unique(table: str, *columns: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=op.f(f"uq_{table}_{'_'.join(columns)}"))


def _index(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def upgrade() -> None:
    op.create_table(
        "plans",
        *_id("plans"),
        _integer("collaborative_id"),
        _text("title", 200),
        _text("description", 2000),
        _integer("start_year"),
        _integer("end_year"),
        _text("status", 32),
        _timestamp("created_at"),
        _one_of("plans", "status", PLAN_STATUSES),
        sa.CheckConstraint("end_year >= start_year", name=op.f("ck_plans_years_in_order")),
        _references("plans", "collaborative_id", "collaboratives"),
    )
    _index("plans", "collaborative_id")

    op.create_table(
        "plan_action_areas",
        *_id("plan_action_areas"),
        _integer("plan_id"),
        _text("title", 200),
        _text("description", 2000),
        _references("plan_action_areas", "plan_id", "plans", "CASCADE"),
        _unique("plan_action_areas", "plan_id", "title"),
    )

    op.create_table(
        "plan_goals",
        *_id("plan_goals"),
        _integer("plan_id"),
        _integer("action_area_id", nullable=True),
        _text("title", 300),
        _text("measure_id", 40, nullable=True),
        _text("measure_title", 300),
        _text("unit", 40),
        sa.Column("higher_is_better", sa.Boolean(), nullable=False),
        _text("entity_type", 40),
        _text("entity_id", 100),
        _text("stratum_type", 40),
        _text("stratum", 100),
        _integer("baseline_period"),
        _float("baseline_value", nullable=True),
        _float("target_value"),
        _date("target_date"),
        _text("adopted_by_kind", 32, nullable=True),
        _text("adopted_by_ref", 100, nullable=True),
        _timestamp("created_at"),
        _one_of("plan_goals", "adopted_by_kind", ADOPTED_BY),
        sa.CheckConstraint(
            "(adopted_by_kind IS NULL) = (adopted_by_ref IS NULL)",
            name=op.f("ck_plan_goals_adoption_named"),
        ),
        _references("plan_goals", "plan_id", "plans", "CASCADE"),
        _references("plan_goals", "action_area_id", "plan_action_areas", "SET NULL"),
    )
    _index("plan_goals", "plan_id", "action_area_id")

    op.create_table(
        "plan_goal_values",
        *_id("plan_goal_values"),
        _integer("goal_id"),
        _integer("period"),
        _float("value"),
        _integer("entered_by_id", nullable=True),
        _timestamp("entered_at"),
        _references("plan_goal_values", "goal_id", "plan_goals", "CASCADE"),
        _references("plan_goal_values", "entered_by_id", "people", "SET NULL"),
        _unique("plan_goal_values", "goal_id", "period"),
    )

    op.create_table(
        "plan_initiatives",
        *_id("plan_initiatives"),
        _integer("plan_id"),
        _integer("action_area_id", nullable=True),
        _integer("goal_id", nullable=True),
        _integer("owner_organization_id"),
        _text("title", 200),
        _text("description", 2000),
        _timestamp("created_at"),
        _references("plan_initiatives", "plan_id", "plans", "CASCADE"),
        _references("plan_initiatives", "action_area_id", "plan_action_areas", "SET NULL"),
        _references("plan_initiatives", "goal_id", "plan_goals", "SET NULL"),
        _references("plan_initiatives", "owner_organization_id", "organizations"),
    )
    _index("plan_initiatives", "plan_id", "action_area_id", "goal_id", "owner_organization_id")

    op.create_table(
        "plan_commitments",
        *_id("plan_commitments"),
        _integer("plan_id"),
        _integer("organization_id"),
        _integer("goal_id", nullable=True),
        _integer("initiative_id", nullable=True),
        _text("description", 1000),
        _date("due_date"),
        _text("status", 32),
        _text("status_note", 1000),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _one_of("plan_commitments", "status", COMMITMENT_STATUSES),
        _references("plan_commitments", "plan_id", "plans", "CASCADE"),
        _references("plan_commitments", "organization_id", "organizations"),
        _references("plan_commitments", "goal_id", "plan_goals", "SET NULL"),
        _references("plan_commitments", "initiative_id", "plan_initiatives", "SET NULL"),
    )
    _index("plan_commitments", "plan_id", "organization_id", "goal_id", "initiative_id")

    op.create_table(
        "plan_improvement_cycles",
        *_id("plan_improvement_cycles"),
        _integer("initiative_id"),
        _text("title", 200),
        _text("change", 2000),
        _text("measure_id", 40, nullable=True),
        _text("measures", 1000),
        _date("start_date"),
        _date("end_date", nullable=True),
        _text("stage", 32),
        _text("findings", 4000),
        _text("learnings", 4000),
        _text("decision", 32, nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _one_of("plan_improvement_cycles", "stage", CYCLE_STAGES),
        _one_of("plan_improvement_cycles", "decision", CYCLE_DECISIONS),
        _references("plan_improvement_cycles", "initiative_id", "plan_initiatives", "CASCADE"),
    )
    _index("plan_improvement_cycles", "initiative_id")


def downgrade() -> None:
    for table in (
        "plan_improvement_cycles",
        "plan_commitments",
        "plan_initiatives",
        "plan_goal_values",
        "plan_goals",
        "plan_action_areas",
        "plans",
    ):
        op.drop_table(table)
