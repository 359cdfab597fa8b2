"""Dashboard charts drawn with Matplotlib's object API: rows in, PNG or SVG bytes out.

No pyplot (its global state is not safe in a threaded server) and no outside chart code: every
chart is a `matplotlib.figure.Figure` drawn on the server, with every Chinese text in the CJK
font of `app.reports.fonts`, so nothing shows as an empty box and no request leaves the campus.

`draw(style, title, rows, series, fmt, unit)` knows five drawings:

- ``hbars``: horizontal bars, one group per row, one bar per series;
- ``bars_and_rate``: bars of the first series with the second (a percentage) as dots on a top
  axis of 0-100 %;
- ``pie``: shares of the first series (categories with 0 are left out of the pie);
- ``stacked``: one horizontal bar per row, stacked by series;
- ``paired``: like hbars, for two comparable series (approval days against the time limit).

An empty number (None) is unknown, not zero: it draws no bar, no dot and no "0" label, and
`note` ("N 项未填写", from the figure) is written under the chart when records were left out.
"""

import io
from collections.abc import Sequence

from flask_babel import gettext as _
from matplotlib.figure import Figure

from .fonts import cjk_font

PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#9c755f",
    "#bab0ac",
)
WIDTH = 8.0
DPI = 100
LABEL_CHARS = 12


def _short(label):
    label = str(label)
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _number(value):
    return float(value) if value is not None else 0.0


def _bar_labels(values):
    """The label of each bar: its value, nothing for an unknown one (no bar is drawn)."""
    return ["" if value is None else f"{float(value):g}" for value in values]


def _figure(rows_count, pie=False):
    if pie:
        return Figure(figsize=(WIDTH, 4.8), dpi=DPI)
    height = max(4.0, 2.6 + 0.42 * rows_count)
    return Figure(figsize=(WIDTH, height), dpi=DPI)


def _empty(fig, font):
    ax = fig.add_subplot()
    ax.axis("off")
    ax.text(
        0.5,
        0.5,
        _("暂无数据"),
        ha="center",
        va="center",
        fontproperties=font,
        transform=ax.transAxes,
    )


def _y_labels(ax, rows, font):
    positions = range(len(rows))
    ax.set_yticks(list(positions), [_short(r["label"]) for r in rows], fontproperties=font)
    ax.invert_yaxis()  # first row on top


def _hbars(fig, rows, series, font, unit, stacked=False):
    ax = fig.add_subplot()
    count = len(series)
    height = 0.8 / (1 if stacked else count)
    lefts = [0.0] * len(rows)
    for index, (key, label) in enumerate(series):
        values = [_number(r.get(key)) for r in rows]
        if stacked:
            positions = list(range(len(rows)))
            bars = ax.barh(
                positions,
                values,
                height,
                left=lefts,
                label=str(label),
                color=PALETTE[index % len(PALETTE)],
            )
            lefts = [a + b for a, b in zip(lefts, values, strict=True)]
        else:
            known = [r.get(key) for r in rows]
            positions = [i - 0.4 + height * (index + 0.5) for i in range(len(rows))]
            bars = ax.barh(
                positions,
                [float("nan") if v is None else float(v) for v in known],
                height,
                label=str(label),
                color=PALETTE[index % len(PALETTE)],
            )
            ax.bar_label(bars, labels=_bar_labels(known), padding=2, fontsize=7)
    _y_labels(ax, rows, font)
    if unit:
        ax.set_xlabel(str(unit), fontproperties=font)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    if count > 1:
        _legend(ax, None, None, count)
    if stacked:
        ax.bar_label(bars, labels=[f"{v:g}" for v in lefts], padding=2, fontsize=7)
    ax.margins(x=0.12)


def _bars_and_rate(fig, rows, series, font, unit):
    (bar_key, bar_label), (rate_key, rate_label) = series
    ax = fig.add_subplot()
    positions = list(range(len(rows)))
    known = [r.get(bar_key) for r in rows]
    bars = ax.barh(
        positions,
        [float("nan") if v is None else float(v) for v in known],
        0.6,
        color=PALETTE[0],
        label=str(bar_label),
    )
    ax.bar_label(bars, labels=_bar_labels(known), padding=2, fontsize=7)
    _y_labels(ax, rows, font)
    ax.set_xlabel(str(bar_label), fontproperties=font)
    ax.margins(x=0.12)
    top = ax.twiny()
    rated = [
        (p, r.get(rate_key))
        for p, r in zip(positions, rows, strict=True)
        if r.get(rate_key) is not None
    ]
    top.plot(
        [float(v) for _p, v in rated],
        [p for p, _v in rated],
        "o",
        color=PALETTE[1],
        label=str(rate_label),
    )
    top.set_xlim(0, 100)
    top.set_xlabel(str(rate_label), fontproperties=font)
    handles = [bars, *top.get_lines()]
    _legend(ax, handles, [str(bar_label), str(rate_label)], 2)


def _legend(ax, handles, labels, columns):
    """The legend in one row under the plot, where it hides no bar."""
    extra = {} if handles is None else {"handles": handles, "labels": labels}
    ax.legend(
        prop=cjk_font(9),
        loc="upper center",
        ncol=columns,
        frameon=False,
        bbox_to_anchor=(0.5, -0.9 / ax.figure.get_figheight()),
        **extra,
    )


def _pie(fig, rows, series, font):
    key = series[0][0]
    shown = [r for r in rows if _number(r.get(key)) > 0]
    ax = fig.add_subplot()
    values = [_number(r[key]) for r in shown]
    _wedges, _texts, autotexts = ax.pie(
        values,
        labels=[f"{r['label']}（{_number(r[key]):g}）" for r in shown],
        colors=PALETTE[: len(shown)],
        autopct="%1.1f%%",
        startangle=90,
        counterclock=False,
        textprops={"fontproperties": cjk_font(10)},
    )
    for text in autotexts:
        text.set_color("white")
    ax.axis("equal")


def draw(
    style: str,
    title: object,
    rows: Sequence[dict[str, object]],
    series: Sequence[tuple[str, object]],
    fmt: str = "png",
    unit: object = "",
    note: str = "",
) -> bytes:
    """The chart of `rows` as PNG or SVG bytes; `series` are (row key, legend label) pairs;
    `note` ("N 项未填写") is written in the bottom corner."""
    if fmt not in ("png", "svg"):
        raise ValueError(fmt)
    font = cjk_font(10)
    has_data = any(_number(r.get(key)) for r in rows for key, _label in series)
    fig = _figure(len(rows), pie=style == "pie")
    if not has_data:
        _empty(fig, font)
    elif style in ("hbars", "paired"):
        _hbars(fig, rows, series, font, unit)
    elif style == "stacked":
        _hbars(fig, rows, series, font, unit, stacked=True)
    elif style == "bars_and_rate":
        _bars_and_rate(fig, rows, series, font, unit)
    elif style == "pie":
        _pie(fig, rows, series, font)
    else:
        raise ValueError(style)
    fig.suptitle(str(title), fontproperties=cjk_font(13))
    if note:
        fig.text(0.99, 0.01, note, ha="right", va="bottom", fontproperties=cjk_font(9))
    _layout(fig, style)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=DPI, metadata=_metadata(fmt))
    return buffer.getvalue()


def _layout(fig, style):
    """Fixed margins in inches (room for 16-character labels, the title and the axis labels):
    measuring with tight_layout would draw the figure twice."""
    height = fig.get_figheight()
    top = 1.15 if style == "bars_and_rate" else 0.6
    left = 0.4 if style == "pie" else 2.0
    bottom = 0.4 if style == "pie" else 1.2
    fig.subplots_adjust(
        left=left / WIDTH, right=1 - 0.3 / WIDTH, top=1 - top / height, bottom=bottom / height
    )


def _metadata(fmt):
    # No creation date in the file: the same data gives the same bytes.
    return {"Date": None} if fmt == "svg" else {}
