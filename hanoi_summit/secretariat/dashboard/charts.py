"""Small server-side SVG charts for the dashboard: bars, meters, a funnel, stacked bars.

Python lays out the geometry; templates/dashboard/charts/*.svg write the markup (so every
label goes through the template's escaping). The SVGs are inline, scale with their card
through a viewBox, and each bar is a link to the list behind it. No JavaScript, no CDN.
"""

import textwrap
from dataclasses import dataclass, field

from django.template.loader import render_to_string

WIDTH = 640
LABEL_WIDTH = 210
VALUE_WIDTH = 100
ROW_HEIGHT = 30
BAR_HEIGHT = 18
PLOT_WIDTH = WIDTH - LABEL_WIDTH - VALUE_WIDTH

PALETTE = ("#0b4f8a", "#c8a24a", "#2e7d32", "#c62828", "#6a1b9a", "#00838f", "#ef6c00", "#546e7a")


@dataclass
class Bar:
    label: str
    value: int
    url: str | None = None
    colour: str = PALETTE[0]
    #: For a meter: what the value is measured against (seats, capacity).
    total: int | None = None
    #: Text written after the bar; the value by default.
    note: str = ""


@dataclass
class Segment:
    key: str
    label: str
    value: int
    url: str | None = None


@dataclass
class StackedRow:
    label: str
    segments: list = field(default_factory=list)

    @property
    def total(self):
        return sum(s.value for s in self.segments)


#: Characters of a label per line beside the bars: a longer label wraps onto a second line
#: rather than being cut ("Regional economic integration organisation").
LABEL_LINE_CHARS = 28
LABEL_LINE_HEIGHT = 13


def _row_position(index):
    top = index * ROW_HEIGHT
    return {"bar_y": top + (ROW_HEIGHT - BAR_HEIGHT) / 2, "text_y": top + ROW_HEIGHT / 2 + 5}


def _label(text):
    """The label's lines (two at most; the full label stays in the bar's tooltip) and the
    shift of the first line, so that the lines sit centred on the bar."""
    lines = textwrap.wrap(str(text), LABEL_LINE_CHARS) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), LABEL_LINE_CHARS, placeholder="…")]
    return {"label_lines": lines, "label_dy": -(len(lines) - 1) * LABEL_LINE_HEIGHT / 2}


def _scale(value, largest):
    return round(PLOT_WIDTH * value / largest, 1) if largest else 0


def bar_chart(bars, *, title):
    """Horizontal bars scaled to the largest value."""
    largest = max((b.value for b in bars), default=0)
    rows = []
    for i, bar in enumerate(bars):
        rows.append(
            {
                "bar": bar,
                **_row_position(i),
                **_label(bar.label),
                "width": max(_scale(bar.value, largest), 2 if bar.value else 0),
                "note": bar.note or str(bar.value),
            }
        )
    return _render("bars", title=title, rows=rows, height=max(len(rows), 1) * ROW_HEIGHT)


def meter_chart(bars, *, title):
    """One track per bar, as long as its total, filled up to its value.

    Tracks share one scale (the largest total) so that a small room reads as small; a
    value over its total (an overfull zone) is drawn in red.
    """
    largest = max((max(b.total or 0, b.value) for b in bars), default=0)
    rows = []
    for i, bar in enumerate(bars):
        total = bar.total if bar.total is not None else bar.value
        rows.append(
            {
                "bar": bar,
                **_row_position(i),
                **_label(bar.label),
                "track": _scale(total, largest),
                "width": _scale(min(bar.value, total) if total else bar.value, largest),
                "over": bar.total is not None and bar.value > bar.total,
                "note": bar.note
                or (f"{bar.value} / {bar.total}" if bar.total is not None else str(bar.value)),
            }
        )
    return _render("meter", title=title, rows=rows, height=max(len(rows), 1) * ROW_HEIGHT)


def funnel_chart(bars, *, title):
    """Centred bars narrowing stage by stage, each with its share of the first stage."""
    first = bars[0].value if bars else 0
    largest = max((b.value for b in bars), default=0)
    rows = []
    for i, bar in enumerate(bars):
        width = _scale(bar.value, largest)
        rows.append(
            {
                "bar": bar,
                **_row_position(i),
                **_label(bar.label),
                "x": LABEL_WIDTH + (PLOT_WIDTH - width) / 2,
                "width": width,
                "percent": round(100 * bar.value / first) if first else 0,
            }
        )
    return _render("funnel", title=title, rows=rows, height=max(len(rows), 1) * ROW_HEIGHT)


def stacked_chart(rows, series, *, title):
    """One bar per row made of coloured segments; `series` is [(key, label)] in drawing order.

    Bars share one scale; a legend under the chart names the colours.
    """
    colours = {key: PALETTE[i % len(PALETTE)] for i, (key, _label) in enumerate(series)}
    largest = max((r.total for r in rows), default=0)
    laid_out = []
    for i, row in enumerate(rows):
        x = LABEL_WIDTH
        parts = []
        for segment in row.segments:
            if not segment.value:
                continue
            width = _scale(segment.value, largest)
            parts.append({"segment": segment, "x": x, "width": width, "colour": colours[segment.key]})
            x += width
        laid_out.append({"row": row, **_row_position(i), **_label(row.label), "parts": parts, "end": x + 6})
    body_height = max(len(laid_out), 1) * ROW_HEIGHT
    legend = []
    for i, (key, label) in enumerate(series):
        top = body_height + 10 + (i // 4) * 20
        legend.append(
            {"label": label, "colour": colours[key], "x": (i % 4) * 160, "y": top, "text_y": top + 11}
        )
    legend_height = ((len(series) + 3) // 4) * 20
    return _render(
        "stacked", title=title, rows=laid_out, legend=legend, height=body_height + 10 + legend_height
    )


def _render(name, **context):
    context.update(
        width=WIDTH,
        label_width=LABEL_WIDTH,
        plot_width=PLOT_WIDTH,
        bar_height=BAR_HEIGHT,
        value_x=LABEL_WIDTH + PLOT_WIDTH + 6,
        label_x=LABEL_WIDTH - 8,
        line_height=LABEL_LINE_HEIGHT,
    )
    return render_to_string(f"dashboard/charts/{name}.svg", context)
