"""The only place views are registered (menus in the order users meet them)."""

from flask import current_app
from flask_babel import lazy_gettext as _l

from .api_tokens import ApiTokenView
from .assessment import AssessmentView
from .audience_group import AudienceGroupView
from .audit import AuditEntryView
from .base import user_can
from .board import BoardView
from .calendar_day import CalendarDayView
from .campaign import CampaignPhaseView, CampaignView
from .cases import CaseFileView, CasePortalView, CaseRatingView, CaseTaskView, CaseView
from .completeness_rule import CompletenessRuleView
from .contact import ContactView
from .department import DepartmentView
from .directory import DirectoryView
from .entry_check import EntryCheckView
from .final_review import FinalReviewView
from .findings import CapabilityView, FindingSettingView, FindingsView
from .hall import (
    HallDrillView,
    HallRequestView,
    HallView,
    HandlerAssignmentView,
    TrainingRecordView,
)
from .information_system import InformationSystemView
from .portfolio import PortfolioView
from .publication import PublicationView
from .rectification_task import LedgerView, OverdueTaskView, RectificationTaskView, ledger_sources
from .service_item import MaterialView, ProcessNodeView, ServiceItemView
from .sheets import SheetView
from .statistics import StatisticsView
from .workflow import WorkflowView, inbox_menu_label


def register_views(appbuilder):
    survey = dict(category="Survey", category_label=_l("梳理填报"), category_icon="fa-list-alt")
    appbuilder.add_view(
        ServiceItemView, "ServiceItems", label=_l("服务事项"), icon="fa-file-text-o", **survey
    )
    appbuilder.add_view(
        InformationSystemView,
        "InformationSystems",
        label=_l("管理信息系统"),
        icon="fa-server",
        **survey,
    )
    appbuilder.add_view(ContactView, "Contacts", label=_l("联系人"), icon="fa-user", **survey)
    appbuilder.add_view(
        SheetView,
        "SheetsImportExport",
        label=_l("Excel 导入导出"),
        icon="fa-file-excel-o",
        **survey,
    )
    appbuilder.add_view_no_menu(MaterialView)
    appbuilder.add_view_no_menu(ProcessNodeView)

    appbuilder.add_view(
        WorkflowView,
        "Inbox",
        label=inbox_menu_label(),
        icon="fa-inbox",
        category="Review",
        category_label=_l("审核"),
        category_icon="fa-check",
    )
    appbuilder.add_view(
        PublicationView, "Publications", label=_l("清单发布"), icon="fa-bullhorn", category="Review"
    )
    appbuilder.add_link(
        "PublicComments",
        label=_l("公示意见"),
        href="/publication/comments/",
        icon="fa-comments",
        category="Review",
    )
    appbuilder.add_view(
        FinalReviewView,
        "FinalReviews",
        label=_l("校长办公会审议"),
        icon="fa-gavel",
        category="Review",
    )

    cases = dict(category="Cases", category_label=_l("网上办事"), category_icon="fa-briefcase")
    appbuilder.add_view(
        CasePortalView, "CaseService", label=_l("在线申请"), icon="fa-list", **cases
    )
    appbuilder.add_link(
        "MyCases", label=_l("我的办件"), href="/cases/mine", icon="fa-folder-open", **cases
    )
    appbuilder.add_link(
        "CaseInbox", label=_l("待办办件"), href="/cases/inbox", icon="fa-inbox", **cases
    )
    appbuilder.add_view(CaseView, "CaseRecords", label=_l("办件记录"), icon="fa-archive", **cases)
    appbuilder.add_view_no_menu(CaseTaskView)
    appbuilder.add_view_no_menu(CaseFileView)
    appbuilder.add_view(
        CaseRatingView, "CaseRatings", label=_l("好差评"), icon="fa-star-half-o", **cases
    )

    hall = dict(category="Hall", category_label=_l("网上办事大厅"), category_icon="fa-university")
    appbuilder.add_view(HallView, "HallTasks", label=_l("办事大厅待办"), icon="fa-tasks", **hall)
    appbuilder.add_view(
        HallRequestView, "HallRequests", label=_l("上线流程申请"), icon="fa-paper-plane", **hall
    )
    appbuilder.add_view(
        HandlerAssignmentView,
        "HandlerAssignments",
        label=_l("办理人备案"),
        icon="fa-id-badge",
        **hall,
    )
    appbuilder.add_view(
        TrainingRecordView,
        "TrainingRecords",
        label=_l("培训考核"),
        icon="fa-graduation-cap",
        **hall,
    )
    appbuilder.add_view(
        HallDrillView, "HallDrills", label=_l("应急预案与演练"), icon="fa-life-ring", **hall
    )
    appbuilder.add_link(
        "HandlerFiling",
        label=_l("办理人备案与授权"),
        href="/hall/filing/",
        icon="fa-id-badge",
        category="Security",
    )

    appbuilder.add_view(StatisticsView, "Statistics", label=_l("统计分析"), icon="fa-bar-chart")

    ledger = dict(category="Ledger", category_label=_l("整改台账"), category_icon="fa-wrench")
    progress = dict(category="Progress", category_label=_l("进度与考核"), category_icon="fa-tasks")
    appbuilder.add_view(
        BoardView, "CampaignBoard", label=_l("工作进度看板"), icon="fa-flag-checkered", **progress
    )
    appbuilder.add_view(
        AssessmentView, "Assessment", label=_l("年度考核评价"), icon="fa-trophy", **progress
    )

    appbuilder.add_view(
        RectificationTaskView,
        "RectificationTasks",
        label=_l("整改台账"),
        icon="fa-wrench",
        **ledger,
    )
    appbuilder.add_view(
        OverdueTaskView, "OverdueTasks", label=_l("逾期整改任务"), icon="fa-clock-o", **ledger
    )
    appbuilder.add_view(
        PortfolioView, "Portfolio", label=_l("系统画像与诊断"), icon="fa-stethoscope", **ledger
    )
    appbuilder.add_view(
        EntryCheckView, "EntryChecks", label=_l("办事入口检查"), icon="fa-link", **ledger
    )
    appbuilder.add_view(FindingsView, "Findings", label=_l("治理发现"), icon="fa-search", **ledger)
    appbuilder.add_link(
        "CapabilityMap",
        label=_l("业务能力地图"),
        href="/findings/capabilities",
        icon="fa-sitemap",
        category="Ledger",
    )
    appbuilder.add_view_no_menu(LedgerView)
    current_app.add_template_global(ledger_sources, "ledger_sources")
    current_app.add_template_global(user_can, "can")

    settings = dict(category="Settings", category_label=_l("基础设置"), category_icon="fa-cogs")
    appbuilder.add_view(
        DepartmentView, "Departments", label=_l("部门"), icon="fa-building", **settings
    )
    appbuilder.add_view(
        CampaignView, "Campaigns", label=_l("工作安排"), icon="fa-calendar", **settings
    )
    appbuilder.add_view_no_menu(CampaignPhaseView)
    appbuilder.add_view(
        CapabilityView, "Capabilities", label=_l("业务能力清单"), icon="fa-tags", **settings
    )
    appbuilder.add_view(
        AudienceGroupView, "AudienceGroups", label=_l("服务对象清单"), icon="fa-users", **settings
    )
    appbuilder.add_view(
        CalendarDayView,
        "CalendarDays",
        label=_l("法定节假日与调休"),
        icon="fa-calendar-check-o",
        **settings,
    )
    appbuilder.add_view(
        CompletenessRuleView,
        "CompletenessRules",
        label=_l("完整性规则"),
        icon="fa-check-square-o",
        **settings,
    )
    appbuilder.add_view(
        FindingSettingView,
        "FindingSettings",
        label=_l("发现规则设置"),
        icon="fa-sliders",
        **settings,
    )
    appbuilder.add_view(
        DirectoryView, "Directory", label=_l("统一身份认证设置"), icon="fa-id-card", **settings
    )
    appbuilder.add_view(ApiTokenView, "ApiTokens", label=_l("接口令牌"), icon="fa-key", **settings)
    appbuilder.add_link(
        "ApiDocs", label=_l("接口文档"), href="/api/v1/docs", icon="fa-book", category="Settings"
    )
    appbuilder.add_view(
        AuditEntryView, "AuditLog", label=_l("审计日志"), icon="fa-history", **settings
    )


def register_public(app):
    """The public pages (no login): a plain blueprint, see app/views/public.py; their rate
    limits go on FAB's Flask-Limiter (refused requests: app/views/errors.py)."""
    from app.extensions import appbuilder

    from .public import bp, install_limits

    app.register_blueprint(bp)
    # The Flask-Limiter instance FAB's security manager created; it limits the login form too.
    install_limits(app, appbuilder.sm.limiter)
    from .api import register_api

    register_api(app, appbuilder.sm.limiter)
