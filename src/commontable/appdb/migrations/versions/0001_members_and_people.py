"""Members and people: organizations, sites, collaboratives, memberships, people, roles, sign-in.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

# Allowed values as of this revision; a later revision that adds one replaces the CHECK.
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
SITE_TYPES = (
    "office",
    "clinic",
    "hospital",
    "emergency_department",
    "urgent_care",
    "pharmacy",
    "behavioral_health",
    "community_site",
    "school",
    "workplace",
    "other",
)
COLLABORATIVE_TYPES = ("network", "community_collaborative", "workgroup")
MEMBERSHIP_ROLES = ("member", "advisory_board", "convener")
ROLES = (
    "admin",
    "staff",
    "member_representative",
    "analyst",
    "data_submitter",
    "care_team",
    "viewer",
)


def _one_of(table: str, column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=op.f(f"ck_{table}_{column}"))


def _id(table: str) -> tuple[sa.Column[int], sa.PrimaryKeyConstraint]:
    return sa.Column("id", sa.Integer(), nullable=False), sa.PrimaryKeyConstraint(
        "id", name=op.f(f"pk_{table}")
    )


def _timestamp(name: str, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _references(
    table: str, column: str, target: str, ondelete: str | None = None
) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _index(table: str, column: str) -> None:
    op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def upgrade() -> None:
    op.create_table(
        "organizations",
        *_id("organizations"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("npi", sa.String(10), nullable=True),
        sa.Column("tin", sa.String(9), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        _timestamp("created_at"),
        _one_of("organizations", "type", ORGANIZATION_TYPES),
        sa.CheckConstraint("length(npi) = 10", name=op.f("ck_organizations_npi_length")),
        sa.CheckConstraint("length(tin) = 9", name=op.f("ck_organizations_tin_length")),
        _references("organizations", "parent_id", "organizations"),
        sa.UniqueConstraint("name", name=op.f("uq_organizations_name")),
        sa.UniqueConstraint("npi", name=op.f("uq_organizations_npi")),
    )
    _index("organizations", "parent_id")

    op.create_table(
        "sites",
        *_id("sites"),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("city", sa.String(100), nullable=False),
        sa.Column("state", sa.String(2), nullable=False),
        sa.Column("zip_code", sa.String(10), nullable=False),
        sa.Column("npi", sa.String(10), nullable=True),
        _timestamp("created_at"),
        _one_of("sites", "type", SITE_TYPES),
        sa.CheckConstraint("length(npi) = 10", name=op.f("ck_sites_npi_length")),
        _references("sites", "organization_id", "organizations", "CASCADE"),
        sa.UniqueConstraint("organization_id", "name", name=op.f("uq_sites_organization_id_name")),
    )
    _index("sites", "organization_id")

    op.create_table(
        "collaboratives",
        *_id("collaboratives"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("description", sa.String(2000), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        _timestamp("created_at"),
        _one_of("collaboratives", "type", COLLABORATIVE_TYPES),
        _references("collaboratives", "parent_id", "collaboratives"),
        sa.UniqueConstraint("parent_id", "name", name=op.f("uq_collaboratives_parent_id_name")),
    )
    _index("collaboratives", "parent_id")

    op.create_table(
        "memberships",
        *_id("memberships"),
        sa.Column("collaborative_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("seat", sa.String(200), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        _timestamp("created_at"),
        _one_of("memberships", "role", MEMBERSHIP_ROLES),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date",
            name=op.f("ck_memberships_ends_after_start"),
        ),
        _references("memberships", "collaborative_id", "collaboratives"),
        _references("memberships", "organization_id", "organizations"),
    )
    _index("memberships", "collaborative_id")
    _index("memberships", "organization_id")

    op.create_table(
        "people",
        *_id("people"),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        _timestamp("created_at"),
        _timestamp("last_login_at", nullable=True),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_people_email_lower_case")),
        _references("people", "organization_id", "organizations"),
        sa.UniqueConstraint("email", name=op.f("uq_people_email")),
    )
    _index("people", "organization_id")

    op.create_table(
        "role_grants",
        *_id("role_grants"),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        _timestamp("created_at"),
        _one_of("role_grants", "role", ROLES),
        _references("role_grants", "person_id", "people", "CASCADE"),
        sa.UniqueConstraint("person_id", "role", name=op.f("uq_role_grants_person_id_role")),
    )

    op.create_table(
        "api_tokens",
        *_id("api_tokens"),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        _timestamp("created_at"),
        _timestamp("last_used_at", nullable=True),
        _timestamp("revoked_at", nullable=True),
        _references("api_tokens", "organization_id", "organizations", "CASCADE"),
        _references("api_tokens", "created_by_id", "people", "SET NULL"),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_api_tokens_secret_hash")),
    )
    _index("api_tokens", "organization_id")
    _index("api_tokens", "created_by_id")

    op.create_table(
        "login_sessions",
        *_id("login_sessions"),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        _timestamp("created_at"),
        _timestamp("expires_at"),
        _references("login_sessions", "person_id", "people", "CASCADE"),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_login_sessions_secret_hash")),
    )
    _index("login_sessions", "person_id")


def downgrade() -> None:
    for table in (
        "login_sessions",
        "api_tokens",
        "role_grants",
        "people",
        "memberships",
        "collaboratives",
        "sites",
        "organizations",
    ):
        op.drop_table(table)
