"""Who may see what, in one place: the rule of every route, and who sees which rows.

The web app's gate applies `POLICY` to every request before any route runs: a route whose
name has no rule here is refused to everyone (fail closed). Inside a route, the row-level
questions (whose submissions, whose people) are answered by the functions at the end of
this module, never by ad-hoc role checks.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from commontable.members.models import ApiToken, Person, Role

EVERY_ROLE = frozenset(Role)


@dataclass(frozen=True)
class Principal:
    """Who is asking: a signed-in person, or a member organization's system with an API token."""

    organization_id: int
    roles: frozenset[Role]
    name: str
    person_id: int | None = None
    token_id: int | None = None

    @property
    def is_system(self) -> bool:
        return self.token_id is not None

    def holds(self, *roles: Role) -> bool:
        """True when it holds one of `roles`, or is an admin (who passes every role check)."""
        return bool(self.roles & {Role.ADMIN, *roles})


def person_principal(person: Person) -> Principal:
    return Principal(person.organization_id, person.roles, person.name, person_id=person.id)


def token_principal(token: ApiToken) -> Principal:
    """An API token submits data for its organization, so it acts as that organization's data
    submitter, and as nothing more."""
    return Principal(
        token.organization_id,
        frozenset({Role.DATA_SUBMITTER}),
        f"API token {token.prefix}… ({token.name})",
        token_id=token.id,
    )


class About(StrEnum):
    """The path parameter that says which organization a route is about."""

    ORGANIZATION = "organization_id"
    SUBMISSION = "submission_id"  # the organization that sent the submission


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

    def allows(self, principal: Principal | None, organization_id: int | None = None) -> bool:
        """Whether `principal` may use the route, for the organization it is about."""
        if self.public:
            return True
        if principal is None or (principal.is_system and not self.systems):
            return False
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
        return (
            self.about is not None
            and principal is not None
            and (self.systems or not principal.is_system)
            and not (self.public or self.signed_in or principal.holds(*self.anywhere))
            and bool(principal.roles & self.own_organization)
        )

    def for_systems(self) -> Rule:
        """The same rule, open to API tokens as well (for JSON API routes)."""
        return replace(self, systems=True)


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
# Pairs of source records with their demographics: patient-level, for matching's reviewers.
REVIEWERS = Rule("admin, staff or an analyst", anywhere=frozenset({Role.STAFF, Role.ANALYST}))
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

# Every route, by name. Quarantined rows are patient-level: only the submitting organization's
# data submitters, and the collaborative's staff, see them.
POLICY: dict[str, Rule] = {
    # the web app itself
    "static": ANYONE,
    "openapi": ANYONE,
    "sign_in_page": ANYONE,
    "sign_in": ANYONE,
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
    "members.issue_token": STAFF,
    "members.revoke_token": STAFF,
    "api.organizations": SIGNED_IN.for_systems(),
    # a person's own notices (the routes query by the signed-in person's id)
    "members.notices": SIGNED_IN,
    "members.notice_read": SIGNED_IN,
    "api.notices": SIGNED_IN,
    # data submissions
    "submissions.list": SIGNED_IN,
    "submissions.of_organization": OWN_ORGANIZATION,
    "submissions.new": SUBMITTER_OF_ORGANIZATION,
    "submissions.upload": SUBMITTER_OF_ORGANIZATION,
    "submissions.detail": SUBMITTER_OF_SUBMISSION,
    "submissions.quarantine_csv": SUBMITTER_OF_SUBMISSION,
    "api.submissions": SIGNED_IN.for_systems(),
    "api.submit": SUBMITTERS.for_systems(),
    "api.submission": OWN_ORGANIZATION_OF_SUBMISSION.for_systems(),
    "api.quarantine": SUBMITTER_OF_SUBMISSION.for_systems(),
    # the match review queue (patient-level demographics side by side)
    "identity.review": REVIEWERS,
    "identity.decide": REVIEWERS,
    "api.match_review": REVIEWERS,
    # published measure results: aggregates, small cells blank (privacy.suppression)
    "results.explore": SIGNED_IN,
    "results.csv": SIGNED_IN,
    "results.xlsx": SIGNED_IN,
    "results.scorecard": SIGNED_IN,
    "api.results": SIGNED_IN.for_systems(),
    "api.results_catalog": SIGNED_IN.for_systems(),
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
    "api.plans": SIGNED_IN.for_systems(),
    "api.plan": SIGNED_IN.for_systems(),
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
    """Quarantined rows are patient-level: the organization's data submitters, staff."""
    return SUBMITTER_OF_SUBMISSION.allows(principal, organization_id)


def may_see_people_of(principal: Principal | None, organization_id: int) -> bool:
    """Names and roles of an organization's people: its own people, staff and admins."""
    return principal is not None and (
        principal.organization_id == organization_id or sees_every_organization(principal)
    )


def may_grant(principal: Principal | None, role: Role) -> bool:
    """Admins give any role; staff give the roles of members' people, but not admin or staff."""
    if principal is None or principal.is_system:
        return False
    if Role.ADMIN in principal.roles:
        return True
    return Role.STAFF in principal.roles and role not in (Role.ADMIN, Role.STAFF)


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
