"""The app DB fixtures (tests/app_fixtures.py): every test here runs on SQLite and PostgreSQL."""

from tests.app_fixtures import app_db, db

__all__ = ["app_db", "db"]
