"""Privacy: who may see what (`commontable.privacy.access`), disclosure control of published
cells (`disclosure`) and the safety zone for cost figures; the audit log is its own part
(`commontable.audit`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from commontable.faces import offer

if TYPE_CHECKING:
    from commontable.privacy.access import (
        POLICY,
        About,
        Principal,
        is_data_steward,
        may,
        may_grant,
        may_see_own_detail,
        may_see_people_of,
        may_see_submissions_of,
        person_principal,
        records_visible_to,
        sees_every_organization,
        token_principal,
    )
    from commontable.privacy.access_review import api_tokens, people_access
    from commontable.privacy.disclosure import (
        AT_LEAST_SUM,
        SUM,
        Decision,
        MeasureShape,
        Structure,
        Total,
        control,
        linked_tables,
    )
    from commontable.privacy.disclosure.tables import MEMBER_MONTHS, MEMBER_YEARS, NUMERATOR, PAID
    from commontable.privacy.safety_zone import (
        RULES,
        STATEMENT_6,
        Contributors,
        SharingRule,
        sharing_rule,
        withheld_because,
    )

__all__ = [
    "AT_LEAST_SUM",
    "MEMBER_MONTHS",
    "MEMBER_YEARS",
    "NUMERATOR",
    "PAID",
    "POLICY",
    "RULES",
    "STATEMENT_6",
    "SUM",
    "About",
    "Contributors",
    "Decision",
    "MeasureShape",
    "Principal",
    "SharingRule",
    "Structure",
    "Total",
    "api_tokens",
    "control",
    "is_data_steward",
    "linked_tables",
    "may",
    "may_grant",
    "may_see_own_detail",
    "may_see_people_of",
    "may_see_submissions_of",
    "people_access",
    "person_principal",
    "records_visible_to",
    "sees_every_organization",
    "sharing_rule",
    "token_principal",
    "withheld_because",
]
__getattr__, __dir__ = offer(__name__, __all__)
