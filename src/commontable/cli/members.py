"""The app DB, member organizations and the people who sign in."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from commontable.cli.shared import (
    WarehouseUrl,
    Workspace,
    audit_cli,
    console,
    one_of,
    open_app_db,
    open_warehouse,
    say_none_yet,
    settings_of,
)
from commontable.errors import UserError

commands = typer.Typer()


db_app = typer.Typer(help="The app DB: create it, migrate it.", no_args_is_help=True)
org_app = typer.Typer(help="Member organizations.", no_args_is_help=True)
user_app = typer.Typer(help="People who sign in.", no_args_is_help=True)
commands.add_typer(db_app, name="db")
commands.add_typer(org_app, name="org")
commands.add_typer(user_app, name="user")

# Spelled out here so `--help` stays fast (no SQLAlchemy import); a test holds them to the models.
ORGANIZATION_TYPES = (
    "purchaser, health_plan, hospital, clinic, cbo, public_health, consumer_advocate, school, "
    "workplace, government, academic, collaborative"
)
ROLES = (
    "admin, staff, member_representative, analyst, data_submitter, care_team, viewer, data_steward"
)


@db_app.command("upgrade")
def db_upgrade(workspace: Workspace = Path(".")) -> None:
    """Create the app DB, or migrate it to this version's schema; prints its revision."""
    from commontable.appdb import database_url, describe, upgrade
    from commontable.audit import app_db_key, audit_key_of

    settings = settings_of(workspace)
    url = database_url(settings.resolve(settings.app_db))
    key = app_db_key(settings)
    revision = upgrade(url, audit_secret=audit_key_of(settings).secret, key=key)
    encrypted = " (encrypted)" if key else ""
    console.print(f"app DB {describe(url)}{encrypted} is at revision {revision} (the latest)")


@db_app.command("encrypt")
def db_encrypt(workspace: Workspace = Path(".")) -> None:
    """Encrypt the workspace's SQLite app DB with SQLCipher under COMMONTABLE_APP_DB_KEY (the
    app_db_key setting); stop the server and the worker first."""
    from commontable.appdb import database_url, encrypt_file, sqlite_file
    from commontable.audit import app_db_key

    settings = settings_of(workspace)
    key = app_db_key(settings)
    file = sqlite_file(database_url(settings.resolve(settings.app_db)))
    if not key or file is None:
        raise UserError(
            "set COMMONTABLE_APP_DB_KEY to the key (keep it in a secrets manager, not in "
            "commontable.toml); only a SQLite app DB is encrypted this way"
        )
    encrypt_file(file, key)
    console.print(f"app DB {file} encrypted (SQLCipher); keep COMMONTABLE_APP_DB_KEY set")


@org_app.command("add")
def org_add(
    name: Annotated[str, typer.Argument(help="the organization's name")],
    type_: Annotated[str, typer.Option("--type", help=f"one of: {ORGANIZATION_TYPES}")],
    npi: Annotated[str | None, typer.Option(help="organization NPI (10 digits)")] = None,
    tin: Annotated[str | None, typer.Option(help="taxpayer id (9 digits)")] = None,
    parent: Annotated[
        str | None, typer.Option(help="parent organization (name or id), e.g. a medical group")
    ] = None,
    workspace: Workspace = Path("."),
) -> None:
    """Register an organization; the first one is where the first admin works (`user add`)."""
    from commontable.audit import AuditAction
    from commontable.members import OrganizationType, add_organization, find_organization

    with open_app_db(workspace) as session:
        organization = add_organization(
            session,
            name,
            one_of(OrganizationType, type_, "--type"),
            npi=npi,
            tin=tin,
            parent=find_organization(session, parent) if parent else None,
        )
        audit_cli(
            session,
            AuditAction.ADD_ORGANIZATION,
            organization.name,
            organization_id=organization.id,
            type=str(organization.type),
        )
        said = f"organization {organization.id}: {organization.name} ({organization.type.label})"
    console.print(said)


@org_app.command("list")
def org_list(workspace: Workspace = Path(".")) -> None:
    """List the organizations: id, name, type, NPI, TIN and parent."""
    from commontable.members import list_organizations

    table = Table(title="Organizations")
    for column in ("id", "name", "type", "NPI", "TIN", "parent"):
        table.add_column(column, justify="right" if column == "id" else "left")
    with open_app_db(workspace) as session:
        found = list_organizations(session)
        for org in found:
            parent = org.parent.name if org.parent else ""
            table.add_row(str(org.id), org.name, org.type.label, org.npi, org.tin, parent)
    if not found:
        say_none_yet("organizations", "`commontable org add` or `org import-roster` adds them")
        return
    console.print(table)


@org_app.command("import-roster")
def org_import_roster(workspace: Workspace = Path("."), warehouse: WarehouseUrl = None) -> None:
    """Add the organizations of the collaborative's roster (the warehouse's `organization`
    table) to the app DB, so that each sees its own measure results."""
    from commontable.publishing import import_roster

    settings = settings_of(workspace, warehouse)
    with open_warehouse(settings) as store, open_app_db(workspace) as session:
        done = import_roster(store, session)
    console.print(done.summary())


@user_app.command("add")
def user_add(
    email: Annotated[str, typer.Argument(help="the email address they sign in with")],
    name: Annotated[str, typer.Option(help="full name")],
    organization: Annotated[
        str, typer.Option(help="their organization, by name or id (see `commontable org list`)")
    ],
    role: Annotated[list[str], typer.Option(help=f"a role, repeatable; one of: {ROLES}")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from standard input")
    ] = False,
    workspace: Workspace = Path("."),
) -> None:
    """Add a person who can sign in (bootstrap the first admin); asks for the password twice."""
    from commontable.audit import command_line_actor
    from commontable.members import (
        Role,
        available_email,
        check_password_rules,
        enrol_person,
        find_organization,
    )

    roles = [one_of(Role, value, "--role") for value in role]
    with open_app_db(workspace) as session:  # refuse what we can before anyone types a password
        find_organization(session, organization)
        available_email(session, email)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    check_password_rules(password, email)
    with open_app_db(workspace) as session:
        member_of = find_organization(session, organization)
        person = enrol_person(
            session, email, name, member_of, roles=roles, password=password, by=command_line_actor()
        )
        said = (
            f"user {person.id}: {person.email} ({person.name}) at {member_of.name}, "
            f"roles: {', '.join(sorted(person.roles))}"
        )
    console.print(said)


@user_app.command("unlock")
def user_unlock(
    email: Annotated[str, typer.Argument(help="the email address of the locked account")],
    workspace: Workspace = Path("."),
) -> None:
    """Lift the lock that failed sign-ins put on an account; audited."""
    from commontable.audit import command_line_actor
    from commontable.members import find_person, unlock_account

    with open_app_db(workspace) as session:
        person = find_person(session, email)
        if person is None:
            raise UserError(f"no one signs in as {email}")
        was_locked = unlock_account(session, person, by=command_line_actor())
    console.print(f"{person.email}: {'unlocked' if was_locked else 'was not locked'}")


@user_app.command("reset-second-factor")
def user_reset_second_factor(
    email: Annotated[str, typer.Argument(help="the email address of the person")],
    workspace: Workspace = Path("."),
) -> None:
    """Forget a person's second factor (a lost phone): they set up a new one at their next
    sign-in; audited."""
    from commontable.audit import command_line_actor
    from commontable.members import find_person, reset_second_factor

    with open_app_db(workspace) as session:
        person = find_person(session, email)
        if person is None:
            raise UserError(f"no one signs in as {email}")
        had = reset_second_factor(session, person, by=command_line_actor())
    console.print(f"{person.email}: {'second factor reset' if had else 'had no second factor'}")
