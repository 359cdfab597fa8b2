"""The CJK font every chart, flowchart and print uses (Debian's fonts-wqy-microhei)."""

from functools import lru_cache
from pathlib import Path

from matplotlib import font_manager

CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)


class MissingCJKFont(RuntimeError):
    """No CJK font is installed: charts would show empty boxes instead of Chinese."""


@lru_cache(maxsize=1)
def cjk_font_path() -> str:
    for candidate in CANDIDATES:
        if Path(candidate).exists():
            return candidate
    raise MissingCJKFont("install fonts-wqy-microhei (scripts/install-system.sh does)")


@lru_cache(maxsize=8)
def cjk_font(size: float = 10) -> font_manager.FontProperties:
    """FontProperties for Chinese text at `size` points."""
    return font_manager.FontProperties(fname=cjk_font_path(), size=size)
