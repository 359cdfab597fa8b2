"""What "complete" means (完整性规则) under 基础设置: the IT office sets each field's level."""

from flask_babel import lazy_gettext as _l

from app.models import CompletenessRule

from .base import ConsoleInterface, ConsoleModelView


class CompletenessRuleView(ConsoleModelView):
    """The campaign's rule set, one row per checkable field; only the level is edited (every
    change is in the audit trail, and applies at once to submissions and the board)."""

    datamodel = ConsoleInterface(CompletenessRule)
    list_title = _l("完整性规则")
    show_title = _l("完整性规则详情")
    edit_title = _l("修改完整性规则")
    list_columns = ["subject", "field_label", "level", "default_label"]
    show_columns = ["subject", "field_label", "level", "default_label", "updated_at"]
    edit_columns = ["level"]
    search_columns = ["subject", "level"]
    base_order = ("id", "asc")
    base_permissions = ["can_list", "can_show", "can_edit"]
