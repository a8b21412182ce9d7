"""The app DB's copy of published measure results: each publication, its measures, its cells."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commontable.appdb import Base, UTCDateTime, utcnow

PRIMARY = "primary"  # its own numerator or denominator is a small cell
COMPLEMENTARY = "complementary"  # hidden so that a primary cell cannot be recovered from totals
SUPPRESSIONS = (PRIMARY, COMPLEMENTARY)


class Publication(Base):
    """One run of `commontable publish` for a period; the newest of a period is the current one."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[int] = mapped_column(Integer, index=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by: Mapped[str] = mapped_column(String(200))
    results: Mapped[int] = mapped_column(Integer)
    suppressed: Mapped[int] = mapped_column(Integer)

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


class PublishedResult(Base):
    """One cell of measure_result: a measure's result for an entity and stratum in a period.

    A suppressed cell keeps its figures for the entity's own organization; every other reader
    gets them blanked by `privacy.access` (the public report never reads them at all).
    """

    __tablename__ = "published_results"
    __table_args__ = (
        CheckConstraint(
            "suppression IS NULL OR suppression IN ('primary', 'complementary')",
            name="suppression_kind",
        ),
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
    denominator: Mapped[int]
    numerator: Mapped[int]
    member_years: Mapped[float | None] = mapped_column(Float)
    rate: Mapped[float | None] = mapped_column(Float)
    ci_low: Mapped[float | None] = mapped_column(Float)
    ci_high: Mapped[float | None] = mapped_column(Float)
    reliability: Mapped[float | None] = mapped_column(Float)
    # Risk-adjusted measures (indirect standardisation): expected events, O/E with its 95%
    # interval, and the risk-standardised rate; cost measures: member-months and paid dollars.
    expected: Mapped[float | None] = mapped_column(Float)
    oe_ratio: Mapped[float | None] = mapped_column(Float)
    oe_low: Mapped[float | None] = mapped_column(Float)
    oe_high: Mapped[float | None] = mapped_column(Float)
    risk_standardised_rate: Mapped[float | None] = mapped_column(Float)
    member_months: Mapped[float | None] = mapped_column(Float)
    paid_amount: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))  # reported | too few
    comparison: Mapped[str | None] = mapped_column(String(20))  # better | worse | average
    suppression: Mapped[str | None] = mapped_column(String(20))

    publication: Mapped[Publication] = relationship(back_populates="cells")
    measure: Mapped[PublishedMeasure] = relationship()
