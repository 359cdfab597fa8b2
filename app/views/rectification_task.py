"""The digital rectification ledger (数字化整改台账)."""
from flask_babel import lazy_gettext as _l

from app.models import RectificationTask
from app.models.choices import TASK_CATEGORY, TASK_SOURCE, TASK_STATUS, WORKFLOW_STATUS

from app.security.filters import DEPARTMENT_CHOICES, SCOPED

from .base import ConsoleInterface, ConsoleModelView, multiline


class RectificationTaskView(ConsoleModelView):
    datamodel = ConsoleInterface(RectificationTask)
    base_filters = SCOPED
    add_form_query_rel_fields = edit_form_query_rel_fields = DEPARTMENT_CHOICES
    list_title = _l("数字化整改台账")
    show_title = _l("整改任务详情")
    add_title = _l("新增整改任务")
    edit_title = _l("编辑整改任务")
    choice_columns = {
        "source": TASK_SOURCE,
        "category": TASK_CATEGORY,
        "task_status": TASK_STATUS,
        "status": WORKFLOW_STATUS,
    }
    label_columns = {
        "title": _l("整改事项"),
        "source": _l("问题来源"),
        "category": _l("整改类别"),
        "description": _l("问题描述"),
        "measure": _l("整改措施"),
        "owner": _l("责任人"),
        "deadline": _l("完成时限"),
        "task_status": _l("整改状态"),
        "postpone_reason": _l("延期原因"),
        "evidence": _l("完成佐证"),
        "closed_at": _l("完成时间"),
        "information_system": _l("关联信息系统"),
        "service_item": _l("关联服务事项"),
    }
    formatters_columns = {k: multiline for k in ("description", "measure", "evidence",
                                                 "postpone_reason")}
    list_columns = ["title", "department", "source", "category", "owner", "deadline",
                    "task_status"]
    show_columns = ["title", "department", "source", "category", "information_system",
                    "description", "measure", "owner", "deadline", "task_status",
                    "postpone_reason", "evidence", "closed_at", "created_by", "created_at",
                    "updated_at"]
    add_columns = edit_columns = ["title", "department", "source", "category",
                                  "information_system", "description", "measure", "owner",
                                  "deadline", "task_status", "postpone_reason", "evidence"]
    search_columns = ["title", "source", "category", "owner", "deadline", "task_status"]
    base_order = ("deadline", "asc")
