"""DuckDB's encrypted database files (AES-GCM-256) for the warehouse and its reading copy,
keyed from the `warehouse_key` setting. DuckDB writes them securely only with OpenSSL, which
its httpfs extension brings; reading needs nothing more."""

from __future__ import annotations

import duckdb

from commontable.config import Settings
from commontable.errors import ConfigError

CRYPTO_HINT = (
    "an encrypted warehouse is written with OpenSSL, which DuckDB's httpfs extension brings: "
    "run `INSTALL httpfs` once with DuckDB {version} where there is internet access and copy "
    "~/.duckdb/extensions/v{version}/ to this server; or leave warehouse_key unset and "
    "encrypt the volume the workspace is on"
)


def warehouse_key(settings: Settings) -> str | None:
    """The warehouse's encryption key, if it is encrypted."""
    return settings.warehouse_key.get_secret_value() if settings.warehouse_key else None


def load_crypto(con: duckdb.DuckDBPyConnection) -> None:
    """Let DuckDB write encrypted files: OpenSSL, from the httpfs extension (never downloaded
    here). DuckDB's built-in fallback is refused: its writes are not securely encrypted."""
    try:
        con.execute("LOAD httpfs")
    except duckdb.Error as error:
        raise ConfigError(CRYPTO_HINT.format(version=duckdb.__version__)) from error


def attach(
    con: duckdb.DuckDBPyConnection,
    path: str,
    alias: str,
    key: str | None,
    *,
    read_only: bool = False,
) -> None:
    """Attach the database file `path` as `alias` and make it the default one; with `key`,
    encrypted (a new file is made encrypted)."""
    options = [f"ENCRYPTION_KEY {_literal(key)}"] if key else []
    if read_only:
        options.append("READ_ONLY")
    clause = f" ({', '.join(options)})" if options else ""
    try:
        con.execute(f"ATTACH {_literal(path)} AS {alias}{clause}")
    except duckdb.IOException:
        raise  # busy: the caller says so
    except duckdb.Error as error:
        if "encrypt" in str(error).lower() or "key" in str(error).lower():
            raise ConfigError(
                "the warehouse cannot be read with this key: an encrypted warehouse needs its "
                "key (COMMONTABLE_WAREHOUSE_KEY), a plain one none; check warehouse_key"
            ) from error
        raise
    con.execute(f"USE {alias}")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
