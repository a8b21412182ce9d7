"""Care coordination from the command line: `commontable care listen` (the live ADT feed)."""

from __future__ import annotations

import contextlib
import shutil
import signal
from datetime import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from commontable.cli.shared import (
    WarehouseUrl,
    Workspace,
    console,
    errors,
    one_of,
    open_app_db,
    open_warehouse,
    say_none_yet,
    settings_of,
)
from commontable.cli.warehouse import admissions_of, audit_loads

if TYPE_CHECKING:
    from commontable.audit import Actor

commands = typer.Typer()
care_app = typer.Typer(
    help="Care coordination: the live ADT feed, care teams, whom they follow, consent.",
    no_args_is_help=True,
)
commands.add_typer(care_app, name="care")
FEEDS = "care/feeds"  # in the workspace: one spool folder per sending member


@care_app.command("listen")
def care_listen(
    mllp_port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port for MLLP")],
    source: Annotated[str, typer.Option(help="the member sending this feed (its data source)")],
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    batch_seconds: Annotated[
        float, typer.Option(min=0.1, help="load what has arrived this often")
    ] = 1.0,
    time_zone: Annotated[
        str, typer.Option(help="the sender's time zone (HL7 times carry none)")
    ] = "America/Chicago",
    threshold: Annotated[
        float, typer.Option(min=0.5, max=1.0, help="match probability a new patient needs")
    ] = 0.9,
    workspace: Workspace = Path("."),
    warehouse: WarehouseUrl = None,
) -> None:
    """Receive a hospital's ADT messages (A01, A02, A03, A04, A08, A11, A13) over MLLP: each is
    acknowledged AA once safe on disk, or AE/AR with the reason (and kept with it). Within a
    second, each event (ED visit, admission, discharge, transfer, death) notifies the care
    teams that follow the person, as their rules say; what is accepted is loaded like any
    submission, every `--batch-seconds`. Ctrl+C (or SIGTERM) stops it after loading what has
    arrived."""
    import asyncio

    from commontable.appdb import require_current
    from commontable.audit import app_db_engine
    from commontable.care import (
        AdtFeed,
        Arrivals,
        FeedPeople,
        Mail,
        Spool,
        deliver_due,
        serve_feed,
        zone_of,
    )
    from commontable.errors import InvalidSubmission
    from commontable.members import SecretBox
    from commontable.warehouse import SubmissionResult, load_submission

    settings = settings_of(workspace, warehouse)
    admission = admissions_of(settings, [source])[source]
    spool = Spool(Path(settings.resolve(FEEDS)) / source)
    engine = app_db_engine(settings)
    require_current(engine)
    people = FeedPeople(
        lambda: open_warehouse(settings), source, settings.identity_model_path, threshold
    )
    arrivals = Arrivals(engine, source, people.resolve, zone_of(time_zone))

    def load_batch(batch: Path) -> None:
        try:
            with open_warehouse(settings, changes_reading=True) as store:
                result = load_submission(store, batch.parent, source, None, admission)
        except InvalidSubmission as error:  # logged as rejected; the batch is kept aside
            result = SubmissionResult(None, source, "rejected", message=str(error))
            kept = spool.folder / "rejected-batches" / batch.parent.name
            kept.parent.mkdir(exist_ok=True, mode=0o700)
            shutil.move(batch.parent, kept)
        else:
            shutil.rmtree(batch.parent)
        audit_loads(settings, [result])
        people.refresh()
        console.print(result.summary(), markup=False, highlight=False)

    box = SecretBox.from_file(Path(settings.resolve(settings.secrets_key_file)))
    mail = (
        Mail(settings.smtp_host, settings.smtp_port, settings.smtp_sender, settings.public_url)
        if settings.smtp_host
        else None
    )
    feed = AdtFeed(
        spool,
        load_batch,
        batch_seconds,
        arrivals.round,
        deliver=lambda: deliver_due(engine, mail, box),
    )
    console.print(f"listening for {source}'s ADT feed on {host}:{mllp_port} (MLLP); Ctrl+C stops")

    async def serve_until_stopped() -> None:
        # SIGTERM (a service manager's stop; a background job ignores SIGINT) stops the feed as
        # Ctrl+C does: the serving task is cancelled, and what has arrived is loaded first.
        serving = asyncio.current_task()
        if serving is not None:
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, serving.cancel)
        await serve_feed(feed, host, mllp_port)

    with contextlib.suppress(KeyboardInterrupt, asyncio.CancelledError):
        asyncio.run(serve_until_stopped())
    engine.dispose()
    counts, notified = feed.counts, arrivals.notified
    console.print(
        f"feed stopped: {counts.accepted} accepted, {counts.refused} refused (kept in "
        f"{spool.folder}), {counts.batches} batches loaded; {notified.events} events, "
        f"{notified.notifications} notifications, {notified.retracted} retracted"
    )


@care_app.command("replay")
def care_replay(
    file: Annotated[Path, typer.Argument(help="a file of HL7 v2 ADT messages, e.g. synth's")],
    mllp_port: Annotated[int, typer.Option(min=1, max=65535, help="the listener's port")],
    host: Annotated[str, typer.Option(help="the listener's address")] = "127.0.0.1",
    rate: Annotated[
        float, typer.Option(min=0.0, help="messages per second (0: as fast as acknowledged)")
    ] = 0.0,
    limit: Annotated[int, typer.Option(min=0, help="send only the first N (0: all)")] = 0,
) -> None:
    """Send a file's ADT messages to a listener over MLLP, as a hospital's interface engine
    would (e.g. a synthetic region's `sources/HOSPITAL/adt.hl7`); says what came back and how
    long each acknowledgement took (p50, p99)."""
    import asyncio

    from commontable.care import messages_in, replay_messages

    messages = messages_in(file)
    chosen = messages[:limit] if limit else messages
    replayed = asyncio.run(replay_messages(chosen, host, mllp_port, rate))
    console.print(replayed.summary(), markup=False, highlight=False)


team_app = typer.Typer(
    help="Care teams: who follows whom, and what they hear.", no_args_is_help=True
)
care_app.add_typer(team_app, name="team")
Organization = Annotated[str, typer.Argument(help="the team's organization (name or id)")]
TeamName = Annotated[str, typer.Argument(help="the care team's name")]


def _actor() -> Actor:
    from commontable.audit import command_line_actor

    return command_line_actor()


def _quiet(hours: str) -> tuple[time | None, time | None]:
    """--quiet 20:00-07:00 as (from, until); empty: no quiet hours."""
    if not hours.strip():
        return None, None
    start, dash, end = hours.partition("-")
    try:
        if not dash:
            raise ValueError(hours)
        return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
    except ValueError:
        raise typer.BadParameter(f"'{hours}' is not quiet hours like 20:00-07:00") from None


@team_app.command("add")
def team_add(
    organization: Organization,
    name: TeamName,
    kind: Annotated[
        str, typer.Option(help="primary_care, care_management, chw_hub, post_acute or other")
    ] = "primary_care",
    event: Annotated[
        list[str] | None,
        typer.Option(
            help="an event it hears (repeat): ed_visit, admission, discharge, transfer, death"
        ),
    ] = None,
    setting: Annotated[
        list[str] | None,
        typer.Option(help="a setting it hears (repeat): emergency, inpatient, outpatient, ..."),
    ] = None,
    only_flagged: Annotated[
        bool, typer.Option("--only-flagged", help="only high utilizers' events")
    ] = False,
    quiet: Annotated[str, typer.Option(help="quiet hours for email and webhook, 20:00-07:00")] = "",
    time_zone: Annotated[str, typer.Option(help="the team's time zone")] = "America/Chicago",
    email: Annotated[str, typer.Option(help="the team's inbox")] = "",
    webhook: Annotated[str, typer.Option(help="an https address notifications are posted to")] = "",
    workspace: Workspace = Path("."),
) -> None:
    """Add a care team to a member organization (every event in the ED and the hospital unless
    --event and --setting say otherwise); audited."""
    from commontable.care import (
        DEFAULT_EVENTS,
        DEFAULT_SETTINGS,
        Rules,
        TeamKind,
        create_team,
        new_webhook_secret,
    )
    from commontable.members import SecretBox, find_organization

    quiet_from, quiet_until = _quiet(quiet)
    rules = Rules(
        events=tuple(event or DEFAULT_EVENTS),
        settings=tuple(setting or DEFAULT_SETTINGS),
        only_flagged=only_flagged,
        quiet_from=quiet_from,
        quiet_until=quiet_until,
        time_zone=time_zone,
        email=email.strip().lower() or None,
        webhook_url=webhook.strip() or None,
    )
    with open_app_db(workspace) as session:
        member = find_organization(session, organization)
        team = create_team(session, _actor(), member, name, one_of(TeamKind, kind, "--kind"), rules)
        console.print(f"care team {team.id} added: {team.name} ({member.name})", markup=False)
        if rules.webhook_url:
            settings = settings_of(workspace)
            box = SecretBox.from_file(Path(settings.resolve(settings.secrets_key_file)))
            secret = new_webhook_secret(session, _actor(), team, box)
            console.print(
                f"webhook secret (shown once; the receiver checks X-CommonTable-Signature with "
                f"it): {secret}",
                markup=False,
            )


@team_app.command("list")
def team_list(workspace: Workspace = Path(".")) -> None:
    """Every organization's care teams: what each hears and how many people it follows."""
    from rich.table import Table

    from commontable.care import all_teams, followed

    with open_app_db(workspace) as session:
        teams = all_teams(session)
        if not teams:
            say_none_yet("care teams", "add one with `commontable care team add`")
            return
        table = Table("id", "organization", "team", "kind", "hears", "settings", "follows")
        for team in teams:
            hears = ", ".join(team.events) + (" (high utilizers only)" if team.only_flagged else "")
            table.add_row(
                str(team.id), team.organization.name, team.name, team.kind.label, hears,
                ", ".join(team.settings), f"{followed(session, team):,}",
            )  # fmt: skip
        console.print(table)


@care_app.command("follow")
def care_follow(
    organization: Organization,
    team: TeamName,
    person_id: Annotated[
        list[str] | None, typer.Option(help="a CommonTable person id to follow (repeat)")
    ] = None,
    roster: Annotated[
        Path | None,
        typer.Option(help="a CSV with person_id or patient_id (your own ids), or a FHIR Group"),
    ] = None,
    attributed: Annotated[
        bool, typer.Option("--attributed", help="the people the last measure run attributed")
    ] = False,
    attributed_to: Annotated[
        str | None,
        typer.Option(
            help="with --attributed: another organization's (e.g. a plan a CHW hub serves)"
        ),
    ] = None,
    workspace: Workspace = Path("."),
    warehouse: WarehouseUrl = None,
) -> None:
    """A care team follows people: one at a time (--person-id), from a roster (your own patient
    ids are matched through identity's crosswalk; ids nobody matched are listed), or everyone
    attributed to the organization (clinic, medical group or plan) by the last measure run, or
    to another one it serves (--attributed-to: a CHW hub working for a plan's members)."""
    from commontable.care import (
        SubscriptionSource,
        attributed_people,
        find_team,
        follow,
        read_roster,
    )
    from commontable.identity import source_people
    from commontable.members import find_organization

    chosen = [bool(person_id), roster is not None, attributed]
    if sum(chosen) != 1:
        raise typer.BadParameter("give one of --person-id, --roster or --attributed")
    if attributed_to and not attributed:
        raise typer.BadParameter("--attributed-to goes with --attributed")
    settings = settings_of(workspace, warehouse)
    with open_app_db(workspace) as session:
        member = find_organization(session, organization)
        served = find_organization(session, attributed_to) if attributed_to else member
        data_source, roster_id = member.data_source, served.roster_id
        found = find_team(session, member, team)
    unmatched: list[str] = []
    if person_id:
        people, source = list(person_id), SubscriptionSource.ONE_PERSON
    elif roster is not None:
        read = read_roster(roster)
        with open_warehouse(settings) as store:
            people = read.matched(source_people(store, data_source))
        unmatched, source = read.unmatched, SubscriptionSource.ROSTER
    else:
        if roster_id is None:
            raise typer.BadParameter(f"{served.name} is not on the collaborative's roster yet")
        with open_warehouse(settings) as store:
            people = attributed_people(store, roster_id)
        source = SubscriptionSource.ATTRIBUTION
    with open_app_db(workspace) as session:
        added = follow(session, _actor(), find_team(session, member, team), people, source)
    console.print(
        f"{found.name} follows {len(people):,} people from this {source.value.replace('_', ' ')} "
        f"({added:,} new)", markup=False,
    )  # fmt: skip
    for problem in unmatched:
        errors.print(f"not followed: {problem}", markup=False, highlight=False)


@care_app.command("consent")
def care_consent(
    file: Annotated[
        Path, typer.Argument(help="a CSV with person_id, or patient_id (the member's own ids)")
    ],
    decision: Annotated[
        str, typer.Option(help="opt_out, opt_in, granted (Part 2 consent) or revoked")
    ],
    source: Annotated[str, typer.Option(help="the member that sent the decisions (name or id)")],
    workspace: Workspace = Path("."),
    warehouse: WarehouseUrl = None,
) -> None:
    """Record people's consent decisions as a member sent them: an opt-out stops notifications
    and care-team sharing (never the aggregate measures); Part 2 consent lets a Part 2
    program's events reach the person's care teams. The member's own patient ids are matched
    through identity's crosswalk (those nobody matched are listed). The latest decision holds;
    audited."""
    from commontable.care import ConsentDecision, read_roster, record_consent
    from commontable.identity import source_people
    from commontable.members import find_organization

    read = read_roster(file)
    with open_app_db(workspace) as session:
        member = find_organization(session, source)
        chosen = one_of(ConsentDecision, decision, "--decision")
        data_source = member.data_source
    people = read.person_ids
    if read.patient_ids:
        with open_warehouse(settings_of(workspace, warehouse)) as store:
            people = read.matched(source_people(store, data_source))
    with open_app_db(workspace) as session:
        member = find_organization(session, source)
        count = record_consent(session, _actor(), people, chosen, member)
    console.print(f"{chosen.value} recorded for {count:,} people, as {member.name} sent it")
    for problem in read.unmatched:
        errors.print(f"not recorded: {problem}", markup=False, highlight=False)


@care_app.command("part2")
def care_part2(
    organization: Annotated[str, typer.Argument(help="the member that runs it (name or id)")],
    facility: Annotated[str, typer.Argument(help="as its ADT feed names it (MSH-4 or PV1-3)")],
    name: Annotated[str, typer.Option(help="the program's name")] = "",
    workspace: Workspace = Path("."),
) -> None:
    """Mark a member's facility as a 42 CFR Part 2 substance use disorder program: its events
    are kept, and notified only to care teams of people who consented; audited."""
    from commontable.care import add_part2_program
    from commontable.members import find_organization

    with open_app_db(workspace) as session:
        member = find_organization(session, organization)
        add_part2_program(session, _actor(), member, facility, name or facility)
    console.print(f"{facility} of {member.name} is a Part 2 program now", markup=False)
