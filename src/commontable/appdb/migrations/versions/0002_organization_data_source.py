"""Organizations get a data source key: the name their submissions carry in the warehouse.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

LENGTH = 64


def _slug(name: str) -> str:
    """The key an existing organization gets: its name as a slug (the rule as of this revision)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:LENGTH].rstrip("-") or "organization"


def upgrade() -> None:
    with op.batch_alter_table("organizations") as batch:
        batch.add_column(sa.Column("data_source", sa.String(LENGTH), nullable=True))

    organizations = sa.table(
        "organizations",
        sa.column("id", sa.Integer()),
        sa.column("name", sa.String()),
        sa.column("data_source", sa.String()),
    )
    connection = op.get_bind()
    taken: set[str] = set()
    rows = connection.execute(sa.select(organizations.c.id, organizations.c.name).order_by("id"))
    for organization_id, name in rows.all():
        key = _slug(name)
        if key in taken:  # two names with the same slug: the later one gets its id appended
            key = f"{key[: LENGTH - 12]}-{organization_id}"
        taken.add(key)
        connection.execute(
            organizations.update()
            .where(organizations.c.id == organization_id)
            .values(data_source=key)
        )

    with op.batch_alter_table("organizations") as batch:
        batch.alter_column("data_source", existing_type=sa.String(LENGTH), nullable=False)
        batch.create_unique_constraint(op.f("uq_organizations_data_source"), ["data_source"])


def downgrade() -> None:
    with op.batch_alter_table("organizations") as batch:
        batch.drop_constraint(op.f("uq_organizations_data_source"), type_="unique")
        batch.drop_column("data_source")
