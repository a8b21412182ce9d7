"""Settings: one `commontable.toml` per workspace, overridable by COMMONTABLE_* variables."""

from __future__ import annotations

import os
import tomllib
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from commontable.errors import ConfigError

CONFIG_FILE = "commontable.toml"
WEB_TABLE = "web"  # the file's [web] table: the web app's options (`commontable.web.options`)


class Settings(BaseSettings):
    """Where a workspace keeps its stores and how it behaves."""

    model_config = SettingsConfigDict(env_prefix="COMMONTABLE_", extra="forbid")

    workspace: Path = Field(default=Path("."), description="folder holding commontable.toml")
    warehouse: str = Field(
        default="warehouse.duckdb",
        description="patient-level store: a DuckDB file path, duckdb://PATH or spark://MASTER",
    )
    warehouse_key: SecretStr | None = Field(
        default=None,
        description="encrypts a DuckDB warehouse and its reading copy (AES-GCM-256); best from "
        "COMMONTABLE_WAREHOUSE_KEY or a secrets manager, never in this file; writing needs "
        "DuckDB's httpfs extension (OpenSSL) installed on the server",
    )
    app_db: str = Field(
        default="commontable.db",
        description="app database: a SQLite file path or a SQLAlchemy URL",
    )
    app_db_key: SecretStr | None = Field(
        default=None,
        description="encrypts a SQLite app DB with SQLCipher (AES-256); best from "
        "COMMONTABLE_APP_DB_KEY or a secrets manager, never in this file; set it before "
        "`db upgrade` creates the file, or `db encrypt` an existing one",
    )
    identity_model: str = Field(
        default="identity/model.json",
        description="the person-matching model's saved parameters (relative to the workspace)",
    )
    spark_warehouse_dir: str = Field(
        default="spark-warehouse",
        description="where Spark keeps the warehouse tables (relative to the workspace)",
    )
    audit_key: SecretStr | None = Field(
        default=None,
        description="the audit log's HMAC key as hex (best from COMMONTABLE_AUDIT_KEY or a "
        "secrets manager); when unset, the key file is used",
    )
    audit_key_file: str = Field(
        default="keys/audit.key",
        description="the audit log's key (made on first use, owner-only); keep it off the app "
        "DB's server and its backups",
    )
    audit_head_file: str = Field(
        default="keys/audit-head.log",
        description="where each committed audit entry's id and hash are appended; "
        "best on append-only storage (chattr +a, a WORM bucket)",
    )
    secrets_key_file: str = Field(
        default="keys/secrets.key",
        description="the key that encrypts second-factor secrets in the app DB (made on first "
        "use, owner-only); keep it off the app DB's server and out of its backups",
    )
    jobs: Literal["worker", "immediate"] = Field(
        default="worker",
        description="worker: the web and the API queue loads and match decisions for "
        "`commontable worker` (which `serve` starts); immediate: run them inside the request "
        "(tests, a one-person trial)",
    )
    intake_max_file_gb: float = Field(
        default=8.0,
        gt=0,
        description="the most data one submitted file may hold, decompressed (GB)",
    )
    intake_max_rows: int = Field(
        default=200_000_000, gt=0, description="the most rows one submitted file may hold"
    )
    intake_max_field_chars: int = Field(
        default=32_768, gt=0, description="the longest value a submitted file may hold"
    )
    report_min_reliability: float = Field(
        default=0.7,
        ge=0.0,
        le=1.0,
        description="the public report labels a result better or worse than the regional "
        "average only at this reliability or above (Adams et al., NEJM 2010: 0.70)",
    )
    report_cost_sharing: Literal["statement6", "open"] = Field(
        default="statement6",
        description="price and cost figures in the public report: statement6 withholds those "
        "outside the 1996 FTC/DOJ Statement 6 safety zone; open shows them all",
    )

    care_feeds: list[str] = Field(
        default_factory=list,
        description="live ADT feeds `commontable serve` starts beside the web app, each "
        "SOURCE:PORT (the member's data source and its MLLP port)",
    )
    smtp_host: str = Field(
        default="",
        description="the mail server care teams' notification emails go through (empty: none)",
    )
    smtp_port: int = Field(default=25, ge=1, le=65535, description="its port")
    smtp_sender: str = Field(
        default="commontable@localhost", description="the From address of notification emails"
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="where people reach the web app: the links in notification emails",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        workspace = _workspace_from(init_settings)
        toml = _TopLevelToml(settings_cls, toml_file=workspace / CONFIG_FILE)
        return (init_settings, env_settings, toml)

    def resolve(self, path_or_url: str) -> str:
        """A relative file path is relative to the workspace; URLs pass through."""
        if "://" in path_or_url or Path(path_or_url).is_absolute():
            return path_or_url
        return str(self.workspace / path_or_url)

    @property
    def warehouse_url(self) -> str:
        return self.resolve(self.warehouse)

    @property
    def identity_model_path(self) -> Path:
        return Path(self.resolve(self.identity_model))


class _TopLevelToml(TomlConfigSettingsSource):
    """The workspace file's settings without its [web] table (the web app's `web_options`)."""

    def _read_file(self, file_path: Path | Traversable) -> dict[str, Any]:
        return {k: v for k, v in super()._read_file(file_path).items() if k != WEB_TABLE}


def workspace_table(workspace: Path, name: str) -> dict[str, Any]:
    """One table of the workspace's commontable.toml (empty when the file or table is absent)."""
    path = workspace / CONFIG_FILE
    if not path.exists():
        return {}
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get(name, {})
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from error
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: '{name}' must be a table ([{name}]), not a value")
    return table


def _workspace_from(init_settings: PydanticBaseSettingsSource) -> Path:
    given: Any = init_settings().get("workspace") or os.environ.get("COMMONTABLE_WORKSPACE")
    return Path(given or ".")


def load_settings(workspace: Path | None = None, **overrides: Any) -> Settings:
    """Read the workspace's settings; a broken commontable.toml is a ConfigError."""
    values = {k: v for k, v in overrides.items() if v is not None}
    if workspace is not None:
        values["workspace"] = workspace
    try:
        return Settings(**values)
    except (ValidationError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{(workspace or Path('.')) / CONFIG_FILE}: {error}") from error


def init_workspace(directory: Path) -> Path:
    """Create a workspace folder with a commented commontable.toml (an existing one is kept)."""
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / CONFIG_FILE
    if not config.exists():
        config.write_text(
            "# CommonTable workspace settings. Any key may be overridden by an environment\n"
            "# variable COMMONTABLE_<KEY>, e.g. COMMONTABLE_WAREHOUSE=spark://local[2].\n\n"
            "# Patient-level warehouse: a DuckDB file (relative to this folder) or spark://MASTER.\n"
            'warehouse = "warehouse.duckdb"\n\n'
            "# App database (members, decisions, published results): SQLite or a SQLAlchemy URL.\n"
            'app_db = "commontable.db"\n\n'
            "# The web app (`commontable serve`); COMMONTABLE_WEB_<KEY> variables override these.\n"
            "# [web]\n"
            "# session_hours = 12\n"
            "# secure_cookies = true   # behind a proxy that terminates TLS\n"
            "# max_upload_mb = 200\n"
        )
    return config
