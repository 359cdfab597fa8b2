"""The departments (code, name, kind, posts), the contacts a few have not completed, the
leaders in charge and the buildings their offices are in."""

from collections import namedtuple

Department = namedtuple("Department", "code name kind posts")

# code, name, kind (DEPARTMENT_KIND), posts that own processes there.
DEPARTMENTS = tuple(
    Department(*row)
    for row in (
        ("DZB", "党政办公室", "functional", ("综合科科长", "秘书科科员", "督查督办专员")),
        ("JWB", "纪委办公室", "functional", ("监督检查室主任", "案件审理专员")),
        (
            "XCB",
            "宣传部（信息处）",
            "functional",
            ("新闻中心主任", "网络管理科科长", "信息化建设专员"),
        ),
        ("ZZB", "组织部", "functional", ("组织科科长", "干部科科员")),
        ("JWC", "教务处", "functional", ("教务科科长", "学籍管理员", "考务管理员", "教材管理员")),
        ("XSC", "学生处", "functional", ("学生管理科科长", "资助中心主任", "心理健康教育中心主任")),
        ("CWC", "财务处", "functional", ("会计核算科科长", "收费管理员", "预算管理员")),
        ("RSC", "人事处", "functional", ("人事科科长", "师资科科长", "劳资管理员")),
        ("KYC", "科研处", "functional", ("科研管理科科长", "成果管理员")),
        ("ZSJYC", "招生就业处", "functional", ("招生科科长", "就业指导中心主任")),
        ("HQGLC", "后勤管理处", "functional", ("物业管理科科长", "维修服务中心主任", "公寓管理员")),
        ("GZC", "国有资产管理处", "functional", ("资产管理科科长", "采购管理科科长")),
        ("TW", "团委", "functional", ("团委副书记", "社团管理干事")),
        ("GH", "工会", "functional", ("工会办公室主任", "工会干事")),
        ("BWC", "保卫处", "functional", ("治安管理科科长", "户籍管理员", "消防管理员")),
        ("GJC", "国际交流合作处", "functional", ("外事管理科科长", "项目管理员")),
        ("FGC", "发展规划与质量管理处", "functional", ("规划科科长", "质量管理专员")),
        ("XXZX", "信息技术中心", "unit", ("网络运维工程师", "应用系统管理员", "信息安全管理员")),
        ("TSG", "图书馆", "unit", ("流通部主任", "技术部馆员")),
        ("DAG", "档案馆", "unit", ("档案管理员", "利用服务部主任")),
        ("XYY", "校医院", "unit", ("医务科主任", "医保管理员")),
        ("JXJY", "继续教育学院", "unit", ("教学管理科科长", "培训部主任")),
        ("SXZX", "实训中心", "unit", ("实训管理科科长", "设备管理员")),
        ("ZNZZ", "智能制造学院", "school", ("学院办公室主任", "教学秘书", "学工办主任")),
        ("XXGC", "信息工程学院", "school", ("学院办公室主任", "教学秘书", "学工办主任")),
        ("JJGL", "经济管理学院", "school", ("学院办公室主任", "教学秘书", "学工办主任")),
        ("JZGC", "建筑工程学院", "school", ("学院办公室主任", "教学秘书", "学工办主任")),
        ("QCGC", "汽车工程学院", "school", ("学院办公室主任", "教学秘书", "学工办主任")),
        ("WHLY", "文化旅游学院", "school", ("学院办公室主任", "教学秘书", "学工办主任")),
        ("MKS", "马克思主义学院", "school", ("学院办公室主任", "教学秘书")),
    )
)

# Contacts (attachment 1) that a few departments have not completed yet.
INCOMPLETE_CONTACTS = {"GH": "processes_only", "MKS": "systems_only", "JXJY": "none"}

LEADERS = ("何志强", "刘晓东", "陈永红", "杨建华", "周文博", "罗春梅")
BUILDINGS = (
    "行政楼",
    "图书信息楼",
    "第一教学楼",
    "第二教学楼",
    "实训楼",
    "学生活动中心",
    "后勤服务楼",
)
