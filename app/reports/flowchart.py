"""A service item's 流程图, drawn from its ordered process nodes with Matplotlib.

Nodes flow top to bottom; consecutive 会签 (countersign) nodes stand side by side and run in
parallel, with the flow fanning out to them and back in. Each box shows the node's kind, name,
handling department and post, and time limit. Output is SVG or PNG bytes; results are cached by
the hash of the nodes, so a chart is redrawn only when its nodes change.
"""

import hashlib
import io
import json
from collections import OrderedDict
from collections.abc import Iterable
from threading import Lock

from flask_babel import gettext as _
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from app.models import ProcessNode
from app.models import guide_words as words
from app.models.choices import NODE_KIND

from .fonts import cjk_font

COLORS = {
    "submit": "#d9edf7",
    "review": "#fcf8e3",
    "approve": "#f2dede",
    "countersign": "#e8e0f5",
    "transfer": "#eeeeee",
    "complete": "#dff0d8",
}
BOX_W, BOX_H, GAP_X, GAP_Y = 3.0, 1.0, 0.4, 0.6
_CACHE = OrderedDict()
_CACHE_SIZE = 256
_LOCK = Lock()


# ORM nodes, or the dicts a snapshot or a publication keeps of them.
Nodes = Iterable[ProcessNode | dict[str, object]]


def node_dicts(nodes: Nodes) -> list[dict[str, object]]:
    """Plain dicts of ORM nodes (or snapshot dicts) in their order."""
    rows = []
    for node in sorted(nodes, key=lambda n: (_get(n, "position") or 0, _get(n, "id") or 0)):
        department = _get(node, "handling_department_name")
        if department is None and getattr(node, "handling_department", None) is not None:
            department = node.handling_department.name
        rows.append(
            {
                "name": _get(node, "name") or "",
                "kind": _get(node, "kind") or "review",
                "department": department or "",
                "post": _get(node, "handling_post") or "",
                "limit": words.node_limit(node),
            }
        )
    return rows


_get = words.get


def levels(rows: list[dict[str, object]]) -> list[list[dict[str, object]]]:
    """Group consecutive countersign nodes into one level; every other node is a level alone."""
    grouped = []
    for row in rows:
        if row["kind"] == "countersign" and grouped and grouped[-1][0]["kind"] == "countersign":
            grouped[-1].append(row)
        else:
            grouped.append([row])
    return grouped


def _label(row):
    kind = NODE_KIND.label(row["kind"])
    lines = [f"【{kind}】{row['name']}" if kind else row["name"]]
    who = " ".join(x for x in (row["department"], row["post"]) if x)
    if who:
        lines.append(who)
    if row["limit"]:
        lines.append(row["limit"])
    return "\n".join(_wrap(line, 14) for line in lines)


def _wrap(text, width):
    return "\n".join(text[i : i + width] for i in range(0, len(text), width)) or text


def draw(rows: list[dict[str, object]], fmt: str = "svg") -> bytes:
    """Render the flowchart of `rows` (from node_dicts) as SVG or PNG bytes."""
    grouped = levels(rows) or [
        [{"name": _("尚无流转环节"), "kind": None, "department": "", "post": "", "limit": None}]
    ]
    widest = max(len(level) for level in grouped)
    width = widest * BOX_W + (widest - 1) * GAP_X + 1
    height = len(grouped) * BOX_H + (len(grouped) - 1) * GAP_Y + 0.6
    fig = Figure(figsize=(max(width, 4.5), height))
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(-max(width, 4.5) / 2, max(width, 4.5) / 2)
    ax.set_ylim(-height + 0.3, 0.3)
    ax.axis("off")
    font = cjk_font(10)
    previous = []
    for depth, level in enumerate(grouped):
        top = -depth * (BOX_H + GAP_Y)
        span = len(level) * BOX_W + (len(level) - 1) * GAP_X
        centres = []
        for index, row in enumerate(level):
            cx = -span / 2 + BOX_W / 2 + index * (BOX_W + GAP_X)
            ax.add_patch(
                FancyBboxPatch(
                    (cx - BOX_W / 2, top - BOX_H),
                    BOX_W,
                    BOX_H,
                    boxstyle="round,pad=0.02,rounding_size=0.12",
                    facecolor=COLORS.get(row["kind"], "#ffffff"),
                    edgecolor="#555555",
                    linewidth=1,
                )
            )
            ax.text(
                cx,
                top - BOX_H / 2,
                _label(row),
                ha="center",
                va="center",
                fontproperties=font,
                linespacing=1.3,
            )
            centres.append(cx)
        for start in previous:
            for end in centres:
                ax.add_patch(
                    FancyArrowPatch(
                        (start, top + GAP_Y),
                        (end, top),
                        arrowstyle="-|>",
                        mutation_scale=12,
                        color="#555555",
                        linewidth=1,
                    )
                )
        previous = centres
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=110 if fmt == "png" else None)
    return buffer.getvalue()


def nodes_key(nodes: Nodes, fmt: str = "") -> str:
    """A digest of what the flowchart shows: it changes exactly when the drawing would."""
    return _key(node_dicts(nodes), fmt)


def _key(rows, fmt):
    return hashlib.sha256(
        json.dumps([fmt, rows], ensure_ascii=False, default=str).encode()
    ).hexdigest()


def flowchart(nodes: Nodes, fmt: str = "svg") -> bytes:
    """Cached rendering: the same nodes give the same bytes without drawing again."""
    if fmt not in ("svg", "png"):
        raise ValueError(fmt)
    rows = node_dicts(nodes)
    key = _key(rows, fmt)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    data = draw(rows, fmt)
    with _LOCK:
        _CACHE[key] = data
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return data


def cache_info() -> dict[str, int]:
    return {"entries": len(_CACHE)}
