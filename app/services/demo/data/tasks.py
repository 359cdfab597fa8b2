"""Rectification tasks (from systems' problems and items' pain points) and the campaign."""

# Rectification tasks (digital rectification ledger) drawn from a system's first problem.
TASK_TEMPLATES = {
    "data_silo": (
        "打通{name}与数据中台的数据接口",
        "通过数据中台提供标准接口，实现人员与业务数据实时同步",
    ),
    "feature_gap": (
        "补齐{name}缺失功能并清理重复功能",
        "梳理功能清单，补齐移动端审批，停用与其他系统重复的模块",
    ),
    "poor_extensibility": (
        "{name}升级改造",
        "制定升级方案，改造为可配置表单与流程，对接统一身份认证",
    ),
    "security_risk": (
        "{name}网络与数据安全隐患整改",
        "完成弱口令清理和系统补丁更新，开展等保测评，管理后台仅限校内访问",
    ),
}
# Rectification tasks that come from item pain points: department, process name, title, measure.
ITEM_TASKS = (
    (
        "CWC",
        "差旅费报销",
        "精简差旅费报销流程",
        "合并所在部门审核与项目负责人审核，取消纸质出差审批单",
    ),
    (
        "XSC",
        "奖助学金申请",
        "奖助学金申请数据自动获取",
        "从教务系统自动获取成绩，从资助系统获取困难认定结果",
    ),
    ("JWC", "学籍异动申请", "学籍异动审批进度公开", "增加办理进度消息提醒，超时自动催办"),
)
TASK_OWNER_POSTS = ("科长", "副处长", "系统管理员", "办公室主任")
POSTPONE_REASONS = ("厂商排期调整，需延至下一年度完成", "涉及跨部门数据接口，需等待数据中台升级")
EVIDENCE = ("已完成接口联调并上线运行，见验收报告", "已完成整改并通过复测，见测评报告")

CAMPAIGN_NAME = "{year}年度服务治理规范化及信息系统统计工作"
CAMPAIGN_NOTES = "依据《关于开展服务治理规范化及信息系统统计工作的通知》安排。"
# kind (PHASE_KIND), name, (start month, day), (end month, day)
CAMPAIGN_PHASES = (
    ("contacts", "联系人报送", (7, 1), (7, 20)),
    ("self_check", "部门自查报送", (7, 1), (9, 10)),
    ("aggregation", "统一归集梳理、形成三类清单", (9, 11), (9, 30)),
    ("final", "审议定稿、长效公开", (10, 1), (12, 31)),
)
