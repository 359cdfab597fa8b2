"""Times as a person reads them: stored as naive UTC, shown in the display zone
(`DISPLAY_TIMEZONE`, Asia/Shanghai unless configured).

Every page, print, export and message that shows a time goes through `local()` / `text()`;
pages use the `localtime` template filter, which also marks the time up as
`<time datetime="...+08:00">` so a check can tell a converted time from a raw one.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from markupsafe import Markup

DEFAULT_ZONE = "Asia/Shanghai"
MINUTES = "%Y-%m-%d %H:%M"
SECONDS = "%Y-%m-%d %H:%M:%S"


def zone() -> ZoneInfo:
    """The zone people read times in."""
    name = current_app.config.get("DISPLAY_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or DEFAULT_ZONE)


def local(value: datetime) -> datetime:
    """A stored time (naive UTC, or aware) in the display zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone())


def text(value: datetime | date | None, fmt: str = MINUTES) -> str:
    """ "2026-12-07 21:30" in the display zone; a date as it is; None as ""."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return value.isoformat()
    return local(value).strftime(fmt)


def zone_label() -> str:
    """ "北京时间" for Asia/Shanghai, else "UTC+hh:mm" of the zone now."""
    from flask_babel import gettext as _

    if zone().key == DEFAULT_ZONE:
        return _("北京时间")
    offset = datetime.now(zone()).strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}"


def markup(value: datetime | None, fmt: str = MINUTES) -> Markup:
    """The `localtime` filter: the time in the display zone inside a <time> element."""
    if value is None:
        return Markup("")
    if not isinstance(value, datetime):
        return Markup("{}").format(value.isoformat())
    shown = local(value)
    return Markup('<time datetime="{}">{}</time>').format(
        shown.isoformat(timespec="seconds"), shown.strftime(fmt)
    )
