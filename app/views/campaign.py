"""Campaigns (工作安排) and their phases."""

from flask_babel import lazy_gettext as _l

from app.models import Campaign, CampaignPhase

from .base import ConsoleInterface, ConsoleModelView, multiline


class CampaignPhaseView(ConsoleModelView):
    datamodel = ConsoleInterface(CampaignPhase)
    list_title = _l("工作阶段")
    show_title = _l("工作阶段详情")
    add_title = _l("新增工作阶段")
    edit_title = _l("编辑工作阶段")
    list_columns = ["position", "name", "kind", "start_date", "end_date"]
    add_columns = ["campaign", "position", "name", "kind", "start_date", "end_date"]
    edit_columns = add_columns[1:]
    show_columns = add_columns
    search_columns = ["name", "kind", "start_date", "end_date"]
    base_order = ("position", "asc")


class CampaignView(ConsoleModelView):
    datamodel = ConsoleInterface(Campaign)
    list_title = _l("工作安排")
    show_title = _l("工作安排详情")
    add_title = _l("新增工作安排")
    edit_title = _l("编辑工作安排")
    related_views = [CampaignPhaseView]
    show_template = "appbuilder/general/model/show_cascade.html"
    formatters_columns = {"notes": multiline}
    list_columns = ["year", "name", "start_date", "end_date"]
    add_columns = edit_columns = ["year", "name", "start_date", "end_date", "notes"]
    show_columns = add_columns + ["created_by", "created_at", "updated_at"]
    search_columns = ["year", "name"]
    base_order = ("year", "desc")
