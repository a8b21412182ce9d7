"""Members and people: organizations, sites, collaboratives, memberships, roles, sign-in.

Services take a SQLAlchemy session, add and flush, and never commit: the caller (a CLI
command, a web request) owns the transaction. Errors a user can cause are `UserError`s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from commontable.faces import offer

if TYPE_CHECKING:
    from commontable.members.administration import (
        enrol_person,
        give_role,
        reset_second_factor,
        take_role,
        unlock_account,
    )
    from commontable.members.authentication import authenticate
    from commontable.members.authority import own_payers, refused_tables
    from commontable.members.collaboratives import (
        add_collaborative,
        ancestors,
        descendants,
        get_collaborative,
        move_collaborative,
        top_level_collaboratives,
    )
    from commontable.members.identifiers import (
        data_source_from_name,
        normalise_data_source,
        normalise_npi,
        normalise_tin,
        npi_is_valid,
    )
    from commontable.members.login_sessions import (
        SIGN_IN_AGAIN,
        complete_login_session,
        confirm_login_session,
        end_login_session,
        forget_expired_sessions,
        login_for_session,
        pending_login_session,
        person_for_login_session,
        start_login_session,
    )
    from commontable.members.memberships import (
        add_membership,
        covering,
        current_members,
        current_memberships_of,
        end_membership,
    )
    from commontable.members.models import (
        ApiToken,
        Collaborative,
        CollaborativeType,
        LoginSession,
        Membership,
        MembershipRole,
        Organization,
        OrganizationType,
        Person,
        Role,
        RoleGrant,
        Site,
        SiteType,
    )
    from commontable.members.notices import Notice, mark_read, notices_for, notify, unread_count
    from commontable.members.organizations import (
        add_organization,
        add_site,
        find_organization,
        get_organization,
        list_organizations,
        organization_for_data_source,
        set_data_source,
        set_parent_organization,
    )
    from commontable.members.passwords import check_password_rules, hash_password, verify_password
    from commontable.members.people import (
        add_person,
        available_email,
        deactivate_person,
        find_person,
        get_person,
        normalise_email,
        people_of,
        set_password,
    )
    from commontable.members.roles import (
        grant_role,
        has_role,
        people_with_role,
        require_role,
        revoke_role,
    )
    from commontable.members.second_factor import (
        MAX_CODE_FAILURES,
        SecretBox,
        accept_code,
        enrol,
        enrolment_uri,
        needs_second_factor,
        new_secret,
        qr_svg,
        reset,
    )
    from commontable.members.sign_in_guard import (
        AddressLimit,
        check_account,
        clear_account,
        count_failure,
    )
    from commontable.members.tokens import (
        IssuedToken,
        issue_token,
        revoke_token,
        tokens_of,
        verify_token,
    )

__all__ = [
    "MAX_CODE_FAILURES",
    "SIGN_IN_AGAIN",
    "AddressLimit",
    "ApiToken",
    "Collaborative",
    "CollaborativeType",
    "IssuedToken",
    "LoginSession",
    "Membership",
    "MembershipRole",
    "Notice",
    "Organization",
    "OrganizationType",
    "Person",
    "Role",
    "RoleGrant",
    "SecretBox",
    "Site",
    "SiteType",
    "accept_code",
    "add_collaborative",
    "add_membership",
    "add_organization",
    "add_person",
    "add_site",
    "ancestors",
    "authenticate",
    "available_email",
    "check_account",
    "check_password_rules",
    "clear_account",
    "complete_login_session",
    "confirm_login_session",
    "count_failure",
    "covering",
    "current_members",
    "current_memberships_of",
    "data_source_from_name",
    "deactivate_person",
    "descendants",
    "end_login_session",
    "end_membership",
    "enrol",
    "enrol_person",
    "enrolment_uri",
    "find_organization",
    "find_person",
    "forget_expired_sessions",
    "get_collaborative",
    "get_organization",
    "get_person",
    "give_role",
    "grant_role",
    "has_role",
    "hash_password",
    "issue_token",
    "list_organizations",
    "login_for_session",
    "mark_read",
    "move_collaborative",
    "needs_second_factor",
    "new_secret",
    "normalise_data_source",
    "normalise_email",
    "normalise_npi",
    "normalise_tin",
    "notices_for",
    "notify",
    "npi_is_valid",
    "organization_for_data_source",
    "own_payers",
    "pending_login_session",
    "people_of",
    "people_with_role",
    "person_for_login_session",
    "qr_svg",
    "refused_tables",
    "require_role",
    "reset",
    "reset_second_factor",
    "revoke_role",
    "revoke_token",
    "set_data_source",
    "set_parent_organization",
    "set_password",
    "start_login_session",
    "take_role",
    "tokens_of",
    "top_level_collaboratives",
    "unlock_account",
    "unread_count",
    "verify_password",
    "verify_token",
]
__getattr__, __dir__ = offer(__name__, __all__)
