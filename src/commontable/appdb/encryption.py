"""Encrypting an existing SQLite app DB with SQLCipher: a keyed copy made with
`sqlcipher_export` (SQLCipher's documented way to encrypt a plain database) takes its place."""

from __future__ import annotations

import os
from pathlib import Path

from commontable.errors import ConfigError


def encrypt_file(path: Path, key: str) -> None:
    """Replace the plain SQLite file `path` by an encrypted copy under `key`. Nothing may have it
    open meanwhile (stop the server and the worker first)."""
    import sqlcipher3  # the SQLCipher build of sqlite3's module

    if not path.exists():
        raise ConfigError(f"no app DB at {path}; `commontable db upgrade` makes an encrypted one")
    with path.open("rb") as file:
        if file.read(16) != b"SQLite format 3\x00":
            raise ConfigError(f"{path} is not a plain SQLite database (encrypted already?)")
    new = path.with_name(path.name + ".encrypting")
    new.unlink(missing_ok=True)
    plain = sqlcipher3.connect(str(path), isolation_level=None)
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every committed page in the file
        plain.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(new), key))
        plain.execute("SELECT sqlcipher_export('encrypted')")
        version = plain.execute("PRAGMA user_version").fetchone()[0]
        plain.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        plain.execute("DETACH DATABASE encrypted")
    finally:
        plain.close()
    os.chmod(new, 0o600)
    for leftover in ("-wal", "-shm"):  # the plain file's log must not be replayed on the copy
        Path(f"{path}{leftover}").unlink(missing_ok=True)
    os.replace(new, path)
