"""The app DB's copy of published measure results: each publication, its measures, its cells."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commontable.appdb import Base, UTCDateTime, utcnow

PRIMARY = "primary"  # its own numerator, denominator or their difference is a count of 1-10
COMPLEMENTARY = "complementary"  # hidden so that no small count can be worked out from others
REASONS = (PRIMARY, COMPLEMENTARY)


class Publication(Base):
    """One run of `commontable publish` for a period; the newest of a period is the current one."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[int] = mapped_column(Integer, index=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by: Mapped[str] = mapped_column(String(200))
    results: Mapped[int] = mapped_column(Integer)
    suppressed: Mapped[int] = mapped_column(Integer)
    primary_suppressed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The attacker audit of what was published (privacy.disclosure.Audit, as a dict).
    audit: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    cells: Mapped[list[PublishedResult]] = relationship(
        back_populates="publication", cascade="all, delete-orphan", passive_deletes=True
    )


class PublishedMeasure(Base):
    """A measure as the published results describe it (from the measure library at publish)."""

    __tablename__ = "published_measures"

    measure_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(40))
    steward: Mapped[str] = mapped_column(String(300))
    version: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(500))
    higher_is_better: Mapped[bool]


class Figures:
    """The figures of a result cell (columns shared by the shown and the suppressed tables)."""

    denominator: Mapped[int | None] = mapped_column(Integer)
    numerator: Mapped[int | None] = mapped_column(Integer)
    member_years: Mapped[float | None] = mapped_column(Float)
    rate: Mapped[float | None] = mapped_column(Float)
    ci_low: Mapped[float | None] = mapped_column(Float)
    ci_high: Mapped[float | None] = mapped_column(Float)
    reliability: Mapped[float | None] = mapped_column(Float)
    # Adjusted measures (indirect standardisation, risk models): expected events or dollars, O/E
    # (a hierarchical model's hospitals: predicted / expected) with its 95% interval, and the
    # risk-standardised rate; cost measures: member-months and paid dollars.
    expected: Mapped[float | None] = mapped_column(Float)
    oe_ratio: Mapped[float | None] = mapped_column(Float)
    oe_low: Mapped[float | None] = mapped_column(Float)
    oe_high: Mapped[float | None] = mapped_column(Float)
    risk_standardised_rate: Mapped[float | None] = mapped_column(Float)
    member_months: Mapped[float | None] = mapped_column(Float)
    paid_amount: Mapped[float | None] = mapped_column(Float)
    predicted: Mapped[float | None] = mapped_column(Float)
    # The comparison with the rest of the collaborative: two-sided p, and BH-adjusted q.
    p_value: Mapped[float | None] = mapped_column(Float)
    q_value: Mapped[float | None] = mapped_column(Float)
    reference_rate: Mapped[float | None] = mapped_column(Float)
    # Statement 6: the firms paid behind a cost figure and the largest one's share; the reader
    # uses them to decide, and shows neither.
    providers: Mapped[int | None] = mapped_column(Integer)
    largest_provider_share: Mapped[float | None] = mapped_column(Float)


class PublishedResult(Figures, Base):
    """One published cell: a measure's result for an entity and stratum in a period.

    It holds only what may be shown to any member: a suppressed cell keeps who and what it is,
    and its figures live apart (SuppressedResult), so no reader, export or API over this table
    can leak them.
    """

    __tablename__ = "published_results"
    __table_args__ = (
        Index("ix_published_results_lookup", "period", "measure_id", "entity_type", "stratum_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(
        ForeignKey("publications.id", ondelete="CASCADE"), index=True
    )
    measure_id: Mapped[str] = mapped_column(ForeignKey("published_measures.measure_id"))
    period: Mapped[int] = mapped_column(Integer)
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(100))
    entity_name: Mapped[str] = mapped_column(String(200))
    # The member organization the entity is (clinic, medical group, plan, hospital); None for a
    # county or the whole collaborative.
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    stratum_type: Mapped[str] = mapped_column(String(40))
    stratum: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))  # reported | too few | suppressed
    comparison: Mapped[str | None] = mapped_column(String(20))  # better | worse | average
    adjustment: Mapped[str | None] = mapped_column(String(40))  # what `expected` adjusts for
    suppressed: Mapped[bool] = mapped_column(default=False, server_default=false())

    publication: Mapped[Publication] = relationship(back_populates="cells")
    measure: Mapped[PublishedMeasure] = relationship()
    hidden: Mapped[SuppressedResult | None] = relationship(
        back_populates="result", cascade="all, delete-orphan", passive_deletes=True
    )


class SuppressedResult(Figures, Base):
    """The true figures of a suppressed cell, read only through the reader of published results
    (`publishing.reader`), for the cell's own organization and the collaborative's data
    stewards."""

    __tablename__ = "suppressed_results"
    __table_args__ = (CheckConstraint("reason IN ('primary', 'complementary')", name="reason"),)

    result_id: Mapped[int] = mapped_column(
        ForeignKey("published_results.id", ondelete="CASCADE"), primary_key=True
    )
    reason: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    comparison: Mapped[str | None] = mapped_column(String(20))

    result: Mapped[PublishedResult] = relationship(back_populates="hidden")
