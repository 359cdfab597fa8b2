"""Time limits as GB/T 39554 describes them, read from what a guide or a clerk writes.

A service item has a 办件类型 (即办件: handled on the spot, or 承诺件: within a promised limit)
and a 承诺办结时限, and where one exists a 法定办结时限; a process node has its own limit. Each
limit is kept as the guide's own words plus what they say: a number or a range ("1-30天") with a
unit (工作日, 自然日, 小时). `read_time_limit` turns the words into that structure; what it cannot
read it says so (`TimeLimit.understood` is False) and the words are still kept, never invented.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

IMMEDIATE = "immediate"  # 即办件
PROMISED = "promised"  # 承诺件
WORKDAY, DAY, HOUR = "workday", "day", "hour"

# Words that mean "handled on the spot" (即办件), checked after NFKC and without spaces.
_IMMEDIATE_WORDS = ("即办", "即时办结", "即时办理", "当场办结", "当场办理", "当即办理", "立即办理")
_IMMEDIATE_WORDS += ("现场办结", "现场办理", "随到随办", "即到即办", "立等可取", "当日办结")
_UNITS = (
    (r"个?工作日|个?工作天", WORKDAY),
    (r"个?自然日|个?日历日|天|日", DAY),
    (r"个?小时|小时|h", HOUR),
)
_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_NUMBER = r"(\d+|[零一二两三四五六七八九十]+)"
_RANGE = re.compile(_NUMBER + r"\s*(?:[-~～—–至到]|－)+\s*" + _NUMBER)
_SINGLE = re.compile(_NUMBER)

# Columns read from a limit's words (`read_time_limit`): histories and diffs show the words only.
DERIVED = {"derived": True}


@dataclass(frozen=True)
class TimeLimit:
    """What a time limit says: `low`-`high` `unit`s (low == high for one number), `handling`
    IMMEDIATE for 即办件; `understood` False when the words could not be read."""

    text: str | None
    low: int | None = None
    high: int | None = None
    unit: str | None = None
    handling: str | None = None
    understood: bool = True

    @property
    def working_days(self) -> int | None:
        """The limit in working days for the figures: 0 for 即办件, the upper bound when the
        unit is 工作日, else None (unknown is not zero)."""
        if self.handling == IMMEDIATE:
            return 0
        return self.high if self.unit == WORKDAY else None


def _number(text: str) -> int | None:
    """An Arabic or a small Chinese number (一 .. 九十九), else None."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _sep, ones = text.partition("十")
        high = _DIGITS.get(tens, None) if tens else 1
        low = _DIGITS.get(ones, None) if ones else 0
        if high is None or low is None or len(tens) > 1 or len(ones) > 1:
            return None
        return high * 10 + low
    return _DIGITS.get(text) if len(text) == 1 else None


def _unit_after(text: str) -> str | None:
    for pattern, unit in _UNITS:
        if re.match(r"\s*(?:" + pattern + ")", text):
            return unit
    return None


def read_time_limit(text: str | None) -> TimeLimit:
    """The structure the words `text` describe; `understood` is False when they name no
    number with a unit and no on-the-spot handling (the words are kept either way)."""
    if text is None or not text.strip():
        return TimeLimit(None)
    words = text.strip()
    plain = re.sub(r"\s+", "", unicodedata.normalize("NFKC", words))
    immediate = any(word in plain for word in _IMMEDIATE_WORDS)
    zero = re.search(r"(?:时限|期限)[:：]?0(?!\d)", plain) is not None
    if immediate or zero or plain in ("0", "0天", "0个工作日"):
        return TimeLimit(words, 0, 0, None, IMMEDIATE)
    for match in _RANGE.finditer(plain):
        low, high = _number(match.group(1)), _number(match.group(2))
        unit = _unit_after(plain[match.end() :])
        if low is not None and high is not None and unit is not None:
            if low > high:  # "30-1天" says nothing that can be trusted
                return TimeLimit(words, understood=False)
            return TimeLimit(words, low, high, unit, PROMISED)
    for match in _SINGLE.finditer(plain):
        number = _number(match.group(1))
        unit = _unit_after(plain[match.end() :])
        if number is not None and unit is not None:
            return TimeLimit(words, number, number, unit, PROMISED if number else IMMEDIATE)
    return TimeLimit(words, understood=False)
