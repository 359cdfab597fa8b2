"""Management information systems (attachment 4), their vendors and the problems they have."""

from collections import namedtuple

from .processes import USER_GROUP_LETTERS

System = namedtuple("System", "name department groups")

# Management information systems (attachment 4): name, owning department, user groups.
SYSTEMS = tuple(
    System(name, dept, tuple(USER_GROUP_LETTERS[g] for g in groups))
    for name, dept, groups in (
        ("网上办事大厅", "XCB", "ts"),
        ("融合门户", "XCB", "ts"),
        ("统一身份认证平台", "XXZX", "tsa"),
        ("数据中台（基础数据库）", "XXZX", "t"),
        ("OA协同办公系统", "DZB", "t"),
        ("电子公文交换系统", "DZB", "t"),
        ("会议室预约管理系统", "DZB", "t"),
        ("纪检监察信息管理系统", "JWB", "t"),
        ("网站群管理平台", "XCB", "tsx"),
        ("新媒体矩阵管理平台", "XCB", "t"),
        ("智慧党建平台", "ZZB", "ts"),
        ("干部人事档案管理系统", "ZZB", "t"),
        ("教务管理系统", "JWC", "ts"),
        ("排课选课系统", "JWC", "ts"),
        ("考试管理系统", "JWC", "ts"),
        ("网络教学平台", "JWC", "ts"),
        ("教材管理系统", "JWC", "t"),
        ("学生工作管理系统", "XSC", "ts"),
        ("学生资助管理系统", "XSC", "s"),
        ("心理健康测评系统", "XSC", "s"),
        ("迎新管理系统", "XSC", "s"),
        ("离校管理系统", "XSC", "s"),
        ("财务核算系统", "CWC", "t"),
        ("网上报账系统", "CWC", "t"),
        ("统一缴费平台", "CWC", "tsx"),
        ("薪酬管理系统", "CWC", "t"),
        ("人事管理系统", "RSC", "t"),
        ("职称评审系统", "RSC", "t"),
        ("教职工考勤系统", "RSC", "t"),
        ("校园网认证计费系统", "XXZX", "tsx"),
        ("IT运维服务平台", "XXZX", "ts"),
        ("校园邮件系统", "XXZX", "t"),
        ("科研管理系统", "KYC", "t"),
        ("招生管理系统", "ZSJYC", "x"),
        ("就业管理服务平台", "ZSJYC", "sax"),
        ("后勤报修系统", "HQGLC", "ts"),
        ("学生公寓管理系统", "HQGLC", "s"),
        ("校园一卡通系统", "HQGLC", "tsx"),
        ("资产管理系统", "GZC", "t"),
        ("采购管理系统", "GZC", "t"),
        ("合同管理系统", "GZC", "t"),
        ("公房管理系统", "GZC", "t"),
        ("图书馆集成管理系统", "TSG", "tsa"),
        ("数字资源统一检索平台", "TSG", "ts"),
        ("第二课堂成绩单系统", "TW", "s"),
        ("志愿服务管理系统", "TW", "s"),
        ("工会会员服务平台", "GH", "t"),
        ("访客预约管理系统", "BWC", "tx"),
        ("视频监控管理平台", "BWC", "t"),
        ("车辆门禁管理系统", "BWC", "tx"),
        ("外事管理系统", "GJC", "t"),
        ("质量诊断与改进平台", "FGC", "t"),
        ("数字档案馆系统", "DAG", "tsa"),
        ("校医院门诊管理系统", "XYY", "ts"),
        ("继续教育管理平台", "JXJY", "x"),
        ("实训室管理系统", "SXZX", "ts"),
        ("职业技能等级认定管理系统", "SXZX", "sx"),
        ("虚拟仿真实训平台", "ZNZZ", "s"),
        ("BIM实训教学平台", "JZGC", "s"),
        ("汽车检测实训管理系统", "QCGC", "s"),
    )
)
PLATFORM_SYSTEM = 0  # index in SYSTEMS of the online service hall most items run on

VENDORS = (
    "蜀信软件科技有限公司",
    "川智教育科技有限公司",
    "绵州数智技术有限公司",
    "华启云服务有限公司",
    "西部星辰信息技术有限公司",
    "天府数联科技有限公司",
    "涪江智慧校园科技有限公司",
    "锦程网络工程有限公司",
    "博远教育软件有限公司",
    "中科云图信息技术有限公司",
    "校内自主开发",
)
PROBLEM_DETAILS = {
    "data_silo": (
        "学生基础信息需人工导入，与数据中台不同步",
        "与财务系统没有接口，数据靠导表交换",
        "人员变动不能实时同步，账号需手工维护",
    ),
    "feature_gap": (
        "缺少移动端审批功能",
        "统计报表功能与其他系统重复建设",
        "不支持批量导出，只能逐条打印",
    ),
    "poor_extensibility": (
        "厂商已停止升级，新增字段需二次开发收费",
        "采用老旧架构，无法对接统一身份认证",
        "表单不能自定义，流程调整依赖厂商",
    ),
    "security_risk": (
        "未通过等保测评，存在弱口令",
        "服务器操作系统已停止维护",
        "管理后台暴露在公网",
    ),
}
