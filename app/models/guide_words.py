"""How a service guide says an item's time limit, audience and materials, for every page, list
and sheet that shows them.

Each function takes an ORM record or a snapshot dict (a `RecordVersion` snapshot or a published
projection), so that versions published before the structured fields existed, which hold only
`time_limit_days`, still read: the guide's words when there are words, the old figure in working
days when that is all there is, and 未填写 when there is nothing (unknown is never 0 or 即办件).
"""

from __future__ import annotations

from flask_babel import gettext as _

from .choices import HANDLING_TYPE, MATERIAL_FORM, MATERIAL_SOURCE, TIME_UNIT, USER_GROUP
from .time_limit import read_time_limit


def get(record: object, key: str) -> object:
    """A field of a record or of a snapshot dict (None when the dict predates the field)."""
    return record.get(key) if isinstance(record, dict) else getattr(record, key, None)


def blank() -> str:
    """What a page shows for a value nobody gave."""
    return _("未填写")


def _days(days: object) -> str:
    """An old version's figure: 0 was how it stored 即办件."""
    return (
        HANDLING_TYPE.label(HANDLING_TYPE.IMMEDIATE)
        if days == 0
        else _("{n} 个工作日").format(n=days)
    )


def limit_state(words: object) -> str | None:
    """未填写 for no words, 无法识别 for words the reader cannot parse, else None."""
    if words is None or not str(words).strip():
        return blank()
    return None if read_time_limit(str(words)).understood else _("无法识别")


def limit_reading(words: object) -> str | None:
    """What the console reads from a limit's words ("5 工作日", "1-30 自然日", "即办件"), or
    无法识别; None for no words."""
    if words is None or not str(words).strip():
        return None
    reading = read_time_limit(str(words))
    if not reading.understood:
        return _("无法识别")
    if reading.handling == HANDLING_TYPE.IMMEDIATE:
        return HANDLING_TYPE.label(HANDLING_TYPE.IMMEDIATE)
    amount = str(reading.low) if reading.low == reading.high else f"{reading.low}-{reading.high}"
    return _("{amount} {unit}").format(amount=amount, unit=TIME_UNIT.label(reading.unit))


def time_limit(item: object) -> str:
    """办理时限 as the guide wrote it: 办件类型, the promised limit, the statutory limit."""
    parts = []
    handling = get(item, "handling_type")
    if handling:
        parts.append(HANDLING_TYPE.label(handling))
    promised = get(item, "promised_limit")
    days = get(item, "time_limit_days")
    if promised:
        parts.append(_("承诺办结时限：{text}").format(text=promised))
    elif days is not None and not handling:  # a version published before the words were kept
        parts.append(_days(days))
    statutory = get(item, "statutory_limit")
    if statutory:
        parts.append(_("法定办结时限：{text}").format(text=statutory))
    return _("；").join(parts) or blank()  # "; " in English


def node_limit(node: object) -> str | None:
    """A node's limit in its own words (or an old version's figure); None when none was given."""
    words = get(node, "time_limit")
    if words:
        return str(words)
    days = get(node, "time_limit_days")
    return None if days is None else _days(days)


def audience(item: object) -> str:
    """服务对象: the reference list's labels, then the words that name none of them."""
    parts = [USER_GROUP.labels(get(item, "user_groups"))]
    parts.append(get(item, "audience_note") or "")
    return "、".join(part for part in parts if part)


def material_form(material: object) -> str:
    """A material's form as a guide writes it ("原件、复印件"), '' when not given."""
    return MATERIAL_FORM.labels(get(material, "form"))


def material(material: object) -> str:
    """Form, source and copies of a material, joined for one line ('' when none is given)."""
    parts = [material_form(material), MATERIAL_SOURCE.label(get(material, "source"))]
    copies = get(material, "copies")
    if copies is not None:
        parts.append(_("{n} 份").format(n=copies))
    return "，".join(part for part in parts if part)
