"""`commontable org add|list` and `commontable user add`: bootstrapping the first admin."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from commontable.appdb import transaction
from commontable.cli import ORGANIZATION_TYPES, ROLES, app
from commontable.errors import ConfigError, Conflict, NotFound, UserError
from commontable.members import OrganizationType, Role, authenticate
from tests.app_fixtures import AppDatabase
from tests.test_readme import every_command

runner = CliRunner()
Run = Callable[..., Result]
PASSWORD = "correct horse battery staple"
ADD_ADA = (
    "user",
    "add",
    "ada@cascade.example",
    "--name",
    "Ada",
    "--organization",
    "Cascade Health Plan",
)
README = (Path(__file__).parents[2] / "README.md").read_text()


@pytest.fixture
def ct(app_db: AppDatabase, tmp_path: Path) -> Run:
    """Run a command on a workspace whose app DB is the test database."""

    def run(*args: str, input: str | None = None) -> Result:
        env = {"COMMONTABLE_APP_DB": app_db.url}
        return runner.invoke(app, [*args, "-w", str(tmp_path)], input=input, env=env)

    return run


def test_org_add_registers_an_organization(ct: Run) -> None:
    result = ct("org", "add", "Cascade Health Plan", "--type", "health_plan", "--npi", "1234567893")
    assert result.exit_code == 0, result.output
    assert "Cascade Health Plan (health plan)" in result.output


def test_org_add_refuses_an_unknown_type(ct: Run) -> None:
    result = ct("org", "add", "Acme", "--type", "spaceship")
    assert isinstance(result.exception, UserError)
    assert "--type 'spaceship' is not one of: purchaser, health_plan" in str(result.exception)


def test_org_list_shows_parents(ct: Run) -> None:
    ct("org", "add", "Valley Medical Group", "--type", "clinic")
    ct("org", "add", "Valley East", "--type", "clinic", "--parent", "valley medical group")
    result = ct("org", "list")
    assert result.exit_code == 0, result.output
    east = next(line for line in result.output.splitlines() if "Valley East" in line)
    assert "Valley Medical Group" in east


def test_user_add_bootstraps_an_admin_who_can_sign_in(ct: Run, app_db: AppDatabase) -> None:
    ct("org", "add", "Cascade Health Plan", "--type", "health_plan")
    args = ["user", "add", "Ada@Cascade.example", "--name", "Ada Lovelace"]
    args += ["--organization", "cascade health plan", "--role", "admin", "--role", "staff"]
    result = ct(*args, "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "ada@cascade.example (Ada Lovelace) at Cascade Health Plan" in result.output
    with transaction(app_db.engine) as session:
        person = authenticate(session, "ada@cascade.example", PASSWORD)
        assert person.roles == {Role.ADMIN, Role.STAFF}


def test_user_add_asks_for_the_password_twice_without_echo(ct: Run, app_db: AppDatabase) -> None:
    ct("org", "add", "Cascade Health Plan", "--type", "health_plan")
    result = ct(*ADD_ADA, "--role", "admin", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Repeat for confirmation" in result.output
    assert PASSWORD not in result.output


def test_user_add_refuses_a_taken_email_before_asking_for_a_password(ct: Run) -> None:
    ct("org", "add", "Cascade Health Plan", "--type", "health_plan")
    ct(*ADD_ADA, "--role", "admin", "--password-stdin", input=PASSWORD)
    again = ct(*ADD_ADA, "--role", "viewer")
    assert isinstance(again.exception, Conflict)
    assert again.exit_code == 1
    assert "Password" not in again.output


def test_user_add_needs_an_existing_organization(ct: Run) -> None:
    result = ct(*ADD_ADA, "--role", "admin", "--password-stdin", input=PASSWORD)
    assert isinstance(result.exception, NotFound)
    assert "commontable org add" in str(result.exception)


def test_user_add_refuses_a_short_password(ct: Run) -> None:
    ct("org", "add", "Cascade Health Plan", "--type", "health_plan")
    result = ct(*ADD_ADA, "--role", "admin", "--password-stdin", input="short\n")
    assert "at least 12" in str(result.exception)


def test_user_add_before_db_upgrade_says_to_run_it(tmp_path: Path) -> None:
    result = runner.invoke(app, [*ADD_ADA, "--role", "admin", "-w", str(tmp_path)])
    assert isinstance(result.exception, ConfigError)
    assert "run `commontable db upgrade`" in str(result.exception)


def test_the_help_lists_every_organization_type_and_role() -> None:
    assert ORGANIZATION_TYPES.split(", ") == [t.value for t in OrganizationType]
    assert ROLES.split(", ") == [r.value for r in Role]


def test_the_app_db_commands_are_sub_commands() -> None:
    assert {"db upgrade", "org add", "org list", "user add"} <= set(every_command())


def test_adding_from_the_command_line_is_audited(ct: Run, app_db: AppDatabase) -> None:
    from commontable.audit import AuditAction, entries

    ct("org", "add", "Cascade Health Plan", "--type", "health_plan")
    ct(*ADD_ADA, "--role", "admin", "--password-stdin", input=PASSWORD + "\n")
    with transaction(app_db.engine) as session:
        actions = [(e.action, e.target) for e in entries(session)]
    assert actions == [
        (AuditAction.ADD_ORGANIZATION, "Cascade Health Plan"),
        (AuditAction.ADD_PERSON, "ada@cascade.example"),
    ]


def test_user_unlock_lifts_a_lock_and_is_audited(ct: Run, app_db: AppDatabase) -> None:
    from commontable.audit import AuditAction, entries
    from commontable.members.sign_in_guard import LOCK_AFTER, count_failure, locked_until

    ct("org", "add", "Cascade Health Plan", "--type", "health_plan")
    ct(*ADD_ADA, "--role", "analyst", "--password-stdin", input=PASSWORD + "\n")
    with transaction(app_db.engine) as session:
        for _ in range(LOCK_AFTER):
            count_failure(session, "ada@cascade.example")
    result = ct("user", "unlock", "Ada@Cascade.example")
    assert result.exit_code == 0, result.output
    assert "unlocked" in result.output
    with transaction(app_db.engine) as session:
        assert locked_until(session, "ada@cascade.example") is None
        assert entries(session)[-1].action == AuditAction.UNLOCK_ACCOUNT


def test_load_refuses_a_table_a_known_member_may_not_send(ct: Run, tmp_path: Path) -> None:
    ct("org", "add", "Riverside Clinic", "--type", "clinic")
    roster = tmp_path / "sent" / "organization.csv"
    roster.parent.mkdir()
    roster.write_text("organization_id,name,organization_type\nORG-H,Renamed,hospital\n")
    refused = ct("load", str(roster.parent), "--source", "riverside-clinic")
    assert refused.exit_code == 1
    assert "Riverside Clinic (clinic) may not send organization" in refused.output
    unknown = ct("load", str(roster.parent), "--source", "a-member-not-yet-on-the-roster")
    assert unknown.exit_code == 0, unknown.output


def test_user_reset_second_factor_forgets_it_and_is_audited(ct: Run, app_db: AppDatabase) -> None:
    from commontable.audit import AuditAction, entries
    from commontable.members import find_person

    ct("org", "add", "Cascade Health Plan", "--type", "health_plan")
    ct(*ADD_ADA, "--role", "analyst", "--password-stdin", input=PASSWORD + "\n")
    with transaction(app_db.engine) as session:
        person = find_person(session, "ada@cascade.example")
        assert person is not None
        person.totp_secret = "sealed"
    result = ct("user", "reset-second-factor", "ada@cascade.example")
    assert result.exit_code == 0, result.output
    with transaction(app_db.engine) as session:
        person = find_person(session, "ada@cascade.example")
        assert person is not None
        assert person.totp_secret is None
        assert entries(session)[-1].action == AuditAction.RESET_SECOND_FACTOR
