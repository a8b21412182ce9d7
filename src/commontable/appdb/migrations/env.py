"""Alembic environment: runs the migrations on the connection `commontable.appdb` hands over."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "run migrations through commontable.appdb.upgrade (or `commontable db upgrade`), "
        "which passes the connection; offline SQL scripts are not supported"
    )
context.configure(
    connection=connection,
    target_metadata=context.config.attributes.get("target_metadata"),
    render_as_batch=True,  # SQLite alters a table by copying it; batch mode does that for us
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
