"""Plans tests on the app DB (SQLite and PostgreSQL, tests/app_fixtures.py); the page tests
borrow the web tests' app, browser and personas (tests/web/conftest.py)."""

from tests.app_fixtures import app_db, db
from tests.web.conftest import (
    app,
    client,
    empty_warehouse,
    quick_password_hashes,
    region,
    settings,
)

__all__ = [
    "app",
    "app_db",
    "client",
    "db",
    "empty_warehouse",
    "quick_password_hashes",
    "region",
    "settings",
]
