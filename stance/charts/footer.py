"""The source line inside every chart, so the toolbar's PNG or SVG can go into a paper as it is.

`cite(fig, keys, today, reopen)` adds one grey annotation under the chart naming the sources its
data rests on (keys of stance.citations.SOURCES), the Stance version, the date and the link that
reopens the view. Only layout titles can be placed in the figure's own coordinates, and the charts
use theirs, so the footer is an annotation pinned below the plot area: the bottom margin is made
big enough (`below`: the pixels the chart's tick labels, axis title and bottom legend take) that
plotly never grows it, and the figure grows by as much, so the plot keeps its size.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence

import plotly.graph_objects as go

from stance.citations import PROJECT, SOURCES

FOOTER_NAME = "stance-footer"
LINE_PX = 14
FONT = {"size": 10, "color": "#666666"}
DEFAULT_BELOW = 50


def footer_text(keys: Sequence[str], today: str, reopen: str | None = None) -> str:
    """`Source: Stance 0.1.0 (a; b) · 2026-12-02 · reopen: <link>`, in plain text."""
    named = "; ".join(s.short for k, s in SOURCES.items() if k in set(keys)) or "no data shown"
    text = f"Source: Stance {PROJECT.version} ({named}) · {today}"
    return text + (f" · reopen: {reopen}" if reopen else "")


def _wrap(text: str, width_px: int | None) -> list[str]:
    """Annotations do not wrap: break the line where a 10 px font would run past the figure."""
    chars = max(40, int((width_px or 760) / 5.6))
    return textwrap.wrap(text, chars, break_long_words=True, break_on_hyphens=False)


def cite(fig: go.Figure, keys: Sequence[str], today: str, reopen: str | None = None,
         below: int = DEFAULT_BELOW) -> go.Figure:
    """Add (or replace) the source line under the plot; returns the same figure."""
    lines = _wrap(footer_text(keys, today, reopen), fig.layout.width)
    height = LINE_PX * len(lines) + 4
    kept = [a for a in fig.layout.annotations if a.name != FOOTER_NAME]
    old_b = fig.layout.margin.b if fig.layout.margin.b is not None else 80
    new_b = max(old_b, below + height)
    fig.layout.annotations = kept
    fig.add_annotation(
        name=FOOTER_NAME, text="<br>".join(html.escape(line) for line in lines), showarrow=False,
        xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top", align="left",
        yshift=-(new_b - height), font=FONT)
    if fig.layout.height is not None:
        fig.layout.height += new_b - old_b
    fig.layout.margin.b = new_b
    return fig
