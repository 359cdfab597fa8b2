"""Checks of one row beyond its cells: time-limit words that say no limit (a warning), a row
exported from an older version of its record, a hosting system the user may not choose."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from app.models.time_limit import read_time_limit
from app.services.trail import clock

if TYPE_CHECKING:
    from app.services.sheets.lookups import Lookups
    from app.services.sheets.report import ImportReport
    from app.services.sheets.specs import SheetSpec


def read_limits(report: ImportReport, spec: SheetSpec, number: int, values: dict) -> None:
    """Warn of the time limits whose words say no limit (they are kept as written), and take a
    blank 办件类型 from the promised limit's words."""
    for column in spec.columns:
        if column.kind != "time_limit" or not values.get(column.key):
            continue
        if not read_time_limit(values[column.key]).understood:
            report.warn(
                spec.title,
                number,
                column.header,
                _(
                    "未能从“{text}”读出时限（可写如“5个工作日”“1-30天”“即办件”）；"
                    "已按原文保存，统计时按未填写处理。"
                ).format(text=values[column.key]),
            )
    if "handling_type" in values and values["handling_type"] is None:
        values["handling_type"] = read_time_limit(values.get("promised_limit")).handling


def stale(
    report: ImportReport,
    spec: SheetSpec,
    number: int,
    label: str,
    record: Any,
    versions: dict[tuple[str, int], int],
    who: str | None = None,
) -> bool:
    """True (and reported) when the row comes from an older version of the record than the
    stored one: its changes would overwrite someone's newer edits."""
    version = versions.get((spec.title, number))
    if version is None or version >= record.version:
        return False
    who = who or getattr(getattr(record, "updated_by", None), "username", None) or _("未知用户")
    when = clock.text(record.updated_at)
    report.error(
        spec.title,
        number,
        spec.column("row_version").header,
        _(
            "“{name}”在导出之后已被 {who} 于 {when} 修改（文件中为第 {old} 版，"
            "现为第 {new} 版）；本文件未导入，请重新下载模板后再修改。"
        ).format(name=label, who=who, when=when, old=version, new=record.version),
    )
    return True


def hosts_allowed(
    report: ImportReport,
    lookups: Lookups,
    spec: SheetSpec,
    number: int,
    record: Any,
    values: dict,
) -> bool:
    """A system the user may not choose is allowed only where it already hosts the record (an
    untouched pre-filled template names it by code); choosing it anew is refused."""
    for column in spec.columns:
        system = values.get(column.key) if column.kind == "system" else None
        if system is None or lookups.systems.get(system.code) is system:
            continue
        if record is not None and getattr(record, column.key) is system:
            continue
        report.error(
            spec.title,
            number,
            column.header,
            _("承载系统“{value}”不存在或不可选；请按“系统编号 系统名称”填写。").format(
                value=system.code
            ),
        )
        return False
    return True
