"""Job tests; the job pages borrow the web tests' app and personas."""

from __future__ import annotations

from tests.app_fixtures import app_db, db
from tests.web.conftest import (  # the page tests' app, client and personas
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
