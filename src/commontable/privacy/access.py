"""Who may see what, in one place: the rule of every route, and who sees which rows.

The web app's gate applies `POLICY` to every request before any route runs: a route whose
name has no rule here is refused to everyone (fail closed). Inside a route, the row-level
questions (whose submissions, whose people) are answered by the functions at the end of
this module, never by ad-hoc role checks.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Literal

from commontable.members import ApiToken, Person, Role

EVERY_ROLE = frozenset(Role)


@dataclass(frozen=True)
class Principal:
    """Who is asking: a signed-in person, or a member organization's system with an API token."""

    organization_id: int
    roles: frozenset[Role]
    name: str
    person_id: int | None = None
    token_id: int | None = None
    scopes: frozenset[str] = frozenset()  # what an API token may do (members.tokens.SCOPES)

    @property
    def is_system(self) -> bool:
        return self.token_id is not None

    def holds(self, *roles: Role) -> bool:
        """True when it holds one of `roles`, or is an admin (who passes every role check)."""
        return bool(self.roles & {Role.ADMIN, *roles})


def person_principal(person: Person) -> Principal:
    return Principal(person.organization_id, person.roles, person.name, person_id=person.id)


def token_principal(token: ApiToken) -> Principal:
    """An API token acts for its organization's system as its data submitter, and as nothing
    more; its scopes narrow that further (submit data, read results)."""
    return Principal(
        token.organization_id,
        frozenset({Role.DATA_SUBMITTER}),
        f"API token {token.prefix}… ({token.name})",
        token_id=token.id,
        scopes=token.scope_set,
    )


class About(StrEnum):
    """The path parameter that says which organization a route is about."""

    ORGANIZATION = "organization_id"
    SUBMISSION = "submission_id"  # the organization that sent the submission
    JOB = "job_id"  # the organization the job was asked for
    CARE_TEAM = "team_id"  # the organization whose care team it is
    NOTIFICATION = "notification_id"  # the organization whose care team it was made for


@dataclass(frozen=True)
class Rule:
    """Who may use a route. Admins pass every rule but the fail-closed refusal."""

    summary: str
    public: bool = False  # anyone, signed in or not
    signed_in: bool = False  # any signed-in person
    anywhere: frozenset[Role] = frozenset()  # these roles, whatever the organization
    own_organization: frozenset[Role] = frozenset()  # these roles, for their own organization
    about: About | None = None  # where the route names its organization
    systems: bool = False  # API tokens may use it (API routes only)
    scope: str | None = None  # the scope an API token needs for it
    # Patient-level data: the data steward, and `own_records` roles for their own organization's
    # records only (the route narrows the rows); an admin's pass does not reach it.
    patient_level: bool = False
    own_records: frozenset[Role] = frozenset()
    stewards: bool = True  # False: not even the data steward (a care team's own work)

    def allows(self, principal: Principal | None, organization_id: int | None = None) -> bool:
        """Whether `principal` may use the route, for the organization it is about."""
        if self.public:
            return True
        if principal is None or (principal.is_system and not self.systems):
            return False
        if principal.is_system and self.scope not in principal.scopes:
            return False
        if self.patient_level:
            return _patient_level_allows(self, principal, organization_id)
        if self.signed_in or principal.holds(*self.anywhere):
            return True
        return (
            organization_id is not None
            and organization_id == principal.organization_id
            and bool(principal.roles & self.own_organization)
        )

    def turns_on_organization(self, principal: Principal | None) -> bool:
        """Whether the answer for `principal` depends on the organization the route is about
        (only then need it be looked up)."""
        if self.patient_level:
            return (
                self.about is not None
                and principal is not None
                and (self.systems or not principal.is_system)
                and not (self.stewards and is_data_steward(principal))
                and bool(principal.roles & self.own_organization)
            )
        return (
            self.about is not None
            and principal is not None
            and (self.systems or not principal.is_system)
            and not (self.public or self.signed_in or principal.holds(*self.anywhere))
            and bool(principal.roles & self.own_organization)
        )

    def for_systems(self, scope: str) -> Rule:
        """The same rule, open as well to API tokens holding `scope` (JSON API routes)."""
        return replace(self, systems=True, scope=scope)


def _patient_level_allows(rule: Rule, principal: Principal, organization_id: int | None) -> bool:
    """Data stewards; `own_records` roles (rows narrowed by the route); `own_organization` roles
    when the route is about their organization."""
    if (rule.stewards and is_data_steward(principal)) or principal.roles & rule.own_records:
        return True
    return (
        organization_id is not None
        and organization_id == principal.organization_id
        and bool(principal.roles & rule.own_organization)
    )


ANYONE = Rule("anyone", public=True)
SIGNED_IN = Rule("any signed-in person", signed_in=True)
ADMIN = Rule("admin")
STAFF = Rule("admin or staff", anywhere=frozenset({Role.STAFF}))
SUBMITTERS = Rule(
    "a data submitter (for their own organization), staff or admin",
    anywhere=frozenset({Role.STAFF, Role.DATA_SUBMITTER}),
)
SUBMITTER_OF_ORGANIZATION = Rule(
    "the organization's data submitters, staff or admin",
    anywhere=frozenset({Role.STAFF}),
    own_organization=frozenset({Role.DATA_SUBMITTER}),
    about=About.ORGANIZATION,
)
SUBMITTER_OF_SUBMISSION = replace(SUBMITTER_OF_ORGANIZATION, about=About.SUBMISSION)
# Quarantined rows of a submission: patient-level; the sender's data submitters and the data
# steward, nobody else (not staff without the data-use role, not an admin as such).
QUARANTINE_READERS = Rule(
    "the organization's data submitters or the collaborative's data steward",
    own_organization=frozenset({Role.DATA_SUBMITTER}),
    about=About.SUBMISSION,
    patient_level=True,
)
# Pairs of source records with their demographics: patient-level, for matching's reviewers: the
# data steward sees every pair, an organization's analysts only pairs of its own records.
REVIEWERS = Rule(
    "the collaborative's data steward, or an analyst (their own organization's records)",
    own_records=frozenset({Role.ANALYST}),
    patient_level=True,
)
OWN_ORGANIZATION = Rule(
    "anyone of the organization, staff or admin",
    anywhere=frozenset({Role.STAFF}),
    own_organization=EVERY_ROLE,
    about=About.ORGANIZATION,
)
OWN_ORGANIZATION_OF_SUBMISSION = Rule(
    "anyone of the submitting organization, staff or admin",
    anywhere=frozenset({Role.STAFF}),
    own_organization=EVERY_ROLE,
    about=About.SUBMISSION,
)
# A job's progress and outcome (file names, row counts, a decision's number; no patient values).
OWN_ORGANIZATION_OF_JOB = replace(
    OWN_ORGANIZATION,
    summary="anyone of the organization that asked for it, staff or admin",
    about=About.JOB,
)

# Votes and Delphi ratings. Governance then enforces one organization, one vote: only for the
# member organization the person represents, and only if it is not recused.
REPRESENTATIVES = Rule("a member representative", anywhere=frozenset({Role.MEMBER_REPRESENTATIVE}))

# A commitment's status: the committed organization's representatives report it; staff too.
COMMITMENT_REPORTERS = Rule(
    "the organization's member representatives, staff or admin",
    anywhere=frozenset({Role.STAFF}),
    own_organization=frozenset({Role.MEMBER_REPRESENTATIVE}),
    about=About.ORGANIZATION,
)

# Care coordination. Notifications name patients: only the care teams of the organization they
# were made for see them, and act on them (minimum necessary: not the data steward, not staff or
# admins as such). A team's rules are the team's and staff's; whom it follows, the team's.
CARE_TEAM_MEMBERS = Rule(
    "a care team member (their own organization's teams)",
    own_records=frozenset({Role.CARE_TEAM}),
    patient_level=True,
    stewards=False,
)
CARE_TEAM_OF_NOTIFICATION = Rule(
    "the care team members of the organization it was made for",
    own_organization=frozenset({Role.CARE_TEAM}),
    about=About.NOTIFICATION,
    patient_level=True,
    stewards=False,
)
CARE_TEAM_FOLLOWERS = replace(
    CARE_TEAM_OF_NOTIFICATION,
    summary="the care team members of the team's organization",
    about=About.CARE_TEAM,
)
CARE_TEAM_KEEPERS = Rule(
    "the care team members of the team's organization, staff or admin",
    anywhere=frozenset({Role.STAFF}),
    own_organization=frozenset({Role.CARE_TEAM}),
    about=About.CARE_TEAM,
)
CARE_TEAMS_PAGE = Rule(
    "care team members (their organization's teams), staff or admin",
    anywhere=frozenset({Role.STAFF, Role.CARE_TEAM}),
)

# Every route, by name. Quarantined rows are patient-level: only the submitting organization's
# data submitters, and the collaborative's staff, see them.
POLICY: dict[str, Rule] = {
    # the web app itself
    "static": ANYONE,
    "openapi": ANYONE,
    "sign_in_page": ANYONE,
    "sign_in": ANYONE,
    # the second factor: the routes themselves require the half-signed-in session's cookie
    "sign_in_code_page": ANYONE,
    "sign_in_code": ANYONE,
    "sign_in_enrol_page": ANYONE,
    "sign_in_enrol": ANYONE,
    "sign_in_confirm_page": SIGNED_IN,
    "sign_in_confirm": SIGNED_IN,
    "sign_out": SIGNED_IN,
    "home": SIGNED_IN,
    # members
    "members.directory": SIGNED_IN,
    "members.organization": SIGNED_IN,
    "members.collaboratives": SIGNED_IN,
    "members.collaborative": SIGNED_IN,
    "members.add_person": STAFF,
    "members.grant_role": ADMIN,
    "members.revoke_role": ADMIN,
    "members.unlock": ADMIN,
    "members.reset_second_factor": ADMIN,
    "members.access_review": ADMIN,
    "members.issue_token": STAFF,
    "members.revoke_token": STAFF,
    "api.organizations": SIGNED_IN.for_systems("read"),
    # a person's own notices (the routes query by the signed-in person's id)
    "members.notices": SIGNED_IN,
    "members.notice_read": SIGNED_IN,
    "api.notices": SIGNED_IN,
    # data submissions
    "submissions.list": SIGNED_IN,
    "submissions.of_organization": OWN_ORGANIZATION,
    "submissions.new": SUBMITTER_OF_ORGANIZATION,
    "submissions.upload": SUBMITTER_OF_ORGANIZATION,
    "submissions.detail": QUARANTINE_READERS,
    "jobs.detail": OWN_ORGANIZATION_OF_JOB,
    # the pipeline (matching, measures, publishing from the web): the collaborative's staff
    "jobs.pipeline": STAFF,
    "jobs.run_match": STAFF,
    "jobs.run_measures": STAFF,
    "jobs.publish": STAFF,
    "jobs.status": OWN_ORGANIZATION_OF_JOB,
    "api.job": OWN_ORGANIZATION_OF_JOB.for_systems("submit"),
    "submissions.quarantine_csv": QUARANTINE_READERS,
    "api.submissions": SIGNED_IN.for_systems("submit"),
    "api.submit": SUBMITTERS.for_systems("submit"),
    "api.submission": OWN_ORGANIZATION_OF_SUBMISSION.for_systems("submit"),
    "api.quarantine": QUARANTINE_READERS.for_systems("submit"),
    # the match review queue (patient-level demographics side by side)
    "identity.review": REVIEWERS,
    "identity.decide": REVIEWERS,
    "api.match_review": REVIEWERS,
    # published measure results: aggregates, small cells blank (privacy.suppression)
    "results.explore": SIGNED_IN,
    "results.csv": SIGNED_IN,
    "results.xlsx": SIGNED_IN,
    "results.scorecard": SIGNED_IN,
    "api.results": SIGNED_IN.for_systems("read"),
    "api.results_catalog": SIGNED_IN.for_systems("read"),
    # the public report: a static site of published aggregates only (suppressed, checked)
    "report.site": ANYONE,
    # governance: decisions (representatives vote; staff put, open and close motions)
    "decisions.motions": SIGNED_IN,
    "decisions.motion": SIGNED_IN,
    "decisions.log": SIGNED_IN,
    "decisions.create": STAFF,
    "decisions.open": STAFF,
    "decisions.close": STAFF,
    "decisions.link": STAFF,
    "decisions.settings": STAFF,
    "decisions.vote": REPRESENTATIVES,
    "decisions.conflict": REPRESENTATIVES,
    "api.motions": SIGNED_IN,
    "api.motion": SIGNED_IN,
    "api.decisions": SIGNED_IN,
    "api.vote": REPRESENTATIVES,
    # governance: Delphi studies (panelists rate; staff run the study; results are aggregates)
    "delphi.studies": SIGNED_IN,
    "delphi.study": SIGNED_IN,
    "delphi.results": SIGNED_IN,
    "delphi.create": STAFF,
    "delphi.add_item": STAFF,
    "delphi.add_panelist": STAFF,
    "delphi.open_round": STAFF,
    "delphi.close_round": STAFF,
    "delphi.rate_form": REPRESENTATIVES,
    "delphi.rate": REPRESENTATIVES,
    "api.delphi_studies": SIGNED_IN,
    "api.delphi_study": SIGNED_IN,
    "api.delphi_results": SIGNED_IN,
    "api.delphi_rate": REPRESENTATIVES,
    # plans: the action plan (members look; staff plan; representatives report commitments)
    "plans.list": SIGNED_IN,
    "plans.plan": SIGNED_IN,
    "plans.goal": SIGNED_IN,
    "plans.initiative": SIGNED_IN,
    "plans.of_organization": SIGNED_IN,
    "plans.create": STAFF,
    "plans.set_status": STAFF,
    "plans.add_area": STAFF,
    "plans.add_goal": STAFF,
    "plans.enter_value": STAFF,
    "plans.add_initiative": STAFF,
    "plans.add_commitment": STAFF,
    "plans.add_cycle": STAFF,
    "plans.update_cycle": STAFF,
    "plans.commitment_status": COMMITMENT_REPORTERS,
    "api.plans": SIGNED_IN.for_systems("read"),
    "api.plan": SIGNED_IN.for_systems("read"),
    # care coordination: the work list and its notifications; care teams and whom they follow
    "care.work_list": CARE_TEAM_MEMBERS,
    "care.notification": CARE_TEAM_OF_NOTIFICATION,
    "care.claim": CARE_TEAM_OF_NOTIFICATION,
    "care.assign": CARE_TEAM_OF_NOTIFICATION,
    "care.complete": CARE_TEAM_OF_NOTIFICATION,
    "care.teams": CARE_TEAMS_PAGE,
    "care.create_team": STAFF,
    "care.set_rules": CARE_TEAM_KEEPERS,
    "care.follow": CARE_TEAM_FOLLOWERS,
    "care.follow_roster": CARE_TEAM_FOLLOWERS,
    "api.care_notifications": CARE_TEAM_MEMBERS,
    "api.care_unread": CARE_TEAM_MEMBERS,
    "api.care_notification": CARE_TEAM_OF_NOTIFICATION,
    "api.care_complete": CARE_TEAM_OF_NOTIFICATION,
    # open care gaps of the organization's attributed people (the route narrows to them)
    "care.gaps": CARE_TEAM_MEMBERS,
    "care.gaps_csv": CARE_TEAM_MEMBERS,
    "api.care_gaps": CARE_TEAM_MEMBERS,
    # a member's system (or data submitter) sends its own encounters' notifications
    "api.care_fhir_notification": SUBMITTERS.for_systems("submit"),
}


def may(route: str, principal: Principal | None, organization_id: int | None = None) -> bool:
    """Whether `principal` may use the route named `route` (for links and buttons to show);
    an unknown route is refused."""
    rule = POLICY.get(route)
    return rule is not None and rule.allows(principal, organization_id)


def sees_every_organization(principal: Principal | None) -> bool:
    """Staff and admins see every organization's submissions and people."""
    return principal is not None and not principal.is_system and principal.holds(Role.STAFF)


def may_see_submissions_of(principal: Principal | None, organization_id: int) -> bool:
    """The submission log (files, counts, no patient rows): the organization itself, staff."""
    return principal is not None and (
        principal.organization_id == organization_id or sees_every_organization(principal)
    )


def may_see_quarantine_of(principal: Principal | None, organization_id: int | None) -> bool:
    """Quarantined rows are patient-level: the organization's data submitters, the data
    steward."""
    return QUARANTINE_READERS.allows(principal, organization_id)


def records_visible_to(principal: Principal | None) -> Literal["all", "own", "none"]:
    """Which source records a patient-level screen (match review) shows `principal`: every
    organization's (the data steward), their own organization's (an analyst), or none."""
    if is_data_steward(principal):
        return "all"
    if principal is not None and not principal.is_system and Role.ANALYST in principal.roles:
        return "own"
    return "none"


def may_see_people_of(principal: Principal | None, organization_id: int) -> bool:
    """Names and roles of an organization's people: its own people, staff and admins."""
    return principal is not None and (
        principal.organization_id == organization_id or sees_every_organization(principal)
    )


ADMIN_GRANTS = frozenset({Role.ADMIN, Role.STAFF, Role.DATA_STEWARD})  # only admins give these


def may_grant(principal: Principal | None, role: Role) -> bool:
    """Admins give any role; staff give the roles of members' people, but not admin, staff or
    the data-use role (data steward)."""
    if principal is None or principal.is_system:
        return False
    if Role.ADMIN in principal.roles:
        return True
    return Role.STAFF in principal.roles and role not in ADMIN_GRANTS


def is_data_steward(principal: Principal | None) -> bool:
    """The collaborative's staff who hold the data steward role (both, explicitly: an admin's
    pass through every role check does not make one)."""
    return (
        principal is not None
        and not principal.is_system
        and {Role.STAFF, Role.DATA_STEWARD} <= principal.roles
    )


def may_see_own_detail(
    principal: Principal | None, organization_id: int | None, family: frozenset[int]
) -> bool:
    """A result cell's figures that other members do not see (a suppressed cell's small numbers,
    a cost figure the sharing rule withholds): the organization the cell is about (`family`
    holds the principal's organization and the organizations under it), and the collaborative's
    data stewards."""
    if principal is None:
        return False
    if is_data_steward(principal):
        return True
    return organization_id is not None and organization_id in family
