"""EntryCheck (入口检查): whether a live item's online entry answers, as last checked.

One row per service item, rewritten by each check (`app.services.ledger.entries`): the address
checked, the outcome, the HTTP status, how many checks in a row have failed, and the ledger task
opened after repeated failures. A check is an observation, not an edit of the item: it changes
neither the item's version nor its audit history (each run writes one audit event).
"""

from datetime import datetime

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .choices import ENTRY_FAILING, ENTRY_OUTCOME


class EntryCheck(Model):
    __tablename__ = "entry_check"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("service_item.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
        info={"label": _l("服务事项")},
    )
    item = relationship("ServiceItem", lazy="joined", info={"label": _l("服务事项")})
    url: Mapped[str | None] = mapped_column(String(500), info={"label": _l("检查的地址")})
    outcome: Mapped[str] = mapped_column(
        String(16),
        nullable=False,
        index=True,
        info={"label": _l("检查结果"), "choices": ENTRY_OUTCOME},
    )
    status_code: Mapped[int | None] = mapped_column(Integer, info={"label": _l("HTTP 状态码")})
    detail: Mapped[str | None] = mapped_column(String(300), info={"label": _l("说明")})
    checked_at: Mapped[datetime] = mapped_column(
        DateTime, nullable=False, info={"label": _l("检查时间")}
    )
    failures: Mapped[int] = mapped_column(
        Integer,
        nullable=False,
        default=0,
        info={
            "label": _l("连续失败次数"),
            "description": _l("连续检查失败的次数；检查可访问后归零"),
        },
    )
    failing_since: Mapped[datetime | None] = mapped_column(
        DateTime, info={"label": _l("失效起始时间")}
    )
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("rectification_task.id", ondelete="SET NULL"), info={"label": _l("整改任务")}
    )
    task = relationship("RectificationTask", lazy="joined", info={"label": _l("整改任务")})

    @property
    def is_failing(self) -> bool:
        return self.outcome in ENTRY_FAILING
