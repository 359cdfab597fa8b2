"""Campaign (工作安排): one year's round of the survey, with its phases and deadlines."""

from datetime import date

from flask_appbuilder import Model
from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TrackedMixin


class Campaign(TrackedMixin, Model):
    """A yearly round: contacts, self-check, aggregation and the final lists."""

    __tablename__ = "campaign"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="ck_campaign_dates"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    notes: Mapped[str | None] = mapped_column(Text)
    phases = relationship(
        "CampaignPhase",
        back_populates="campaign",
        cascade="all, delete-orphan",
        order_by="CampaignPhase.position",
    )

    def __str__(self):
        return self.name


class CampaignPhase(TrackedMixin, Model):
    """A phase of a campaign with its start and deadline."""

    __tablename__ = "campaign_phase"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="ck_phase_dates"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), nullable=False, index=True
    )
    campaign = relationship("Campaign", back_populates="phases", lazy="joined")
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="other")
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)

    def __str__(self):
        return self.name
