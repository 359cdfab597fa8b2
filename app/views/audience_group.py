"""The audience reference list (服务对象) under 基础设置, kept by the IT office."""

from flask_babel import lazy_gettext as _l

from app.models import AudienceGroup

from .base import ConsoleInterface, ConsoleModelView, bool_formatter


class AudienceGroupView(ConsoleModelView):
    """Audiences and their synonyms; a code is fixed once saved (records refer to it)."""

    datamodel = ConsoleInterface(AudienceGroup)
    list_title = _l("服务对象清单")
    show_title = _l("服务对象详情")
    add_title = _l("新增服务对象")
    edit_title = _l("编辑服务对象")
    # The code is what records store (kept in the add form), not something a reader needs.
    list_columns = ["sort_order", "label", "synonyms", "active"]
    add_columns = ["code", "label", "synonyms", "sort_order", "active"]
    edit_columns = ["label", "synonyms", "sort_order", "active"]
    show_columns = ["label", "synonyms", "sort_order", "active", "created_at", "updated_at"]
    search_columns = ["label", "code", "synonyms"]
    formatters_columns = {"active": bool_formatter}
    base_order = ("sort_order", "asc")
