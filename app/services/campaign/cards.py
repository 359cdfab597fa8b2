"""The figures a leader asks first, shown as cards above the dashboard's charts.

- 已上线事项: service items running online (良好 or 待改进; offline and 待部署 ones left out);
- 运行良好占比: items 良好 / all items not taken offline;
- 信息系统: the systems surveyed (with their build cost);
- 年度运维费用: the systems' yearly O&M cost (万元), the sum of the costs filled in: a blank
  cost is unknown, not 0, and the card says how many systems left it blank (N 项未填写);
- 待整改问题: rectification tasks not done (of which overdue);
- 逾期部门: departments red on the campaign board today.

Each is one aggregate query in the user's department scope, cached under the data stamp; the
late departments come from the (cached) board.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import ConsoleUser, InformationSystem, RectificationTask, ServiceItem
from app.models.choices import BOARD_STATE
from app.services.access import scope
from app.services.campaign import board
from app.services.trail import stamped


@dataclass
class Card:
    """One figure: its name, value and a line saying what it counts."""

    key: str
    label: str
    value: str
    hint: str


def _counts(session: Session, user: ConsoleUser, today: date) -> dict[str, object]:
    online = ~ServiceItem.is_offline
    items = session.execute(
        scope.apply_scope(
            select(
                func.count().filter(online),
                func.count().filter(online & ServiceItem.running_status.in_(("good", "improve"))),
                func.count().filter(online & (ServiceItem.running_status == "good")),
            ).select_from(ServiceItem),
            ServiceItem,
            user,
        )
    ).one()
    systems = session.execute(
        scope.apply_scope(
            select(
                func.count(),
                func.sum(InformationSystem.annual_om_cost),
                func.sum(InformationSystem.build_cost),
                func.count().filter(InformationSystem.annual_om_cost.is_(None)),
                func.count().filter(InformationSystem.build_cost.is_(None)),
            ).select_from(InformationSystem),
            InformationSystem,
            user,
        )
    ).one()
    tasks = session.execute(
        scope.apply_scope(
            select(
                func.count().filter(RectificationTask.is_open),
                func.count().filter(RectificationTask.is_overdue(today)),
            ).select_from(RectificationTask),
            RectificationTask,
            user,
        )
    ).one()
    return {
        "items": items[0],
        "online": items[1],
        "good": items[2],
        "systems": systems[0],
        "om_cost": None if systems[1] is None else Decimal(systems[1]),
        "build_cost": None if systems[2] is None else Decimal(systems[2]),
        "om_unfilled": systems[3],
        "build_unfilled": systems[4],
        "open_tasks": tasks[0],
        "overdue_tasks": tasks[1],
    }


def _with_unfilled(hint: str, unfilled: int) -> str:
    """The hint, then how many systems left the figure's number blank (left out of the sum)."""
    if not unfilled:
        return hint
    return _("{hint}（{n} 项未填写）").format(hint=hint, n=unfilled)


def cards(session: Session, user: ConsoleUser, today: date | None = None) -> list[Card]:
    """The six cards for `user` (their department only, for a department's user)."""
    today = today or date.today()
    c = stamped.stamped(
        session,
        "cards",
        (scope.scope_department_id(user), today.isoformat()),
        lambda: _counts(session, user, today),
    )
    brd = board.build(session, today, user=user)
    late = brd.counts()[BOARD_STATE.RED]
    share = f"{100 * c['good'] / c['items']:.1f}%" if c["items"] else "—"
    om = (
        _("未填写") if c["om_cost"] is None else _("{cost} 万元").format(cost=f"{c['om_cost']:.2f}")
    )
    build = _("未填写") if c["build_cost"] is None else f"{c['build_cost']:.2f}"
    return [
        Card(
            "items_online",
            _("已上线事项"),
            str(c["online"]),
            _("共 {n} 项事项（不含已下线），待部署的未计入").format(n=c["items"]),
        ),
        Card(
            "good_share",
            _("运行良好占比"),
            share,
            _("运行良好 {n} 项 / 全部事项").format(n=c["good"]),
        ),
        Card(
            "systems",
            _("信息系统"),
            str(c["systems"]),
            _with_unfilled(_("建设总经费 {cost} 万元").format(cost=build), c["build_unfilled"]),
        ),
        Card(
            "om_cost",
            _("年度运维费用"),
            om,
            _with_unfilled(_("已填写的信息系统每年的运维费用合计"), c["om_unfilled"]),
        ),
        Card(
            "open_problems",
            _("待整改问题"),
            str(c["open_tasks"]),
            _("整改台账中未完成的任务，其中逾期 {n} 项").format(n=c["overdue_tasks"]),
        ),
        Card(
            "late_departments",
            _("逾期部门"),
            str(late),
            _("工作进度看板上已过截止日期仍未完成的部门（共 {n} 个部门）").format(n=len(brd.rows)),
        ),
    ]
