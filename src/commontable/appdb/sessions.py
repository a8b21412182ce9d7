"""Units of work: one session per request or command, committed once, by its caller."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions on `engine`; objects stay readable after commit (a CLI prints what it made)."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back if it raises.

    Services only add and flush; the CLI and the web's request scope commit through this.
    """
    with session_factory(engine).begin() as session:
        yield session
