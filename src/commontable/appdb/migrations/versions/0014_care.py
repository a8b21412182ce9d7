"""Care coordination: care teams and their rules, subscriptions, consent, Part 2 programs, the
encounter events of the live ADT feed and the notifications they make for each team.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision: str | None = "0013"
branch_labels: str | None = None
depends_on: str | None = None


def _one_of(table: str, column: str, *values: str) -> sa.CheckConstraint:
    """The values allowed as of this revision (a later one that adds one replaces the CHECK)."""
    allowed = ", ".join(f"'{value}'" for value in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=op.f(f"ck_{table}_{column}"))


def upgrade() -> None:
    op.create_table(
        "care_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("data_source", sa.String(length=64), nullable=False),
        sa.Column("message_control_id", sa.String(length=200), nullable=False),
        sa.Column("trigger", sa.String(length=3), nullable=False),
        sa.Column(
            "kind",
            sa.String(32),
            nullable=False,
        ),
        sa.Column(
            "setting",
            sa.String(32),
            nullable=False,
        ),
        sa.Column("person_id", sa.String(length=40), nullable=False),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("source_person_id", sa.String(length=200), nullable=False),
        sa.Column("patient_name", sa.String(length=200), nullable=False),
        sa.Column("birth_date", sa.String(length=10), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("facility", sa.String(length=200), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("visit_number", sa.String(length=200), nullable=False),
        sa.Column("diagnosis_code", sa.String(length=20), nullable=False),
        sa.Column("discharge_disposition", sa.String(length=10), nullable=False),
        sa.Column("part2", sa.Boolean(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retracted_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_events")),
        sa.UniqueConstraint(
            "data_source",
            "message_control_id",
            name=op.f("uq_care_events_data_source_message_control_id"),
        ),
        _one_of("care_events", "kind", "ed_visit", "admission", "discharge", "transfer", "death"),
        _one_of(
            "care_events", "setting", "emergency", "inpatient", "outpatient", "obstetrics", "other"
        ),
    )
    with op.batch_alter_table("care_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_care_events_person_occurred", ["person_id", "occurred_at"], unique=False
        )
        batch_op.create_index("ix_care_events_visit", ["data_source", "visit_number"], unique=False)

    op.create_table(
        "care_part2_programs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("data_source", sa.String(length=64), nullable=False),
        sa.Column("facility", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_part2_programs")),
        sa.UniqueConstraint(
            "data_source", "facility", name=op.f("uq_care_part2_programs_data_source_facility")
        ),
    )
    op.create_table(
        "care_teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.String(32),
            nullable=False,
        ),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("only_flagged", sa.Boolean(), nullable=False),
        sa.Column("quiet_from", sa.Time(), nullable=True),
        sa.Column("quiet_until", sa.Time(), nullable=True),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("webhook_url", sa.String(length=500), nullable=True),
        sa.Column("webhook_secret", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_care_teams_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_teams")),
        sa.UniqueConstraint(
            "organization_id", "name", name=op.f("uq_care_teams_organization_id_name")
        ),
        _one_of(
            "care_teams",
            "kind",
            "primary_care",
            "care_management",
            "chw_hub",
            "post_acute",
            "other",
        ),
    )
    with op.batch_alter_table("care_teams", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_care_teams_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "care_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=40), nullable=False),
        sa.Column("topic", sa.String(32), nullable=False),
        sa.Column(
            "decision",
            sa.String(32),
            nullable=False,
        ),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_care_consents_organization_id_organizations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["people.id"],
            name=op.f("fk_care_consents_recorded_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_consents")),
        _one_of("care_consents", "topic", "sharing", "part2"),
        _one_of("care_consents", "decision", "opt_out", "opt_in", "granted", "revoked"),
    )
    with op.batch_alter_table("care_consents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_care_consents_person_id"), ["person_id"], unique=False)

    op.create_table(
        "care_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deliver_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("first_read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("assigned_to_id", sa.Integer(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "outcome",
            sa.String(32),
            nullable=True,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_to_id"],
            ["people.id"],
            name=op.f("fk_care_notifications_assigned_to_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["care_events.id"],
            name=op.f("fk_care_notifications_event_id_care_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["care_teams.id"],
            name=op.f("fk_care_notifications_team_id_care_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_notifications")),
        sa.UniqueConstraint(
            "team_id", "event_id", name=op.f("uq_care_notifications_team_id_event_id")
        ),
        _one_of("care_notifications", "status", "new", "claimed", "completed"),
        _one_of(
            "care_notifications",
            "outcome",
            "contacted",
            "follow_up_booked",
            "unreachable",
            "not_ours",
        ),
    )
    with op.batch_alter_table("care_notifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_care_notifications_assigned_to_id"), ["assigned_to_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_care_notifications_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_care_notifications_team_id"), ["team_id"], unique=False
        )
        batch_op.create_index(
            "ix_care_notifications_team_status", ["team_id", "status"], unique=False
        )

    op.create_table(
        "care_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["people.id"],
            name=op.f("fk_care_subscriptions_added_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["care_teams.id"],
            name=op.f("fk_care_subscriptions_team_id_care_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_subscriptions")),
        sa.UniqueConstraint(
            "team_id",
            "person_id",
            "source",
            name=op.f("uq_care_subscriptions_team_id_person_id_source"),
        ),
        _one_of("care_subscriptions", "source", "roster", "attribution", "one_person"),
    )
    with op.batch_alter_table("care_subscriptions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_care_subscriptions_person_active", ["person_id", "ended_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_care_subscriptions_team_id"), ["team_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("care_subscriptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_subscriptions_team_id"))
        batch_op.drop_index("ix_care_subscriptions_person_active")

    op.drop_table("care_subscriptions")
    with op.batch_alter_table("care_notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_care_notifications_team_status")
        batch_op.drop_index(batch_op.f("ix_care_notifications_team_id"))
        batch_op.drop_index(batch_op.f("ix_care_notifications_event_id"))
        batch_op.drop_index(batch_op.f("ix_care_notifications_assigned_to_id"))

    op.drop_table("care_notifications")
    with op.batch_alter_table("care_consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_consents_person_id"))

    op.drop_table("care_consents")
    with op.batch_alter_table("care_teams", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_teams_organization_id"))

    op.drop_table("care_teams")
    op.drop_table("care_part2_programs")
    with op.batch_alter_table("care_events", schema=None) as batch_op:
        batch_op.drop_index("ix_care_events_visit")
        batch_op.drop_index("ix_care_events_person_occurred")

    op.drop_table("care_events")
