"""Campaign (工作安排): one year's round of the survey, with its phases and deadlines."""

from datetime import date

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TrackedMixin
from .choices import PHASE_KIND
from .validators import NotBefore

# A campaign and each of its phases run from a start date to a deadline not before it.
START_DATE = {"label": _l("开始日期")}
END_DATE = {"label": _l("截止日期"), "validators": (NotBefore("start_date"),)}


class Campaign(TrackedMixin, Model):
    """A yearly round: contacts, self-check, aggregation and the final lists."""

    __tablename__ = "campaign"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="ck_campaign_dates"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(
        Integer, unique=True, nullable=False, info={"label": _l("年度")}
    )
    name: Mapped[str] = mapped_column(String(120), nullable=False, info={"label": _l("名称")})
    start_date: Mapped[date] = mapped_column(Date, nullable=False, info=START_DATE)
    end_date: Mapped[date] = mapped_column(Date, nullable=False, info=END_DATE)
    notes: Mapped[str | None] = mapped_column(Text, info={"label": _l("说明")})
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
    campaign = relationship(
        "Campaign", back_populates="phases", lazy="joined", info={"label": _l("所属工作安排")}
    )
    position: Mapped[int] = mapped_column(
        Integer, nullable=False, default=1, info={"label": _l("顺序")}
    )
    kind: Mapped[str] = mapped_column(
        String(16),
        nullable=False,
        default="other",
        info={"label": _l("阶段类型"), "choices": PHASE_KIND},
    )
    name: Mapped[str] = mapped_column(String(120), nullable=False, info={"label": _l("阶段名称")})
    start_date: Mapped[date] = mapped_column(Date, nullable=False, info=START_DATE)
    end_date: Mapped[date] = mapped_column(Date, nullable=False, info=END_DATE)

    def __str__(self):
        return self.name
