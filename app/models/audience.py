"""Audiences (服务对象) read from what a guide writes: the reference list with its synonyms,
and whatever is not on the list kept as written (the free-text remainder)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .choices import AUDIENCE_SYNONYMS, USER_GROUP, split_codes

SEPARATORS = re.compile(r"[、,，;；/\s]+|以及|及|和|与")
# Words a guide puts before an audience ("全校教职工", "学校在职教职工") that do not change it.
PREFIXES = re.compile(r"^(?:学校|本校|全校|我校|全体|在校|在职)+")


@dataclass(frozen=True)
class Audience:
    """The codes of the reference list (joined by ",", in list order) and the remainder."""

    codes: str | None
    note: str | None

    def words(self) -> str | None:
        """The audience as a guide writes it: the list's labels, then the remainder."""
        parts = [USER_GROUP.label(code) for code in split_codes(self.codes)]
        if self.note:
            parts.append(self.note)
        return "、".join(parts) or None


def _codes_of(word: str) -> tuple[str, ...] | None:
    for candidate in (word, PREFIXES.sub("", word)):
        code = USER_GROUP.code_for_label(candidate)
        if code is not None:
            return (code,)
        if candidate in AUDIENCE_SYNONYMS:
            return AUDIENCE_SYNONYMS[candidate]
    return None


def read_audience(text: str | None) -> Audience:
    """The codes `text` names (labels, codes or synonyms) and the words that name none."""
    if text is None or not text.strip():
        return Audience(None, None)
    found: set[str] = set()
    rest: list[str] = []
    for part in SEPARATORS.split(unicodedata.normalize("NFKC", text).strip()):
        if not part:
            continue
        codes = _codes_of(part)
        if codes is None:
            if part not in rest:
                rest.append(part)
        else:
            found.update(codes)
    ordered = [code for code in USER_GROUP.codes if code in found]
    return Audience(",".join(ordered) or None, "、".join(rest) or None)
