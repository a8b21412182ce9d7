"""Privacy tests run on SQLite and PostgreSQL (tests/app_fixtures.py)."""

from tests.app_fixtures import app_db, db

__all__ = ["app_db", "db"]
