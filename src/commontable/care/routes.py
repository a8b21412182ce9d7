"""Care coordination on the web and the JSON API: a care team's work list of notifications
(filters, claim, assign, complete with an outcome, the unread count), one notification, its
organization's open care gaps (page, CSV), the care teams with their rules and whom they
follow, and Da Vinci FHIR notifications posted by a member's system.

Who may use each route is decided by `commontable.privacy.access.POLICY`: notifications and
gaps only by the care team members of the organization they concern. Every view of a
notification, the work list or the gaps, and every change, is audited.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from datetime import time
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, Request, Security, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from commontable.appdb import MAX_ID, utcnow
from commontable.audit import AuditAction
from commontable.care import gaps as care_gaps
from commontable.care import teams as keeping
from commontable.care import work_list as listing
from commontable.care.events import Encounter, meaning
from commontable.care.fhir_notifications import ADT_TABLE, adt_row_of_bundle, warehouse_row
from commontable.care.models import (
    CareSetting,
    CareTeam,
    EventKind,
    Notification,
    Outcome,
    SubscriptionSource,
    TeamKind,
)
from commontable.care.notify import PersonRef, SourcePerson, notify
from commontable.care.rosters import roster_of
from commontable.errors import Forbidden, NotFound, UserError
from commontable.identity import provisional_id, source_people
from commontable.jobs.routes import queue_load
from commontable.members import SecretBox, get_organization, list_organizations, refused_tables
from commontable.privacy import sees_every_organization
from commontable.routing import Context, RouteContext, bearer, one_of, optional_one_of
from commontable.warehouse import Tables
from commontable.warehouse.routes import warehouse

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["care coordination"], dependencies=[Security(bearer)])

NOTICES = {
    "claimed": "You have this notification now.",
    "assigned": "Notification assigned.",
    "completed": "Notification completed; its outcome is recorded.",
    "team-created": "Care team created.",
    "rules-saved": "The team's rules are saved.",
    "followed": "The team follows this person now.",
}
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
FormId = Annotated[int, Form(ge=1, le=MAX_ID)]
Choice = Annotated[str, Form(max_length=200)]


def organization_of_team(context: RouteContext, team_id: int) -> int | None:
    """The organization whose care team it is (for the access policy); None if there is none."""
    team = context.session.get(CareTeam, team_id) if team_id <= MAX_ID else None
    return team.organization_id if team is not None else None


def organization_of_notification(context: RouteContext, notification_id: int) -> int | None:
    """The organization a notification was made for (for the access policy)."""
    if notification_id > MAX_ID:
        return None
    return listing.organization_of_notification(context.session, notification_id)


def has_records_of(tables: Tables, data_source: str, person_id: str) -> bool:
    """Whether the member's submissions hold a record of this person (the last match's
    crosswalk): the treatment or coverage relationship a one-person follow needs."""
    try:
        crosswalk = tables.table("person_crosswalk")
    except NotFound:  # a reading copy from before it held the crosswalk
        return False
    mine = crosswalk.filter(
        (crosswalk.data_source == data_source) & (crosswalk.person_id == person_id)
    )
    return bool(mine.count().execute())


def own_teams(context: RouteContext) -> list[CareTeam]:
    """The reader's organization's care teams: the only notifications they see."""
    return listing.teams_of(context.session, context.signed_in.organization_id)


def _filters(status: str, kind: str, team: str, mine: bool) -> listing.Filters:
    team_id = int(team) if team.isascii() and team.isdigit() and 0 < int(team) <= MAX_ID else None
    return listing.Filters(
        status=status or listing.OPEN,
        kind=optional_one_of(EventKind, kind, "event"),
        team_id=team_id,
        mine=mine,
    )


def _to(path: str, notice: str) -> RedirectResponse:
    return RedirectResponse(f"{path}?notice={notice}", status_code=303)


# --- the work list --------------------------------------------------------------------------


@pages.get("/care", name="care.work_list")
def work_list_page(
    context: Context,
    status: Annotated[str, Query(max_length=20)] = listing.OPEN,
    kind: Annotated[str, Query(max_length=20)] = "",
    team: Annotated[str, Query(max_length=12)] = "",
    mine: bool = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    notice: str = "",
) -> HTMLResponse:
    teams = own_teams(context)
    filters = _filters(status, kind, team, mine)
    items, total = listing.work_list(context.session, context.actor, teams, filters, page)
    return context.page(
        "care/work_list.html",
        teams=teams,
        items=items,
        total=total,
        page=page,
        pages=max(1, -(-total // listing.PAGE_SIZE)),
        filters=filters,
        statuses=listing.STATUS_FILTERS,
        kinds=list(EventKind),
        unread=listing.unread(context.session, teams),
        notice=NOTICES.get(notice, ""),
    )


@pages.get("/care/notifications/{notification_id}", name="care.notification")
def notification_page(context: Context, notification_id: RowId, notice: str = "") -> HTMLResponse:
    teams = own_teams(context)
    opened = listing.open_notification(context.session, context.actor, teams, notification_id)
    notification = context.session.get(Notification, notification_id)
    assert notification is not None  # open_notification found it among the reader's teams
    return context.page(
        "care/notification.html",
        item=opened,
        colleagues=listing.care_team_people(context.session, notification.team.organization_id),
        outcomes=list(Outcome),
        contact=listing.facility_contact(context.session, notification.event),
        notice=NOTICES.get(notice, ""),
    )


@pages.post("/care/notifications/{notification_id}/claim", name="care.claim")
def claim(context: Context, notification_id: RowId) -> RedirectResponse:
    listing.claim(context.session, context.actor, own_teams(context), notification_id)
    return _to(f"/care/notifications/{notification_id}", "claimed")


@pages.post("/care/notifications/{notification_id}/assign", name="care.assign")
def assign(context: Context, notification_id: RowId, person_id: FormId) -> RedirectResponse:
    listing.assign(context.session, context.actor, own_teams(context), notification_id, person_id)
    return _to(f"/care/notifications/{notification_id}", "assigned")


@pages.post("/care/notifications/{notification_id}/complete", name="care.complete")
def complete(
    context: Context,
    notification_id: RowId,
    outcome: Choice,
    note: Annotated[str, Form(max_length=4000)] = "",
) -> RedirectResponse:
    chosen = one_of(Outcome, outcome, "notification outcome")
    listing.complete(
        context.session, context.actor, own_teams(context), notification_id, chosen, note
    )
    return _to(f"/care/notifications/{notification_id}", "completed")


# --- care gaps ------------------------------------------------------------------------------


def _roster_id(context: RouteContext) -> str | None:
    """The reader's organization as measure attribution names it (None: not on the roster)."""
    return get_organization(context.session, context.signed_in.organization_id).roster_id


def _measure(measure: str) -> str | None:
    chosen = measure.strip()
    if chosen and chosen not in {m.id for m in care_gaps.gap_measures()}:
        raise UserError(f"'{chosen}' is not a measure with care gaps")
    return chosen or None


@pages.get("/care/gaps", name="care.gaps")
def gaps_page(
    context: Context,
    measure: Annotated[str, Query(max_length=40)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    roster_id, chosen = _roster_id(context), _measure(measure)
    found: list[care_gaps.Gap] = []
    total, counts = 0, {}
    if roster_id is not None:
        tables = warehouse(context)
        found, total = care_gaps.gaps_of(tables, roster_id, chosen, page)
        counts = care_gaps.gap_counts(tables, roster_id)
    context.audit(
        AuditAction.VIEW_CARE_GAPS, target="care gaps", measure=chosen or "", page=page,
        people=sorted({g.person_id for g in found}),
    )  # fmt: skip
    return context.page(
        "care/gaps.html",
        gaps=found,
        total=total,
        counts=counts,
        measure=chosen or "",
        page=page,
        pages=max(1, -(-total // care_gaps.PAGE_SIZE)),
        on_roster=roster_id is not None,
        titles={m.id: m.title for m in care_gaps.gap_measures()},
    )


@pages.get("/care/gaps.csv", name="care.gaps_csv")
def gaps_csv(context: Context, measure: Annotated[str, Query(max_length=40)] = "") -> Response:
    roster_id, chosen = _roster_id(context), _measure(measure)
    text, rows = ("", 0)
    if roster_id is not None:
        text, rows = care_gaps.gaps_csv(warehouse(context), roster_id, chosen)
    context.audit(
        AuditAction.DOWNLOAD_CARE_GAPS, target="care gaps", measure=chosen or "", rows=rows
    )
    headers = {"Content-Disposition": 'attachment; filename="care-gaps.csv"'}
    return Response(text, media_type="text/csv", headers=headers)


# --- care teams -----------------------------------------------------------------------------


def _teams_shown(context: RouteContext) -> list[CareTeam]:
    """Staff see every organization's teams; a care team member their own organization's."""
    if sees_every_organization(context.principal):
        return keeping.all_teams(context.session)
    return own_teams(context)


@pages.get("/care/teams", name="care.teams")
def teams_page(context: Context, notice: str = "") -> HTMLResponse:
    return _teams_page(context, NOTICES.get(notice, ""))


def _teams_page(
    context: RouteContext, notice: str, new_secret: tuple[str, str] | None = None
) -> HTMLResponse:
    shown = _teams_shown(context)
    staff = context.may("care.create_team")
    return context.page(
        "care/teams.html",
        teams=shown,
        followed={team.id: keeping.followed(context.session, team) for team in shown},
        kinds=list(TeamKind),
        events=list(EventKind),
        settings=list(CareSetting),
        organizations=list_organizations(context.session) if staff else [],
        notice=notice,
        new_secret=new_secret,
    )


class RulesForm(BaseModel):
    """A team's rules as its form sends them (the new-team form and the team's own)."""

    events: list[Annotated[str, Field(max_length=500)]] = []
    settings: list[Annotated[str, Field(max_length=500)]] = []
    only_flagged: Annotated[str, Field(max_length=500)] = ""
    quiet_from: Annotated[str, Field(max_length=500)] = ""
    quiet_until: Annotated[str, Field(max_length=500)] = ""
    time_zone: Annotated[str, Field(max_length=500)] = ""
    email: Annotated[str, Field(max_length=500)] = ""
    webhook_url: Annotated[str, Field(max_length=500)] = ""

    def rules(self, events: list[str], settings: list[str]) -> keeping.Rules:
        return keeping.Rules(
            events=tuple(events),
            settings=tuple(settings),
            only_flagged=self.only_flagged == "yes",
            quiet_from=_clock(self.quiet_from),
            quiet_until=_clock(self.quiet_until),
            time_zone=self.time_zone.strip() or "America/Chicago",
            email=self.email.strip().lower() or None,
            webhook_url=self.webhook_url.strip() or None,
        )


class NewTeamForm(RulesForm):
    """A new team: its organization, name and kind, and its rules (left empty: the defaults)."""

    organization_id: Annotated[int, Field(ge=1, le=MAX_ID)]
    name: Annotated[str, Field(max_length=200)]
    kind: Annotated[str, Field(max_length=200)]


def _clock(value: str) -> time | None:
    """A time field (HH:MM), or None when left empty."""
    if not value.strip():
        return None
    try:
        return time.fromisoformat(value.strip())
    except ValueError:
        raise UserError(f"'{value}' is not a time of day like 20:00") from None


@pages.post("/care/teams", name="care.create_team")
def create_team(context: Context, form: Annotated[NewTeamForm, Form()]) -> RedirectResponse:
    rules = form.rules(
        form.events or list(keeping.DEFAULT_EVENTS), form.settings or list(keeping.DEFAULT_SETTINGS)
    )
    organization = get_organization(context.session, form.organization_id)
    chosen = one_of(TeamKind, form.kind, "kind of care team")
    keeping.create_team(context.session, context.actor, organization, form.name, chosen, rules)
    return _to("/care/teams", "team-created")


@pages.post("/care/teams/{team_id}/rules", name="care.set_rules")
def set_rules(context: Context, team_id: RowId, form: Annotated[RulesForm, Form()]) -> Response:
    team = keeping.get_team(context.session, team_id)
    rules = form.rules(form.events, form.settings)
    keeping.set_rules(context.session, context.actor, team, rules)
    if rules.webhook_url and team.webhook_secret is None:
        box = SecretBox.from_file(
            FilePath(context.settings.resolve(context.settings.secrets_key_file))
        )
        secret = keeping.new_webhook_secret(context.session, context.actor, team, box)
        return _teams_page(context, NOTICES["rules-saved"], new_secret=(team.name, secret))
    return _to("/care/teams", "rules-saved")


@pages.post("/care/teams/{team_id}/follow", name="care.follow")
def follow_person(
    context: Context, team_id: RowId, person_id: Annotated[str, Form(max_length=40)]
) -> RedirectResponse:
    team = keeping.get_team(context.session, team_id)
    (person,) = keeping.person_ids([person_id]) or [""]
    if not has_records_of(warehouse(context), team.organization.data_source, person):
        # Said the same way whether or not the person exists: nothing about others' patients.
        raise Forbidden(
            "a care team follows, one at a time, people its organization has records of (in its "
            "submissions, as matched); the collaborative's staff add people attributed to it"
        )
    keeping.follow(context.session, context.actor, team, [person], SubscriptionSource.ONE_PERSON)
    return _to("/care/teams", "followed")


ROSTER_LIMIT = 20 * 1024 * 1024  # bytes: a roster of a few hundred thousand ids
SHOWN_PROBLEMS = 20  # rows not followed, listed on the page (the count says how many in all)


@pages.post("/care/teams/{team_id}/roster", name="care.follow_roster")
def follow_roster(
    context: Context,
    team_id: RowId,
    roster: Annotated[UploadFile, File(description="CSV (patient_id or person_id) or FHIR Group")],
) -> HTMLResponse:
    """The team follows the people of an uploaded roster: its organization's own patient ids,
    matched through the crosswalk, or person ids of people its submissions hold."""
    team = keeping.get_team(context.session, team_id)
    content = roster.file.read(ROSTER_LIMIT + 1)
    if len(content) > ROSTER_LIMIT:
        raise UserError(f"a roster is at most {ROSTER_LIMIT // 1024 // 1024} MB; split it")
    read = roster_of(roster.filename or "roster.csv", content)
    own = source_people(warehouse(context), team.organization.data_source)
    people = read.own(own)
    added = keeping.follow(context.session, context.actor, team, people, SubscriptionSource.ROSTER)
    said = f"{team.name} follows {len(people):,} people from this roster ({added:,} new)."
    if read.unmatched:
        shown = "; ".join(read.unmatched[:SHOWN_PROBLEMS])
        more = len(read.unmatched) - SHOWN_PROBLEMS
        said += f" {len(read.unmatched):,} not followed: {shown}" + (
            f"; and {more:,} more" if more > 0 else ""
        )
    return _teams_page(context, said)


# --- JSON API -------------------------------------------------------------------------------


class WorkListOut(BaseModel):
    total: int
    page: int
    unread: int
    notifications: list[listing.WorkItem]


class UnreadOut(BaseModel):
    unread: int


class OutcomeIn(BaseModel):
    outcome: Outcome
    note: str = ""


@api.get("/care/notifications", name="api.care_notifications")
def api_work_list(
    context: Context,
    status: Annotated[str, Query(max_length=20)] = listing.OPEN,
    kind: Annotated[str, Query(max_length=20)] = "",
    team: Annotated[str, Query(max_length=12)] = "",
    mine: bool = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> WorkListOut:
    """The reader's care teams' notifications, newest event first (50 a page)."""
    teams = own_teams(context)
    filters = _filters(status, kind, team, mine)
    items, total = listing.work_list(context.session, context.actor, teams, filters, page)
    unread = listing.unread(context.session, teams)
    return WorkListOut(total=total, page=page, unread=unread, notifications=items)


@api.get("/care/notifications/unread", name="api.care_unread")
def api_unread(context: Context) -> UnreadOut:
    """How many of the reader's teams' notifications nobody has opened yet."""
    return UnreadOut(unread=listing.unread(context.session, own_teams(context)))


@api.get("/care/notifications/{notification_id}", name="api.care_notification")
def api_notification(context: Context, notification_id: RowId) -> listing.WorkItem:
    """One notification (opening it marks it read for the team)."""
    teams = own_teams(context)
    return listing.open_notification(context.session, context.actor, teams, notification_id)


@api.post("/care/notifications/{notification_id}/complete", name="api.care_complete")
def api_complete(context: Context, notification_id: RowId, body: OutcomeIn) -> listing.WorkItem:
    """Record what came of a notification (contacted, follow_up_booked, unreachable, not_ours)."""
    teams = own_teams(context)
    listing.complete(
        context.session, context.actor, teams, notification_id, body.outcome, body.note
    )
    return listing.open_notification(context.session, context.actor, teams, notification_id)


# --- Da Vinci notifications ----------------------------------------------------------------


def _known_person(tables: Tables, data_source: str, patient_id: str) -> str | None:
    """The person the last match made of a member's patient id, if any."""
    try:
        crosswalk = tables.table("person_crosswalk")
    except NotFound:
        return None
    found = crosswalk.filter(
        (crosswalk.data_source == data_source) & (crosswalk.source_person_id == patient_id)
    ).select("person_id")
    rows = found.limit(1).to_pyarrow()["person_id"].to_pylist()
    return str(rows[0]) if rows else None


def _csv_of(row: Mapping[str, str | None]) -> io.BytesIO:
    """One adt_event row as the CSV intake reads it."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(row))
    writer.writeheader()
    writer.writerow({key: value or "" for key, value in row.items()})
    return io.BytesIO(text.getvalue().encode())


def _outcome(severity: str, code: str, text: str) -> dict[str, object]:
    """A FHIR OperationOutcome with one issue: what the sender reads back."""
    issue = {"severity": severity, "code": code, "diagnostics": text}
    return {"resourceType": "OperationOutcome", "issue": [issue]}


@api.post(
    "/care/notifications/fhir",
    name="api.care_fhir_notification",
    response_model=None,
    openapi_extra={
        "requestBody": {"content": {"application/fhir+json": {"schema": {"type": "object"}}}}
    },
)
async def receive_fhir_notification(context: Context, request: Request) -> JSONResponse:
    """A Da Vinci Unsolicited Notification (admit, discharge, transfer) from a member's system:
    validated, kept as the member's encounter event and notified to the care teams entitled to
    it, like an ADT message; answered with an OperationOutcome."""
    try:
        data = json.loads(await request.body())
        row = adt_row_of_bundle(data)
    except (ValueError, UserError) as error:
        return JSONResponse(_outcome("error", "invalid", str(error)), status_code=400)
    member = get_organization(context.session, context.signed_in.organization_id)
    refused = refused_tables(member).get(ADT_TABLE)
    if refused:
        return JSONResponse(_outcome("error", "forbidden", refused), status_code=403)
    meant = meaning(row, member.data_source, utcnow())
    people: dict[SourcePerson, PersonRef] = {}
    if isinstance(meant, Encounter):
        key = (member.data_source, meant.source_person_id)
        known = _known_person(warehouse(context), *key)
        people[key] = PersonRef(known) if known else PersonRef(provisional_id(*key), True)
    done = notify(context.session, [meant] if meant is not None else [], people)
    if not done.repeated:  # kept in the warehouse like the feed's messages: a load of its own
        queue_load(context, member, {f"{ADT_TABLE}.csv": _csv_of(warehouse_row(row))})
    context.audit(
        AuditAction.RECEIVE_CARE_NOTIFICATION,
        target=f"care event {row['message_control_id']}",
        event=row["event_type"],
        notifications=done.notifications,
        repeated=done.repeated,
    )
    said = (
        f"{done.events} event kept, {done.notifications} notifications"
        if done.events
        else "already received"
        if done.repeated
        else "nothing to notify"
    )
    return JSONResponse(_outcome("information", "informational", said))


class GapsOut(BaseModel):
    total: int
    page: int
    gaps: list[care_gaps.Gap]


@api.get("/care/gaps", name="api.care_gaps")
def api_gaps(
    context: Context,
    measure: Annotated[str, Query(max_length=40)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> GapsOut:
    """The open care gaps of the reader's organization's attributed people (50 a page)."""
    roster_id, chosen = _roster_id(context), _measure(measure)
    found: list[care_gaps.Gap] = []
    total = 0
    if roster_id is not None:
        found, total = care_gaps.gaps_of(warehouse(context), roster_id, chosen, page)
    context.audit(
        AuditAction.VIEW_CARE_GAPS, target="care gaps", measure=chosen or "", page=page,
        people=sorted({g.person_id for g in found}),
    )  # fmt: skip
    return GapsOut(total=total, page=page, gaps=found)
