"""Who sits at the table: organizations and their sites, collaboratives, memberships and people."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commontable.appdb import Base, UTCDateTime, choice, utcnow
from commontable.members.identifiers import DATA_SOURCE_LENGTH, data_source_from_name


class OrganizationType(StrEnum):
    """The kinds of organization a regional collaborative brings together."""

    PURCHASER = "purchaser"
    HEALTH_PLAN = "health_plan"
    HOSPITAL = "hospital"
    CLINIC = "clinic"
    CBO = "cbo"
    PUBLIC_HEALTH = "public_health"
    CONSUMER_ADVOCATE = "consumer_advocate"
    SCHOOL = "school"
    WORKPLACE = "workplace"
    GOVERNMENT = "government"
    ACADEMIC = "academic"
    COLLABORATIVE = "collaborative"  # the collaborative's own backbone organization, its staff

    @property
    def label(self) -> str:
        return _ORGANIZATION_LABELS.get(self, self.value.replace("_", " "))


_ORGANIZATION_LABELS = {
    OrganizationType.PURCHASER: "purchaser or employer",
    OrganizationType.CLINIC: "clinic or medical group",
    OrganizationType.CBO: "community-based organization",
    OrganizationType.COLLABORATIVE: "collaborative (backbone organization)",
}


class SiteType(StrEnum):
    """Where an organization works: the places care and services happen."""

    OFFICE = "office"
    CLINIC = "clinic"
    HOSPITAL = "hospital"
    EMERGENCY_DEPARTMENT = "emergency_department"
    URGENT_CARE = "urgent_care"
    PHARMACY = "pharmacy"
    BEHAVIORAL_HEALTH = "behavioral_health"
    COMMUNITY_SITE = "community_site"
    SCHOOL = "school"
    WORKPLACE = "workplace"
    OTHER = "other"


class CollaborativeType(StrEnum):
    """Levels of the table, broadest first: a network holds community collaboratives, and so on."""

    NETWORK = "network"
    COMMUNITY_COLLABORATIVE = "community_collaborative"
    WORKGROUP = "workgroup"

    @property
    def level(self) -> int:
        return list(CollaborativeType).index(self)


class MembershipRole(StrEnum):
    """The part an organization plays in a collaborative."""

    MEMBER = "member"
    ADVISORY_BOARD = "advisory_board"
    CONVENER = "convener"


class Role(StrEnum):
    """What a person may do on the platform; a person may hold several roles."""

    ADMIN = "admin"
    STAFF = "staff"
    MEMBER_REPRESENTATIVE = "member_representative"
    ANALYST = "analyst"
    DATA_SUBMITTER = "data_submitter"
    CARE_TEAM = "care_team"
    VIEWER = "viewer"
    # Sees the figures of suppressed result cells, for the collaborative's analyses under its
    # data-use agreement (with STAFF: the collaborative's own data stewards).
    DATA_STEWARD = "data_steward"


def _data_source_of_new_organization(context: DefaultExecutionContext) -> str:
    values: dict[str, object] = context.get_current_parameters()  # type: ignore[no-untyped-call, unused-ignore]
    return data_source_from_name(str(values["name"]))


class Organization(Base):
    """A member organization (or one that may become one), with its identifiers."""

    __tablename__ = "organizations"
    __table_args__ = (
        CheckConstraint("length(npi) = 10", name="npi_length"),
        CheckConstraint("length(tin) = 9", name="tin_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[OrganizationType] = mapped_column(choice(OrganizationType, "type"))
    npi: Mapped[str | None] = mapped_column(String(10), unique=True)
    tin: Mapped[str | None] = mapped_column(String(9))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    # The name its submissions carry in the warehouse (data_source); by default a slug of its name.
    data_source: Mapped[str] = mapped_column(
        String(DATA_SOURCE_LENGTH), unique=True, default=_data_source_of_new_organization
    )
    # Its organization_id on the collaborative's roster (warehouse `organization`), which
    # measure results name it by; None for an organization that is not on the roster.
    roster_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Organization | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Organization]] = relationship(
        back_populates="parent", order_by="Organization.name"
    )
    sites: Mapped[list[Site]] = relationship(
        back_populates="organization", cascade="all, delete-orphan", order_by="Site.name"
    )
    people: Mapped[list[Person]] = relationship(
        back_populates="organization", order_by="Person.email"
    )

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name!r}>"


class Site(Base):
    """A place an organization works from: a clinic, a hospital campus, a food bank's pantry."""

    __tablename__ = "sites"
    __table_args__ = (
        UniqueConstraint("organization_id", "name"),
        CheckConstraint("length(npi) = 10", name="npi_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[SiteType] = mapped_column(choice(SiteType, "type"))
    address: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(2))
    zip_code: Mapped[str] = mapped_column(String(10))
    npi: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization: Mapped[Organization] = relationship(back_populates="sites")


class Collaborative(Base):
    """A table organizations sit at: a network, a community collaborative or a workgroup."""

    __tablename__ = "collaboratives"
    __table_args__ = (UniqueConstraint("parent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[CollaborativeType] = mapped_column(choice(CollaborativeType, "type"))
    description: Mapped[str] = mapped_column(String(2000), default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("collaboratives.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Collaborative | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Collaborative]] = relationship(
        back_populates="parent", order_by="Collaborative.name"
    )
    memberships: Mapped[list[Membership]] = relationship(back_populates="collaborative")

    def __repr__(self) -> str:
        return f"<Collaborative {self.id} {self.name!r}>"


class Membership(Base):
    """An organization's seat at a collaborative, in a role, from a start date to an end date."""

    __tablename__ = "memberships"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    collaborative_id: Mapped[int] = mapped_column(ForeignKey("collaboratives.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    role: Mapped[MembershipRole] = mapped_column(choice(MembershipRole, "role"))
    seat: Mapped[str] = mapped_column(String(200), default="")
    start_date: Mapped[date]
    end_date: Mapped[date | None]  # the last day of the membership; None while it lasts
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    collaborative: Mapped[Collaborative] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship()


class Person(Base):
    """Someone who signs in: a member organization's representative, staff, a care manager."""

    __tablename__ = "people"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower_case"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))  # None: cannot sign in
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The second factor (members.second_factor): the TOTP secret, encrypted; None: not enrolled.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)  # no code is accepted twice

    organization: Mapped[Organization] = relationship(back_populates="people")
    role_grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(grant.role for grant in self.role_grants)

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.email}>"


class RoleGrant(Base):
    """One role held by one person."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("person_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(choice(Role, "role"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person: Mapped[Person] = relationship(back_populates="role_grants")


class ApiToken(Base):
    """A secret a member's system submits data with; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(
        String(16)
    )  # the token's first characters, to tell it apart
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scopes: Mapped[str] = mapped_column(String(64))  # space-separated: submit, read
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship()

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    created_by: Mapped[Person | None] = relationship()


class FailedSignIns(Base):
    """Failed sign-ins in a row for one typed address (known or not), and its lock if any."""

    __tablename__ = "failed_sign_ins"

    account: Mapped[str] = mapped_column(String(64), primary_key=True)  # digest of the address
    failures: Mapped[int] = mapped_column(Integer)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginSession(Base):
    """A signed-in browser: the cookie holds a secret, the table only its SHA-256."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Half signed in: the password was right, the second factor is still to come ("code"), or
    # to be set up first ("enrol"); None: signed in.
    pending: Mapped[str | None] = mapped_column(String(16))
    code_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # idle timeout
    # When the person last proved who they are (password, code): patient-level pages ask again
    # once this is old.
    authenticated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship()
