"""The training import template (measures art. 18): rows in, bytes out, through `SheetWriter`.

An instructions sheet, then the data sheet with a title row and the header the import looks
for (`app.services.sheets.training.spec`), the 是/否 column as a dropdown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _

from .sheets import EXTRA_ROWS, column_widths
from .xlsx import SheetWriter

if TYPE_CHECKING:
    from app.services.sheets.specs import Template


def write_template(template: Template, pass_score: int) -> bytes:
    """The empty template of `template` (one data sheet), with its instructions."""
    writer = SheetWriter()
    spec = template.sheets[0]
    notes = writer.sheet(
        _("填写说明"), [_("填写说明")], widths=[110], landscape=False, title=template.title
    )
    for line in (
        _("1. 每行填写一人参加一次培训的签到与考核结果；不要修改表头、工作表名称和列的顺序。"),
        _(
            "2. “统一身份认证账号”与“工号”至少填写一项；两项都填时须为同一人。"
            "“姓名”须与账号的姓名一致。"
        ),
        _("3. “培训名称”“培训日期”必填；日期填写如 2026-11-20，不能晚于今天。"),
        _(
            "4. “考核合格”填“是”或“否”；留空时按“考核成绩”判定（{score} 分及以上为合格）。"
            "“考核成绩”为 0 到 100 的整数，可不填。"
        ).format(score=pass_score),
        _("5. “有效期至”可不填，不填则按培训日期加系统设置的有效期（默认一年）计算。"),
        _(
            "6. 上传后系统逐行检查并列出全部问题（行、列、原因）；只有没有任何错误的文件才会导入，"
            "并且一次性全部导入。按账号、培训名称和培训日期匹配已有记录，重复导入不会产生变化。"
        ),
        _("7. 考核合格且未过期的人员方可被授予流程管理员、办理人和审核员角色（办法第十八条）。"),
    ):
        notes.write_row([line])
    notes.finish(autofilter=False)
    sheet = writer.sheet(
        spec.title,
        [c.header for c in spec.columns],
        widths=column_widths(spec.columns),
        title=template.title,
    )
    first = sheet.header_row + 1
    for col, column in enumerate(spec.columns):
        if column.kind == "bool":
            sheet.ws.data_validation(
                first,
                col,
                first + EXTRA_ROWS,
                col,
                {"validate": "list", "source": [_("是"), _("否")], "ignore_blank": True},
            )
    sheet.finish(autofilter=False)
    sheet.ws.activate()
    return writer.close()
