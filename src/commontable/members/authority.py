"""Authority over shared data: which members may send which table.

The member roster (organizations, practitioners, locations) is the collaborative's master data:
only the collaborative's own organization sends it, so no member can rename another. Claims
and eligibility come from those who pay (health plans, and employers paying for their own
plans); clinical records from those who give care; screenings for social needs also from
community-based organizations and plans. A submission holding a table its sender may not send
is rejected whole, with the reason.
"""

from __future__ import annotations

from commontable.members.models import Organization, OrganizationType

T = OrganizationType
ROSTER = frozenset({T.COLLABORATIVE})
PAYERS = frozenset({T.HEALTH_PLAN, T.PURCHASER})
CARE = frozenset({T.HOSPITAL, T.CLINIC, T.COLLABORATIVE})  # the collaborative as data hub

SENDERS: dict[str, frozenset[OrganizationType]] = {
    "organization": ROSTER,
    "practitioner": ROSTER,
    "location": ROSTER,
    "eligibility": PAYERS,
    "medical_claim": PAYERS,
    "pharmacy_claim": PAYERS,
    "patient": CARE | {T.PUBLIC_HEALTH, T.CBO},
    "encounter": CARE,
    "condition": CARE,
    "procedure": CARE,
    "lab_result": CARE,
    "observation": CARE,
    "medication": CARE,
    "immunization": CARE | {T.PUBLIC_HEALTH},  # the state's immunization registry
    "adt_event": frozenset({T.HOSPITAL, T.COLLABORATIVE}),
    "sdoh_screening": CARE | {T.CBO, T.HEALTH_PLAN, T.PUBLIC_HEALTH},
}
WHY = {
    "organization": "the member roster is the collaborative's, so only it sends organizations",
    "practitioner": "the member roster is the collaborative's, so only it sends practitioners",
    "location": "the member roster is the collaborative's, so only it sends locations",
}


def refused_tables(organization: Organization) -> dict[str, str]:
    """The tables `organization` may not send, each with the reason to show."""
    kind = organization.type.value.replace("_", " ")
    return {
        table: f"{organization.name} ({kind}) may not send {table}: {_why(table, senders)}"
        for table, senders in SENDERS.items()
        if organization.type not in senders
    }


def _why(table: str, senders: frozenset[OrganizationType]) -> str:
    kinds = sorted(kind.value.replace("_", " ") for kind in senders)
    return WHY.get(table) or f"{table} comes from members of these kinds: {', '.join(kinds)}"


def own_payers(organization: Organization) -> frozenset[str] | None:
    """The payer values a member's eligibility and claims may name (lower case): its own name
    and roster id, and its subsidiaries'. None for members that send no such tables."""
    if organization.type not in PAYERS:
        return None
    members = [organization, *organization.children]
    return frozenset(
        value.lower() for o in members for value in (o.name, o.roster_id) if value is not None
    )
