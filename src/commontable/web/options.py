"""How the web app behaves: cookie, session lifetime, upload size. Set in the workspace's
commontable.toml, table [web]; environment variables COMMONTABLE_WEB_<NAME> override it
(e.g. COMMONTABLE_WEB_SESSION_HOURS=8)."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from commontable.config import CONFIG_FILE, WEB_TABLE, Settings, workspace_table
from commontable.errors import ConfigError


class WebOptions(BaseSettings):
    """The web app's own settings; the stores come from the workspace's `Settings`."""

    model_config = SettingsConfigDict(env_prefix="COMMONTABLE_WEB_", extra="forbid")

    cookie_name: str = Field(
        default="commontable_session",
        pattern=r"^[A-Za-z0-9_-]+$",
        description="name of the sign-in session cookie",
    )
    session_hours: float = Field(
        default=12, gt=0, le=24 * 30, description="a sign-in lasts this long, then ends"
    )
    idle_minutes: float = Field(
        default=30,
        gt=0,
        description="a sign-in unused this long ends (NIST SP 800-63B AAL2: 30 minutes)",
    )
    reauth_minutes: float = Field(
        default=15,
        gt=0,
        description="patient-level pages ask for the password again when it was given longer "
        "ago than this",
    )
    secure_cookies: bool = Field(
        default=False,
        description="mark cookies Secure even on plain http (behind a TLS proxy that does not "
        "say X-Forwarded-Proto); they are always Secure on https",
    )
    max_upload_mb: int = Field(default=200, gt=0, description="largest submission upload (MB)")
    sign_in_address_limit: str = Field(
        default="30/10 minutes",
        description="sign-in attempts allowed from one client address in a moving window "
        "(the `limits` library's notation)",
    )
    second_factor: Literal["required", "optional"] = Field(
        default="required",
        description="required: people whose roles reach patient-level data (and admins) must "
        "give an authenticator code after their password; optional: only those who enrolled",
    )
    rate_limit_storage: str = Field(
        default="memory://",
        description="where those attempts are counted: memory:// (one web process), or a "
        "shared store such as redis://host:6379 when several web workers serve",
    )

    @property
    def session_lifetime(self) -> timedelta:
        return timedelta(hours=self.session_hours)

    @property
    def idle_timeout(self) -> timedelta:
        return timedelta(minutes=self.idle_minutes)

    @property
    def reauth_after(self) -> timedelta:
        return timedelta(minutes=self.reauth_minutes)

    @property
    def signin_cookie_name(self) -> str:
        """The cookie that carries the sign-in form's CSRF token before anyone is signed in."""
        return f"{self.cookie_name}_signin"


def web_options(settings: Settings) -> WebOptions:
    """The workspace's [web] options: COMMONTABLE_WEB_* variables, then the file, then defaults."""
    try:
        from_environment = WebOptions()
        chosen = from_environment.model_dump(include=from_environment.model_fields_set)
        return WebOptions(**{**workspace_table(settings.workspace, WEB_TABLE), **chosen})
    except ValidationError as error:
        where = f"{settings.workspace / CONFIG_FILE} [{WEB_TABLE}] or COMMONTABLE_WEB_*"
        raise ConfigError(f"{where}: {error}") from error
