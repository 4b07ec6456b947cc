"""One actor's positions across issues: a dot chart on the stance scale, one row per issue."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from stance.charts import KIND_LABELS, _wrap
from stance.charts.heatmap import esc
from stance.charts.map import STANCE_COLOURS, format_date
from stance.model import STANCE_LABELS, stance_text

LATEST_EDGE = "#000000"
MEAN_COLOUR = "#333333"  # dark grey outline: no stance colour (the latest dot's fill) can be mistaken for it
RANGE_COLOUR = "#c8c8c8"


def _label(value: float) -> str:
    return f"{value:+.1f} (closest: {STANCE_LABELS[round(value)]})"


def positions_chart(df: pd.DataFrame, actor_name: str) -> go.Figure:
    """Latest stance (a dot in the map's colour), mean of all points (an open diamond) and the
    range the actor has covered (a grey bar), per issue, on the fixed -2..+2 scale."""
    rows = [_wrap(t, 40, 2) for t in df["title"]]  # _wrap escapes; the titles below are escaped by hand
    latest_hover = [
        f"<b>{esc(title)}</b><br>Latest: <b>{stance_text(v)}</b><br>"
        f"from its {KIND_LABELS[k]} of {esc(format_date(d, p))}<br>Mean of all points: {_label(m)}<br>"
        f"{n} point(s): {s} statement(s), {vo} vote(s)"
        for title, v, k, d, p, m, n, s, vo in zip(df["title"], df["latest"], df["latest_kind"], df["latest_date"],
                                                 df["latest_precision"], df["mean"], df["points"], df["statements"],
                                                 df["votes"], strict=True)]
    fig = go.Figure()
    for i, row in enumerate(rows):
        fig.add_trace(go.Scatter(
            x=[df["low"].iloc[i], df["high"].iloc[i]], y=[row, row], mode="lines", hoverinfo="skip",
            line={"color": RANGE_COLOUR, "width": 10}, name="Range of all points", legendgroup="range",
            showlegend=i == 0))
    fig.add_trace(go.Scatter(
        x=df["latest"], y=rows, mode="markers", name="Latest stance", showlegend=False,
        marker={"symbol": "circle", "size": 16, "color": [STANCE_COLOURS[int(v)] for v in df["latest"]],
                "line": {"width": 1.5, "color": LATEST_EDGE}},
        hovertext=latest_hover, hoverinfo="text"))
    fig.add_trace(go.Scatter(
        x=df["mean"], y=rows, mode="markers", name="Mean of all points",
        # drawn over the dot and larger: where mean and latest agree, the diamond frames the dot
        marker={"symbol": "diamond-open", "size": 24, "color": MEAN_COLOUR, "line": {"width": 2.5}},
        hoverinfo="skip"))  # the dot's hover box tells the mean too
    # The legend's own entry: the real dots take the map's colour of their stance, which no single
    # legend swatch can show.
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name="Latest stance (coloured as on the map)",
                             marker={"symbol": "circle", "size": 14, "color": "white",
                                     "line": {"width": 1.5, "color": LATEST_EDGE}}, hoverinfo="skip"))
    fig.update_layout(
        title={"text": f"{esc(actor_name)}: positions across issues"},
        xaxis={"title": "Stance", "tickvals": list(STANCE_LABELS),
               "ticktext": [label.capitalize() for label in STANCE_LABELS.values()],
               "range": [-2.4, 2.4], "zeroline": True, "zerolinecolor": "#bbb", "gridcolor": "#eee"},
        yaxis={"title": "", "autorange": "reversed", "type": "category"},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        hoverlabel={"align": "left"}, plot_bgcolor="white", height=170 + 45 * len(df),
        margin={"l": 10, "r": 10, "t": 80, "b": 10},
    )
    return fig
