"""The one family of errors a user can cause; the CLI and the web map them to messages."""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix; the message says what to do."""


class NotFound(UserError):
    """The thing asked for does not exist."""


class Forbidden(UserError):
    """The user may not do or see this."""


class Conflict(UserError):
    """The request clashes with the current state."""


class NotAuthenticated(UserError):
    """Who is asking is unknown: a wrong password, a revoked token or an expired session."""


class TooManyAttempts(UserError):
    """Too many tries (sign-in attempts) in too short a time; try again after `retry_after` s."""

    def __init__(self, message: str, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(message)

    def __reduce__(self) -> tuple[type[TooManyAttempts], tuple[str, int]]:
        return (TooManyAttempts, (str(self), self.retry_after))


class Reauthenticate(NotAuthenticated):
    """Signed in, but long ago: patient-level data needs the password again."""


class ConfigError(UserError):
    """A setting or workspace is missing or wrong."""


class InvalidSubmission(UserError):
    """A submitted file cannot be accepted as a whole; nothing from the submission was loaded."""

    def __init__(self, file_name: str, message: str) -> None:
        self.file_name = file_name
        self.reason = message
        super().__init__(f"{file_name}: {message}")

    def __reduce__(self) -> tuple[type[InvalidSubmission], tuple[str, str]]:
        """Pickled with both arguments, so a reader's worker process can raise it here."""
        return (InvalidSubmission, (self.file_name, self.reason))


class MissingExtra(UserError):
    """An optional dependency is not installed."""

    def __init__(self, feature: str, extra: str, package: str) -> None:
        super().__init__(
            f"{feature} needs {package}. Install it with: pip install 'commontable[{extra}]'"
        )
