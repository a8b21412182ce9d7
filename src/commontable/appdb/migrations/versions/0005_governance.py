"""Governance: Delphi studies (governance/delphi/models.py) and decisions — motions, votes,
conflicts of interest, the decision log, decision links, quorum and threshold settings
(governance/decisions/models.py).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None

# Allowed values as of this revision; a later revision that adds one replaces the CHECK.
STUDY_RULES = ("cos", "rand")
VERDICTS = ("include", "exclude", "undecided")
STAKEHOLDER_GROUPS = (
    "patients",
    "employers",
    "health_plans",
    "providers",
    "cbos",
    "public_health",
)
MOTION_KINDS = ("proposal", "choose_one", "ranked", "score", "meeting_time")
MOTION_STATUSES = ("draft", "open", "closed")
POSITIONS = ("yes", "no", "abstain", "block")
LINK_KINDS = ("plan", "measure_set", "member", "data_use_agreement", "other")


def _one_of(table: str, column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=op.f(f"ck_{table}_{column}"))


def _check(table: str, name: str, condition: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(condition, name=op.f(f"ck_{table}_{name}"))


def _id(table: str) -> tuple[sa.Column[int], sa.PrimaryKeyConstraint]:
    return sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint(
        "id", name=op.f(f"pk_{table}")
    )


def _integer(name: str, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), nullable=nullable)


def _text(name: str, length: int, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(length), nullable=nullable)


def _timestamp(name: str, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _references(
    table: str, column: str, target: str, ondelete: str | None = None
) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _unique(table: str, *columns: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=op.f(f"uq_{table}_{'_'.join(columns)}"))


def _index(table: str, column: str) -> None:
    op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def upgrade() -> None:
    _delphi()
    _decisions()


def _delphi() -> None:
    op.create_table(
        "delphi_studies",
        *_id("delphi_studies"),
        _integer("collaborative_id"),
        _text("title", 200),
        _text("question", 1000),
        _text("rule", 32),
        _integer("max_rounds"),
        _integer("created_by_id", nullable=True),
        _timestamp("created_at"),
        _timestamp("finished_at", nullable=True),
        _text("stop_reason", 300),
        _one_of("delphi_studies", "rule", STUDY_RULES),
        _check("delphi_studies", "max_rounds_range", "max_rounds BETWEEN 1 AND 10"),
        _references("delphi_studies", "collaborative_id", "collaboratives"),
        _references("delphi_studies", "created_by_id", "people", "SET NULL"),
    )
    _index("delphi_studies", "collaborative_id")

    op.create_table(
        "delphi_items",
        *_id("delphi_items"),
        _integer("study_id"),
        _integer("position"),
        _text("measure_id", 40, nullable=True),
        _text("text", 500),
        _text("verdict", 32, nullable=True),
        _one_of("delphi_items", "verdict", VERDICTS),
        _references("delphi_items", "study_id", "delphi_studies", "CASCADE"),
        _unique("delphi_items", "study_id", "position"),
    )

    op.create_table(
        "delphi_panelists",
        *_id("delphi_panelists"),
        _integer("study_id"),
        _integer("person_id"),
        _text("stakeholder_group", 32),
        _timestamp("added_at"),
        _one_of("delphi_panelists", "stakeholder_group", STAKEHOLDER_GROUPS),
        _references("delphi_panelists", "study_id", "delphi_studies", "CASCADE"),
        _references("delphi_panelists", "person_id", "people"),
        _unique("delphi_panelists", "study_id", "person_id"),
    )
    _index("delphi_panelists", "person_id")

    op.create_table(
        "delphi_rounds",
        *_id("delphi_rounds"),
        _integer("study_id"),
        _integer("number"),
        _timestamp("opened_at"),
        _timestamp("closes_at"),
        _timestamp("closed_at", nullable=True),
        _check("delphi_rounds", "closes_after_opening", "closes_at > opened_at"),
        _references("delphi_rounds", "study_id", "delphi_studies", "CASCADE"),
        _unique("delphi_rounds", "study_id", "number"),
    )

    op.create_table(
        "delphi_ratings",
        *_id("delphi_ratings"),
        _integer("round_id"),
        _integer("item_id"),
        _integer("panelist_id"),
        _integer("rating"),
        _text("comment", 2000),
        _timestamp("rated_at"),
        _check("delphi_ratings", "rating_scale", "rating BETWEEN 1 AND 9"),
        _references("delphi_ratings", "round_id", "delphi_rounds", "CASCADE"),
        _references("delphi_ratings", "item_id", "delphi_items", "CASCADE"),
        _references("delphi_ratings", "panelist_id", "delphi_panelists", "CASCADE"),
        _unique("delphi_ratings", "round_id", "item_id", "panelist_id"),
    )
    _index("delphi_ratings", "item_id")
    _index("delphi_ratings", "panelist_id")


def _decisions() -> None:
    op.create_table(
        "governance_settings",
        _integer("collaborative_id"),
        sa.Column("quorum", sa.Float(), nullable=False),
        sa.Column("pass_threshold", sa.Float(), nullable=False),
        sa.Column("threshold_inclusive", sa.Boolean(), nullable=False),
        _timestamp("updated_at"),
        _check("governance_settings", "quorum_share", "quorum > 0 AND quorum <= 1"),
        _check(
            "governance_settings",
            "threshold_share",
            "pass_threshold > 0 AND pass_threshold < 1",
        ),
        _references("governance_settings", "collaborative_id", "collaboratives", "CASCADE"),
        sa.PrimaryKeyConstraint("collaborative_id", name=op.f("pk_governance_settings")),
    )

    op.create_table(
        "motions",
        *_id("motions"),
        _integer("collaborative_id"),
        _text("kind", 32),
        _text("title", 200),
        _text("body", 4000),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        _text("status", 32),
        _integer("max_score"),
        _timestamp("opens_at", nullable=True),
        _timestamp("closes_at"),
        _integer("created_by_id", nullable=True),
        _timestamp("created_at"),
        _timestamp("closed_at", nullable=True),
        _one_of("motions", "kind", MOTION_KINDS),
        _one_of("motions", "status", MOTION_STATUSES),
        _check("motions", "closes_after_opening", "opens_at IS NULL OR closes_at > opens_at"),
        _check("motions", "max_score_range", "max_score BETWEEN 1 AND 100"),
        _references("motions", "collaborative_id", "collaboratives"),
        _references("motions", "created_by_id", "people", "SET NULL"),
    )
    _index("motions", "collaborative_id")

    op.create_table(
        "motion_options",
        *_id("motion_options"),
        _integer("motion_id"),
        _integer("position"),
        _text("label", 200),
        _references("motion_options", "motion_id", "motions", "CASCADE"),
        _unique("motion_options", "motion_id", "position"),
    )

    op.create_table(
        "votes",
        *_id("votes"),
        _integer("motion_id"),
        _integer("organization_id"),
        _integer("person_id"),
        _text("position", 32, nullable=True),
        _timestamp("cast_at"),
        _one_of("votes", "position", POSITIONS),
        _references("votes", "motion_id", "motions", "CASCADE"),
        _references("votes", "organization_id", "organizations"),
        _references("votes", "person_id", "people"),
        _unique("votes", "motion_id", "organization_id"),
    )
    _index("votes", "organization_id")
    _index("votes", "person_id")

    op.create_table(
        "vote_marks",
        *_id("vote_marks"),
        _integer("vote_id"),
        _integer("option_id"),
        _integer("value"),
        _references("vote_marks", "vote_id", "votes", "CASCADE"),
        _references("vote_marks", "option_id", "motion_options", "CASCADE"),
        _unique("vote_marks", "vote_id", "option_id"),
    )
    _index("vote_marks", "option_id")

    op.create_table(
        "conflicts_of_interest",
        *_id("conflicts_of_interest"),
        _integer("motion_id"),
        _integer("organization_id"),
        _integer("person_id"),
        _text("reason", 1000),
        _timestamp("declared_at"),
        _references("conflicts_of_interest", "motion_id", "motions", "CASCADE"),
        _references("conflicts_of_interest", "organization_id", "organizations"),
        _references("conflicts_of_interest", "person_id", "people"),
        _unique("conflicts_of_interest", "motion_id", "organization_id"),
    )
    _index("conflicts_of_interest", "organization_id")
    _index("conflicts_of_interest", "person_id")

    op.create_table(
        "decision_log",
        *_id("decision_log"),
        _integer("motion_id"),
        _integer("collaborative_id"),
        _timestamp("decided_at"),
        _integer("decided_by_id", nullable=True),
        _text("outcome", 500),
        sa.Column("passed", sa.Boolean(), nullable=True),
        _text("winner", 200, nullable=True),
        sa.Column("quorum_met", sa.Boolean(), nullable=False),
        _integer("eligible"),
        _integer("voted"),
        sa.Column("tally", sa.Text(), nullable=False),
        _references("decision_log", "motion_id", "motions"),
        _references("decision_log", "collaborative_id", "collaboratives"),
        _references("decision_log", "decided_by_id", "people", "SET NULL"),
        _unique("decision_log", "motion_id"),
    )
    _index("decision_log", "collaborative_id")

    op.create_table(
        "decision_links",
        *_id("decision_links"),
        _integer("motion_id"),
        _text("kind", 32),
        _text("ref", 100),
        _text("text", 500),
        _timestamp("created_at"),
        _one_of("decision_links", "kind", LINK_KINDS),
        _references("decision_links", "motion_id", "motions", "CASCADE"),
    )
    _index("decision_links", "motion_id")


def downgrade() -> None:
    for table in (
        "decision_links",
        "decision_log",
        "conflicts_of_interest",
        "vote_marks",
        "votes",
        "motion_options",
        "motions",
        "governance_settings",
        "delphi_ratings",
        "delphi_rounds",
        "delphi_panelists",
        "delphi_items",
        "delphi_studies",
    ):
        op.drop_table(table)
