"""The dashboard's figures, declared as data: a new chart is one row of `FIGURES`.

Each figure names its data function in `statistics`, the columns of its table (and XLSX
sheet), how `app.reports.charts` draws it and which columns it plots.
"""

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.models import InformationSystem
from app.models.choices import RUNNING_STATUS
from app.models.labels import labels
from app.services.insight import statistics


@dataclass(frozen=True)
class Column:
    """One column of a figure's table: row key, header, and how to show it."""

    key: str
    label: object
    kind: str = "text"  # text | int | money | rate | days


@dataclass(frozen=True)
class Figure:
    """A dashboard figure: its data function, table columns and how it is drawn.

    `style` names a drawing in app.reports.charts; `series` are the columns it plots.
    """

    name: str
    title: object
    rows: object
    columns: tuple
    style: str
    series: tuple
    unit: object = ""
    # One line saying what the chart shows, filled from its leading row (`reading`):
    # {label} and {value} (the row with the largest `reading_key`), {share} when the row has one.
    reading: object = ""
    reading_key: str = ""
    # (session, user, rows) -> how many records the figure leaves out because a number it
    # plots is not filled in; shown as "N 项未填写" beside the chart, its table and its XLSX.
    unfilled: object = None


# Columns that show a field of a system say it in the model's words (`app.models.labels`).
_SYSTEM_LABELS = labels(InformationSystem)
_SYSTEM = Column("label", _SYSTEM_LABELS["name"])
_DEPT = Column("department", _SYSTEM_LABELS["department"])
_BUILD = Column("build_cost", _l("建设总经费（万元）"), "money")
_OM = Column("annual_om_cost", _SYSTEM_LABELS["annual_om_cost"], "money")
_SYSTEMS = Column("systems", _l("系统数"), "int")
_SHARE = Column("share", _l("占比（%）"), "rate")
_NO_COST = statistics.unfilled_systems(
    InformationSystem.build_cost, InformationSystem.annual_om_cost
)
_NO_USAGE = statistics.unfilled_systems(
    InformationSystem.daily_active_operations, InformationSystem.core_usage_rate
)

FIGURES = (
    Figure(
        "system_costs",
        _l("各系统建设经费与年度运维费用（前 {n} 名）"),
        statistics.system_costs,
        (_SYSTEM, _DEPT, _BUILD, _OM),
        "hbars",
        ("build_cost", "annual_om_cost"),
        _l("万元"),
        reading=_l("年度运维费用最高的系统是“{label}”：{value} 万元。"),
        reading_key="annual_om_cost",
        unfilled=_NO_COST,
    ),
    Figure(
        "department_costs",
        _l("各部门信息系统经费（前 {n} 名）"),
        statistics.department_costs,
        (Column("label", _l("部门")), _SYSTEMS, _BUILD, _OM),
        "hbars",
        ("build_cost", "annual_om_cost"),
        _l("万元"),
        reading=_l("信息系统年度运维费用最高的部门是“{label}”：{value} 万元。"),
        reading_key="annual_om_cost",
        unfilled=_NO_COST,
    ),
    Figure(
        "vendor_costs",
        _l("各厂商承建系统经费（前 {n} 名）"),
        statistics.vendor_costs,
        (Column("label", _SYSTEM_LABELS["vendor"]), _SYSTEMS, _BUILD, _OM),
        "hbars",
        ("build_cost", "annual_om_cost"),
        _l("万元"),
        reading=_l("承建系统年度运维费用最高的厂商是“{label}”：{value} 万元。"),
        reading_key="annual_om_cost",
        unfilled=_NO_COST,
    ),
    Figure(
        "system_usage",
        _l("日均操作活跃度与核心功能使用率（前 {n} 名）"),
        statistics.system_usage,
        (
            _SYSTEM,
            _DEPT,
            Column("daily_active_operations", _l("日均操作活跃度"), "int"),
            Column("core_usage_rate", _SYSTEM_LABELS["core_usage_rate"], "rate"),
        ),
        "bars_and_rate",
        ("daily_active_operations", "core_usage_rate"),
        reading=_l("日均操作最活跃的系统是“{label}”：每天 {value} 次。"),
        reading_key="daily_active_operations",
        unfilled=_NO_USAGE,
    ),
    Figure(
        "portal_integration",
        _SYSTEM_LABELS["portal_integration"],
        statistics.portal_integration,
        (Column("label", _l("对接状态")), _SYSTEMS, _SHARE),
        "pie",
        ("systems",),
        reading=_l("融合门户对接最多的状态是“{label}”：{value} 个系统，占 {share}%。"),
        reading_key="systems",
    ),
    Figure(
        "mobile_adaptation",
        _SYSTEM_LABELS["mobile_adaptation"],
        statistics.mobile_adaptation,
        (Column("label", _l("适配情况")), _SYSTEMS, _SHARE),
        "pie",
        ("systems",),
        reading=_l("移动端适配最多的情况是“{label}”：{value} 个系统，占 {share}%。"),
        reading_key="systems",
    ),
    Figure(
        "deployment_mode",
        _SYSTEM_LABELS["deployment"],
        statistics.deployment_mode,
        (Column("label", _SYSTEM_LABELS["deployment"]), _SYSTEMS, _SHARE),
        "pie",
        ("systems",),
        reading=_l("最多的部署模式是“{label}”：{value} 个系统，占 {share}%。"),
        reading_key="systems",
    ),
    Figure(
        "problems",
        _l("信息系统现存问题"),
        statistics.problems,
        (Column("label", _l("问题类型")), _SYSTEMS, _SHARE),
        "hbars",
        ("systems",),
        reading=_l("最常见的问题是“{label}”：{value} 个系统，占 {share}%。"),
        reading_key="systems",
    ),
    Figure(
        "items_by_status",
        _l("各部门服务事项运行状态"),
        statistics.items_by_status,
        (
            Column("label", _l("部门")),
            *(Column(code, label, "int") for code, label in RUNNING_STATUS),
            Column("total", _l("合计"), "int"),
        ),
        "stacked",
        RUNNING_STATUS.codes,
        reading=_l("服务事项最多的部门是“{label}”：{value} 项。"),
        reading_key="total",
    ),
    Figure(
        "items_by_audience",
        _l("各服务对象的服务事项数"),
        statistics.items_by_audience,
        (Column("label", _l("服务对象")), Column("items", _l("事项数"), "int")),
        "hbars",
        ("items",),
        _l("项"),
        reading=_l("服务事项最多的服务对象是“{label}”：{value} 项。"),
        reading_key="items",
    ),
    Figure(
        "approval_time",
        _l("审核用时与办理时限对比"),
        statistics.approval_time,
        (
            Column("label", _l("部门")),
            Column("decisions", _l("审核次数"), "int"),
            Column("avg_days", _l("平均审核用时（天）"), "days"),
            Column("avg_limit", _l("平均办理时限（工作日）"), "days"),
            Column("within", _l("时限内"), "int"),
            Column("over", _l("超出时限"), "int"),
            Column("no_limit", _l("时限未填写或无法识别"), "int"),
        ),
        "paired",
        ("avg_days", "avg_limit"),
        _l("天"),
        reading=_l("平均审核用时最长的部门是“{label}”：{value} 天。"),
        reading_key="avg_days",
        unfilled=statistics.unfilled_limits,
    ),
)
BY_NAME = {figure.name: figure for figure in FIGURES}


def figure_title(figure: Figure) -> str:
    return str(figure.title).format(n=statistics.TOP_N)


def unfilled_note(count: int) -> str:
    """ "N 项未填写" for a figure that leaves `count` records out, else ""."""
    return _("{n} 项未填写").format(n=count) if count else ""


def reading(figure: Figure, rows: list[dict[str, object]]) -> str:
    """The figure's one-line reading of its rows (its leading row), or that there is no data."""
    scored = [r for r in rows if r.get(figure.reading_key) not in (None, 0)]
    if not figure.reading or not scored:
        return _("暂无数据。")
    top = max(scored, key=lambda r: r[figure.reading_key])
    value = top[figure.reading_key]
    shown = f"{value:.2f}" if isinstance(value, Decimal) else value
    return str(figure.reading).format(label=top["label"], value=shown, share=top.get("share"))
