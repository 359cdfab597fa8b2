"""Template helpers every page may use: the `badge` filter and the `choices` global.

    {{ record.status|badge("WORKFLOW_STATUS", "workflow-status") }}
    {{ "red"|badge("BOARD_STATE", count=counts.red) }}
    progress-bar-{{ choices.BOARD_STATE.style(row.state) }}

The colour of each code is the style map of its set in app/models/choices.py, so no template
keeps a map of its own.
"""

from markupsafe import Markup

from app.models import choices, guide_words
from app.services.trail import clock


class _ChoiceSets:
    """`choices.WORKFLOW_STATUS` in a template: the set of that name in app.models.choices."""

    def __getattr__(self, name):
        try:
            return choices.by_name(name)
        except KeyError:
            raise AttributeError(name) from None


def badge(code, set_name: str, css: str = "", count=None, key: str = "code") -> Markup:
    """The coloured label of `code` in the choice set called `set_name`."""
    return choices.by_name(set_name).badge(code, css, count, key)


def localtime(value, seconds: bool = False) -> Markup:
    """`{{ entry.at|localtime }}`: a stored UTC time in the display zone, in a <time>."""
    return clock.markup(value, clock.SECONDS if seconds else clock.MINUTES)


def localdate(value) -> str:
    """`{{ row.due|localdate }}`: the calendar day of a stored UTC time in the display zone."""
    return clock.text(value, "%Y-%m-%d")


def change_value(field: str, value) -> str:
    """A published item's field value as its page says it: labels of codes, materials and
    nodes by name, — for nothing."""
    from app.models import ServiceItem, labels

    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        names = [str(v.get("name", "")) if isinstance(v, dict) else str(v) for v in value]
        return "、".join(names)
    if isinstance(value, dict):
        return "；".join(f"{k}：{v}" for k, v in value.items())
    if field == "time_limit_days":
        return guide_words.node_limit({"time_limit_days": value}) or "—"
    return str(labels.display(ServiceItem, field, value))


def install(app):
    app.add_template_filter(badge, "badge")
    app.add_template_filter(localtime, "localtime")
    app.add_template_filter(localdate, "localdate")
    app.add_template_global(change_value, "change_value")
    app.add_template_global(guide_words, "guide_words")
    app.add_template_global(clock.zone_label, "zone_label")
    app.add_template_global(lambda: clock.zone().key, "zone_name")
    app.add_template_global(_ChoiceSets(), "choices")
