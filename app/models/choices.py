"""Every kind and status the console stores, with its translated label.

Values are short English codes kept in the database; labels are what users read. Each set is a
`Choices` so that forms, list formatters, exports and validation share one source. Each code is
also a named constant of its set (`WORKFLOW_STATUS.DRAFT == "draft"`), and a set shown as
coloured labels carries its style map (the Bootstrap label class per code), drawn by
`Choices.badge()` (the `badge` template filter).
"""

from flask_babel import lazy_gettext as _l

from app.models.choice_types import (  # noqa: F401  (the sets' callers import these here)
    STYLES,
    Choices,
    ReferenceChoices,
    ReferenceList,
    ReferenceSynonyms,
    split_codes,
)

WORKFLOW_STATUS = Choices(
    ("draft", _l("草稿"), "default"),
    ("submitted", _l("已提交"), "info"),
    ("approved", _l("已通过"), "success"),
    ("returned", _l("已退回"), "danger"),
)

DEPARTMENT_KIND = Choices(
    ("functional", _l("职能部门")),
    ("school", _l("二级学院")),
    ("unit", _l("直属单位")),
)

ITEM_KIND = Choices(
    ("approval", _l("审批类")),
    ("service", _l("服务类")),
)

RUNNING_STATUS = Choices(
    ("good", _l("良好")),
    ("improve", _l("待改进")),
    ("deploy", _l("待部署")),
)

DISPOSITION = Choices(
    ("enable", _l("计划启用")),
    ("offline", _l("拟下线")),
)


# The reference list of audiences (服务对象); several per item or system, stored as codes joined
# by ",". `AUDIENCE_SYNONYMS` are the other words guides use for them (one word may name several).
# Both are data the IT office maintains (`AudienceGroup`); these entries seed the table.
USER_GROUP = ReferenceChoices(
    ("staff", _l("教职工")),
    ("undergraduate", _l("本科生")),
    ("graduate", _l("研究生")),
    ("international", _l("留学生")),
    ("postdoc", _l("博士后")),
    ("retiree", _l("离退休人员")),
    ("alumni", _l("校友")),
    ("external", _l("校外人员")),
    ("parent", _l("家长")),
)
BUILTIN_AUDIENCE_SYNONYMS = {
    "教工": ("staff",),
    "教师": ("staff",),
    "职工": ("staff",),
    "在职教职工": ("staff",),
    "全校教职工": ("staff",),
    "教职员工": ("staff",),
    "老师": ("staff",),
    "学生": ("undergraduate", "graduate"),
    "在校学生": ("undergraduate", "graduate"),
    "在校生": ("undergraduate", "graduate"),
    "全日制学生": ("undergraduate", "graduate"),
    "师生": ("staff", "undergraduate", "graduate"),
    "全校师生": ("staff", "undergraduate", "graduate"),
    "本科学生": ("undergraduate",),
    "全日制本科生": ("undergraduate",),
    "本科生": ("undergraduate",),
    "硕士研究生": ("graduate",),
    "博士研究生": ("graduate",),
    "研究生": ("graduate",),
    "留学生": ("international",),
    "国际学生": ("international",),
    "来华留学生": ("international",),
    "博士后研究人员": ("postdoc",),
    "退休人员": ("retiree",),
    "离退休教职工": ("retiree",),
    "离退休人员": ("retiree",),
    "毕业生": ("alumni",),
    "已毕业学生": ("alumni",),
    "校友": ("alumni",),
    "校外人员": ("external",),
    "社会人员": ("external",),
    "校外来访人员": ("external",),
    "家长": ("parent",),
    "学生家长": ("parent",),
}
AUDIENCE_SYNONYMS = ReferenceSynonyms(BUILTIN_AUDIENCE_SYNONYMS)

# A material's form is a set (原件及复印件 is two); stored as codes joined by ",".
MATERIAL_FORM = Choices(
    ("original", _l("原件")),
    ("copy", _l("复印件")),
    ("electronic", _l("电子件")),
)
MATERIAL_FORM_SYNONYMS = {
    "电子版": ("electronic",),
    "电子文档": ("electronic",),
    "扫描件": ("electronic",),
    "电子照片": ("electronic",),
    "纸质版": ("original",),
    "纸质": ("original",),
    "原件及复印件": ("original", "copy"),
    "原件和复印件": ("original", "copy"),
}

MATERIAL_SOURCE = Choices(
    ("applicant", _l("申请人提供")),
    ("department", _l("部门出具")),
    ("system", _l("系统获取")),
)

# How much of a date is known (a system's go-live is often given as a year or a month).
DATE_PRECISION = Choices(
    ("year", _l("年")),
    ("month", _l("月")),
    ("day", _l("日")),
)

# GB/T 39554: 办件类型 and the units a time limit is counted in.
HANDLING_TYPE = Choices(
    ("immediate", _l("即办件")),
    ("promised", _l("承诺件")),
)

TIME_UNIT = Choices(
    ("workday", _l("工作日")),
    ("day", _l("自然日")),
    ("hour", _l("小时")),
)

# A day of the official calendar the IT office enters (CalendarDay): a working day (a 调休
# weekend) or a day off (a holiday on a weekday).
DAY_KIND = Choices(
    ("workday", _l("上班")),
    ("holiday", _l("放假")),
)

NODE_KIND = Choices(
    ("submit", _l("提交")),
    ("review", _l("审核")),
    ("approve", _l("审批")),
    ("countersign", _l("会签")),
    ("transfer", _l("转办")),
    ("complete", _l("办结")),
)

DEPLOYMENT_MODE = Choices(
    ("local", _l("本地服务器")),
    ("cloud", _l("云端部署")),
)

MOBILE_ADAPTATION = Choices(
    ("none", _l("未适配")),
    ("partial", _l("部分适配")),
    ("full", _l("已适配")),
)

PORTAL_INTEGRATION = Choices(
    ("none", _l("未对接")),
    ("sso", _l("仅统一认证")),
    ("full", _l("已集成至融合门户")),
)

SYSTEM_PROBLEM = Choices(
    ("data_silo", _l("跨系统数据孤岛")),
    ("feature_gap", _l("功能缺失或重复")),
    ("poor_extensibility", _l("拓展性不足")),
    ("security_risk", _l("网络与数据安全隐患")),
)

TASK_SOURCE = Choices(
    ("system", _l("信息系统问题")),
    ("item", _l("事项痛点")),
    ("comment", _l("公示意见")),
    ("portfolio", _l("系统画像诊断")),
    ("entry", _l("办事入口检查")),
    ("finding", _l("治理发现")),
    ("drill", _l("应急演练")),
    ("rating", _l("办件差评")),
    ("manual", _l("手工登记")),
)

TASK_CATEGORY = Choices(
    ("data_silo", _l("数据打通")),
    ("feature_gap", _l("功能完善")),
    ("poor_extensibility", _l("系统改造")),
    ("security_risk", _l("安全整改")),
    ("process", _l("流程优化")),
    ("integration", _l("门户集成")),
    ("consolidation", _l("系统整合")),
    ("plan", _l("处置计划")),
    ("entry", _l("入口修复")),
    ("other", _l("其他")),
)

TASK_STATUS = Choices(
    ("open", _l("待整改"), "default"),
    ("in_progress", _l("整改中"), "info"),
    ("done", _l("已完成"), "success"),
    ("postponed", _l("已延期"), "warning"),
)

# What the portfolio insight recommends for an information system (TIME-style quadrants).
RECOMMENDATION = Choices(
    ("keep", _l("保留"), "success"),
    ("invest", _l("投入改造"), "warning"),
    ("migrate", _l("迁移整合"), "info"),
    ("retire", _l("下线"), "danger"),
    # Not a quadrant: a field the scores need is not filled in, so nothing is recommended.
    ("insufficient", _l("数据不足"), "default"),
)

# A department's colour on the campaign board (services/campaign/board.py decides it).
BOARD_STATE = Choices(
    ("red", _l("逾期"), "danger"),
    ("amber", _l("进行中"), "warning"),
    ("green", _l("按期完成"), "success"),
)

PHASE_KIND = Choices(
    ("contacts", _l("联系人报送")),
    ("self_check", _l("部门自查报送")),
    ("aggregation", _l("统一归集梳理")),
    ("final", _l("审议定稿、长效公开")),
    ("other", _l("其他")),
)

LIFECYCLE = Choices(
    ("planned", _l("待申请入驻")),
    ("onboarding_requested", _l("入驻申请中")),
    ("onboarding_approved", _l("已批准入驻")),
    ("in_development", _l("开发中")),
    ("acceptance", _l("待部门测试验收")),
    ("accepted", _l("已验收，待培训宣传")),
    ("confirming", _l("待各单位确认上线")),
    ("online", _l("已上线")),
    ("change_requested", _l("变更申请中")),
    ("change_approved", _l("已批准变更")),
    ("change_development", _l("变更开发中")),
    ("change_acceptance", _l("变更待测试验收")),
    ("change_accepted", _l("变更已验收，待培训宣传")),
    ("change_confirming", _l("变更待各单位确认")),
    ("offline_requested", _l("下线申请中")),
    ("offline_approved", _l("已批准下线，待信息处下线")),
    ("offline", _l("已下线")),
)

# What checking a live item's online entry found (services/ledger/entries.py).
ENTRY_OUTCOME = Choices(
    ("alive", _l("可访问"), "success"),
    ("dead", _l("已失效"), "danger"),
    ("unreachable", _l("无法连接"), "danger"),
    ("no_url", _l("不是网址"), "default"),
)
ENTRY_FAILING = frozenset({ENTRY_OUTCOME.DEAD, ENTRY_OUTCOME.UNREACHABLE})
# The hall's own technical emergency plan and its drills (measures art. 4(2)⑤).
DRILL_KIND = Choices(
    ("plan", _l("技术应急预案")),
    ("drill", _l("应急演练")),
)

HALL_REQUEST_KIND = Choices(
    ("onboarding", _l("入驻申请")),
    ("change", _l("变更申请")),
    ("offline", _l("下线申请")),
)

# A request to the party & administration office (a hall request, a handler assignment).
REQUEST_STATUS = Choices(
    ("submitted", _l("待审批"), "warning"),
    ("approved", _l("已批准"), "success"),
    ("returned", _l("已退回"), "danger"),
)

ASSIGNMENT_STATUS = Choices(
    ("submitted", _l("待党政办审批"), "warning"),
    ("approved", _l("已批准，待信息处备案"), "info"),
    ("filed", _l("已备案（在岗）"), "success"),
    ("returned", _l("已退回"), "danger"),
    ("ended", _l("已离岗（需交接）"), "default"),
)

REVIEW_DECISION = Choices(
    ("approved", _l("通过")),
    ("returned", _l("退回")),
)

AUDIT_ACTION = Choices(
    ("create", _l("新增")),
    ("update", _l("修改")),
    ("delete", _l("删除")),
    ("transition", _l("流转")),
    ("login", _l("登录")),
    ("login_failed", _l("登录失败")),
    ("logout", _l("退出")),
    ("export", _l("导出")),
    ("import", _l("导入")),
    ("permission", _l("权限变更")),
    ("password", _l("修改密码")),
    ("second_factor", _l("两步验证")),
    ("emergency", _l("应急管理员登录")),
    ("remind", _l("催办")),
    ("print", _l("打印核验码")),
    ("comment", _l("公众意见")),
    ("archive", _l("归档审计日志")),
    ("rekey", _l("启用审计密钥")),
    ("check", _l("入口检查")),
    ("dismiss", _l("不予整改")),
    ("api_call", _l("接口调用")),
    ("api_token", _l("接口令牌")),
)

# Who an API token is for: one person, or a system (the portal, the college's hall).
TOKEN_KIND = Choices(("personal", _l("个人令牌")), ("service", _l("服务账号")))


def by_name(name: str) -> Choices:
    """The choice set called `name` here (e.g. "WORKFLOW_STATUS"), for templates."""
    found = globals().get(name)
    if not isinstance(found, Choices):
        raise KeyError(name)
    return found


# A case (办件) of a live item, from the applicant's draft to its result.
CASE_STATUS = Choices(
    ("draft", _l("草稿"), "default"),
    ("submitted", _l("已提交"), "info"),
    ("in_progress", _l("办理中"), "primary"),
    ("returned", _l("退回补正"), "warning"),
    ("completed", _l("已办结"), "success"),
    ("withdrawn", _l("已撤回"), "default"),
)

# One node's step of a case.
CASE_TASK_STATE = Choices(
    ("open", _l("待办理"), "warning"),
    ("returned", _l("已退回申请人"), "danger"),
    ("transferred", _l("已转办"), "info"),
    ("done", _l("已办理"), "success"),
    ("cancelled", _l("已撤销"), "default"),
)

# 好差评 (GB/T 39734): five levels, best first; 不满意 or worse is a poor rating (差评).
RATING_LEVEL = Choices(
    ("very_satisfied", _l("非常满意"), "success"),
    ("satisfied", _l("满意"), "success"),
    ("basic", _l("基本满意"), "info"),
    ("dissatisfied", _l("不满意"), "warning"),
    ("very_dissatisfied", _l("非常不满意"), "danger"),
)
POOR_RATING_LEVELS = ("dissatisfied", "very_dissatisfied")

CASE_DECISION = Choices(
    ("approve", _l("同意")),
    ("return", _l("退回补正")),
    ("transfer", _l("转办")),
    ("complete", _l("办结")),
)
