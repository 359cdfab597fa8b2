"""The campaign's workbooks: templates (附件1-4), their exports and the one-sheet-per-item list.

Rows in, bytes out, all through `SheetWriter`. A template is the export of a department's data
plus an instructions sheet, dropdowns (list validations over a hidden options sheet) on every
enumerated column and room to add rows; the plain exports of attachments 3 and 4 stream in
`constant_memory` mode. Each data sheet has a title row, then the header the import looks for.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from xlsxwriter.utility import xl_col_to_name

from app.models import guide_words as words
from app.models.choices import NODE_KIND

from .xlsx import SheetWriter, display_width

if TYPE_CHECKING:
    from app.models import ServiceItem
    from app.services.sheets.specs import Column, Template

OPTIONS_SHEET = "选项"
EXTRA_ROWS = 500  # rows below the data that keep their dropdowns, for new entries


def column_widths(columns: Sequence[Column]) -> list[int]:
    """Fixed widths that fit each Chinese header (set before rows: constant_memory needs it)."""
    return [max(column.width or 0, display_width(column.header) + 4, 10) for column in columns]


def write_workbook(
    template: Template,
    rows_by_sheet: Mapping[str, Iterable[object]],
    subtitle: str,
    dropdowns: Mapping[str, Sequence[str]] | None = None,
    constant_memory: bool = False,
) -> bytes:
    """The workbook of `template`: each data sheet filled from rows_by_sheet[sheet title].

    `dropdowns` ({"department": [names], "system": [labels], "handling_department": [names]})
    makes it a template: instructions first, list validations and a hidden options sheet.
    """
    from app.services.sheets.values import formatter

    writer = SheetWriter(constant_memory=constant_memory)
    if dropdowns is not None:
        _instructions(writer, template, subtitle)
    sheets = []
    for spec in template.sheets:
        sheet = writer.sheet(
            spec.title,
            [c.header for c in spec.columns],
            widths=column_widths(spec.columns),
            title=f"{template.title}（{subtitle}）",
        )
        cells = [formatter(column) for column in spec.columns]
        for record in rows_by_sheet.get(spec.title, ()):
            sheet.write_row([cell(record) for cell in cells])
        sheets.append((spec, sheet))
    if dropdowns is not None:
        options = _options_sheet(writer, template, dropdowns)
        for spec, sheet in sheets:
            _validations(sheet, spec, options)
        sheets[0][1].ws.activate()
    for _spec, sheet in sheets:
        sheet.finish(autofilter=dropdowns is None)
    return writer.close()


def _list_values(column, dropdowns):
    if column.kind in ("choice", "codes"):
        return [str(label) for _code, label in column.choices]
    if column.kind == "bool":
        return [_("是"), _("否")]
    if column.kind == "department":
        return dropdowns.get(column.key) or dropdowns.get("department") or []
    if column.kind == "system":
        return dropdowns.get("system") or []
    return None


def _options_sheet(writer, template, dropdowns):
    """A hidden sheet with one column per list; returns {(sheet, key): formula range}."""
    lists, ranges = [], {}
    for spec in template.sheets:
        for column in spec.columns:
            if column.kind == "status":
                continue
            values = _list_values(column, dropdowns)
            if values is None:
                continue
            lists.append((spec, column, values))
    sheet = writer.sheet(
        OPTIONS_SHEET,
        [f"{spec.title}·{column.header}" for spec, column, _v in lists],
        landscape=False,
    )
    longest = max((len(values) for _s, _c, values in lists), default=0)
    for index in range(longest):
        sheet.write_row(
            [values[index] if index < len(values) else None for _s, _c, values in lists]
        )
    for col, (spec, column, values) in enumerate(lists):
        letter = xl_col_to_name(col)
        if values:
            last = len(values) + 1
            ranges[(spec.title, column.key)] = f"='{OPTIONS_SHEET}'!${letter}$2:${letter}${last}"
    sheet.finish(autofilter=False)
    sheet.ws.hide()
    return ranges


def _validations(sheet, spec, ranges):
    first = sheet.header_row + 1
    last = max(sheet.row - 1, first) + EXTRA_ROWS
    for col, column in enumerate(spec.columns):
        source = ranges.get((spec.title, column.key))
        if source is None:
            continue
        options = {
            "validate": "list",
            "source": source,
            "ignore_blank": True,
            "error_title": _("请从下拉列表中选择"),
            "error_message": _("请从下拉列表中选择“{name}”的值。").format(name=column.header)[:255],
        }
        if column.kind == "codes":
            # Several values are typed joined by "、": the list only suggests.
            options["show_error"] = False
            options["input_title"] = column.header[:32]
            options["input_message"] = _("可多选，多项用“、”分隔。")
        sheet.ws.data_validation(first, col, last, col, options)


def _instructions(writer, template, subtitle):
    sheet = writer.sheet(
        _("填写说明"),
        [_("填写说明")],
        widths=[110],
        landscape=False,
        title=f"{template.title}（{subtitle}）",
    )
    lines = [
        _(
            "1. 请在后面的工作表中逐行填写，不要修改表头、工作表名称和列的顺序；"
            "第一行为标题，第二行为表头。"
        ),
        _(
            "2. 表中已预置本部门现有的数据；修改后上传即更新，新增一行即新增一条记录。"
            "同一文件重复导入不会产生任何变化。"
        ),
        _(
            "3. 带下拉箭头的列请从下拉列表中选择；“使用人群”“覆盖办事人群”可多选，多项用“、”分隔。"
            "“是/否”列留空视为“否”。"
        ),
        _("4. 不要使用公式；数字列填写数字，日期填写如 2024-09-01。"),
        _(
            "5. 上传后系统先逐行检查，列出全部问题（工作表、行、列、原因）；"
            "只有没有任何错误的文件才会导入，并且一次性全部导入。"
            "可先预览将要新增和修改的内容，确认后再导入。"
        ),
        _(
            "6. 只能导入本部门的数据；“审核状态”列仅供查看，导入时忽略。已提交审核的记录不会被修改"
            "（会在结果中列出）；修改已审核通过的记录会生成新的草稿，需重新提交审核。"
        ),
        _("7. 文件须为 .xlsx 格式，不超过 20 MB。"),
    ]
    for spec in template.sheets:
        lines.append("")
        lines.append(_("工作表“{name}”：").format(name=spec.title))
        required = [c.header for c in spec.columns if c.required and c.imported]
        lines.append(_("必填列：{names}。").format(names="、".join(required)))
        if spec.key == ("code",):
            lines.append(
                _("按“{name}”匹配已有记录；编码在全校唯一。").format(name=spec.columns[0].header)
            )
        elif spec.parent == "item":
            lines.append(
                _(
                    "按“事项编码”和“{position}”匹配；某事项在本表中出现时，本表的行即为该事项的全部{name}"
                    "（本表中没有的序号将被删除）；本表中未出现的事项保持不变。"
                ).format(position=spec.columns[1].header, name=spec.title)
            )
        else:
            lines.append(
                _("按“所属部门”和“工号”匹配已有联系人；未填工号时按“所属部门”和“姓名”匹配。")
            )
        lines.extend(str(note) for note in spec.notes)
    for line in lines:
        sheet.write_row([line])
    sheet.finish(autofilter=False)


# --- 一事一单: one sheet per item -------------------------------------------------------------


def write_item_sheets(
    items: Sequence[ServiceItem],
    labels: Mapping[str, object],
    flowchart_png: Callable[[ServiceItem], bytes],
    subtitle: str,
) -> bytes:
    """One sheet per service item: basic information, the six modules, materials, nodes, and
    the flowchart image. `labels` maps field keys to their Chinese labels."""
    from app.services.sheets.specs import templates
    from app.services.sheets.values import cell_value

    spec = templates()["items"].sheets[0]
    writer = SheetWriter()
    if not items:
        sheet = writer.sheet(_("一事一单"), [_("项目"), _("内容")], widths=[26, 80], title=subtitle)
        sheet.write_row([_("（没有服务事项）"), None])
        sheet.finish(autofilter=False)
        return writer.close()
    header = writer.formats["header"]
    for item in items:
        sheet = writer.sheet(
            item.code,
            [_("项目"), _("内容")],
            widths=[26, 80],
            landscape=False,
            title=_("一事一单：{code} {name}").format(code=item.code, name=item.name),
        )
        for key in (
            "code",
            "name",
            "department",
            "post",
            "kind",
            "running_status",
            "hosting_system",
            "online_entry",
            "audience",
            "status",
        ):
            sheet.write_row([spec.column(key).header, cell_value(spec.column(key), item)])
        _section(sheet, header, _("六大模块"))
        sheet.write_row([_("一、办理要件"), item.conditions])
        materials = "\n".join(_material_line(m) for m in item.materials)
        sheet.write_row([_("　　申报材料"), materials or None])
        sheet.write_row([_("二、办理路径"), item.path])
        sheet.write_row([_("三、咨询渠道"), item.consultation])
        sheet.write_row([_("四、办理时限"), time_limit_line(item) or None])
        sheet.write_row([_("　　办理时段"), item.service_hours])
        sheet.write_row([_("五、办理提示"), item.tips])
        sheet.write_row(
            [_("六、流程图（流转环节）"), "\n".join(_node_line(n) for n in item.nodes) or None]
        )
        _section(sheet, header, _("问题与建议"))
        for key in (
            "pain_points",
            "suggestions",
            "transformation_needs",
            "disposition",
            "disposition_note",
        ):
            sheet.write_row([spec.column(key).header, cell_value(spec.column(key), item)])
        sheet.write_row([str(labels["offline_plan"]), item.offline_plan])
        _section(sheet, header, _("流程图"))
        png = flowchart_png(item)
        sheet.ws.insert_image(
            sheet.row,
            0,
            "flowchart.png",
            {"image_data": io.BytesIO(png), "x_scale": 0.8, "y_scale": 0.8, "object_position": 3},
        )
        sheet.finish(autofilter=False)
    return writer.close()


def _section(sheet, fmt, title):
    sheet.write_cell(sheet.row, 0, title, fmt)
    sheet.write_cell(sheet.row, 1, "", fmt)
    sheet.row += 1


def _material_line(material):
    parts = [
        f"{material.position}. {material.name}",
        _("必需") if material.required else _("非必需"),
        words.material(material),
        material.notes or "",
    ]
    return "；".join(part for part in parts if part)


def _node_line(node):
    parts = [f"{node.position}. 【{NODE_KIND.label(node.kind)}】{node.name}"]
    who = " ".join(
        x
        for x in (
            node.handling_department.name if node.handling_department else "",
            node.handling_post or "",
        )
        if x
    )
    if who:
        parts.append(who)
    if node.approval_level is not None:
        parts.append(_("审批层级 {n}").format(n=node.approval_level))
    if words.node_limit(node):
        parts.append(words.node_limit(node))
    return "；".join(parts)


def time_limit_line(item: object) -> str:
    """办理时限 as the guide says it (`guide_words.time_limit`)."""
    return words.time_limit(item)
