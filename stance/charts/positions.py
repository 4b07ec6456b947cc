"""Charts of ideal points: positions over time with intervals, the spread of one year, and a pair's distance.

Each state keeps one colour (Okabe-Ito, in the order chosen) across the three charts; Stance's
estimates are solid lines with a shaded 95 % band, the published Bailey-Strezhnev-Voeten ones
dashed. The two sets are on different scales (each model fixes its own), so the dashed lines are
shown on a second axis, for their shape, not their level.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from stance.charts.colours import PALETTE, actor_colours
from stance.charts.heatmap import esc

OTHERS_COLOUR = "#c8c8c8"


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def colours(codes: Sequence[str]) -> dict[str, str]:
    """Each state's own colour, the same as on every other chart (stance.charts.colours)."""
    return actor_colours(codes)


def over_time(ours: pd.DataFrame, chosen: Sequence[str], published: pd.DataFrame | None = None) -> go.Figure:
    """Ideal point by year for the chosen states, 95 % bands; published estimates dashed on a second axis.

    Points carry customdata (actor, year) so a click can show the votes behind them."""
    fig = go.Figure()
    col = colours(chosen)
    for code in chosen:
        df = ours[ours["actor"] == code].sort_values("year")
        if df.empty:
            continue
        name = str(df["name"].iloc[0])
        fig.add_trace(go.Scatter(
            x=np.concatenate([df["year"], df["year"][::-1]]), y=np.concatenate([df["high"], df["low"][::-1]]),
            fill="toself", fillcolor=_rgba(col[code], 0.15), line={"width": 0}, hoverinfo="skip",
            showlegend=False, legendgroup=code))
        hover = [f"<b>{esc(name)}</b> {int(r.year)}: {r.ideal_point:+.2f} (95 %: {r.low:+.2f} to {r.high:+.2f})"
                 f"<br>{int(r.votes)} votes · click for the votes that moved it most" for r in df.itertuples()]
        fig.add_trace(go.Scatter(
            x=df["year"], y=df["ideal_point"], mode="lines+markers", name=name, legendgroup=code,
            line={"color": col[code], "width": 2}, marker={"size": 5, "color": col[code]},
            customdata=np.column_stack([df["actor"], df["year"]]), text=hover, hovertemplate="%{text}<extra></extra>"))
        if published is not None and len(published):
            pub = published[published["actor"] == code].sort_values("year")
            if len(pub):
                fig.add_trace(go.Scatter(
                    x=pub["year"], y=pub["ideal_point"], mode="lines", yaxis="y2", legendgroup=code,
                    name=f"{name} (Bailey-Strezhnev-Voeten)", line={"color": col[code], "width": 1.5, "dash": "dash"},
                    hovertemplate=f"<b>{esc(name)}</b> %{{x}}: %{{y:+.2f}} (Bailey-Strezhnev-Voeten)<extra></extra>"))
    layout = {
        "title": {"text": "Ideal points by year<br><sup>solid: Stance's estimate with its 95 % interval (shaded)"
                          + (" · dashed: Bailey-Strezhnev-Voeten, right axis" if published is not None
                             and len(published) else "") + " · United States' side positive</sup>",
                  "x": 0, "xanchor": "left"},
        "plot_bgcolor": "white", "height": 480, "hovermode": "closest", "hoverlabel": {"align": "left"},
        "legend": {"orientation": "h", "y": -0.15}, "margin": {"l": 10, "r": 10, "t": 80, "b": 10},
        "xaxis": {"title": {"text": "Year"}, "gridcolor": "#eee", "tickformat": "d"},
        "yaxis": {"title": {"text": "Stance ideal point"}, "gridcolor": "#eee", "zeroline": True,
                  "zerolinecolor": "#999"},
    }
    if published is not None and len(published):
        layout["yaxis2"] = {"title": {"text": "Bailey-Strezhnev-Voeten"}, "overlaying": "y", "side": "right",
                            "showgrid": False}
    fig.update_layout(**layout)
    return fig


def spread(ours: pd.DataFrame, year: int, chosen: Sequence[str]) -> go.Figure:
    """Every state's position in one year, lowest to highest, the chosen ones coloured and named."""
    df = ours[ours["year"] == year].sort_values("ideal_point").reset_index(drop=True)
    col = colours(chosen)
    picked = df["actor"].isin(list(chosen))
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=df["ideal_point"], y=df.index, mode="markers", name="Other states",
        marker={"size": 6, "color": np.where(picked, "rgba(0,0,0,0)", OTHERS_COLOUR)},
        error_x={"type": "data", "symmetric": False, "array": df["high"] - df["ideal_point"],
                 "arrayminus": df["ideal_point"] - df["low"], "color": "#e4e4e4", "thickness": 1, "width": 0},
        text=[f"<b>{esc(n)}</b>: {v:+.2f} ({int(k)} votes)" for n, v, k in zip(df["name"], df["ideal_point"],
                                                                               df["votes"], strict=True)],
        hovertemplate="%{text}<extra></extra>"))
    for code in chosen:
        row = df[df["actor"] == code]
        if row.empty:
            continue
        fig.add_trace(go.Scatter(
            x=row["ideal_point"], y=row.index, mode="markers+text", name=str(row["name"].iloc[0]),
            text=[esc(row["name"].iloc[0])], textposition="middle right", textfont={"color": col[code]},
            marker={"size": 11, "color": col[code]}, hovertemplate=f"<b>{esc(row['name'].iloc[0])}</b>: "
            "%{x:+.2f}<extra></extra>"))
    fig.update_layout(
        title={"text": f"Every state in {year}, ordered by position<br><sup>{len(df)} states · bars: 95 % intervals"
                       "</sup>", "x": 0, "xanchor": "left"},
        plot_bgcolor="white", height=520, showlegend=False, hoverlabel={"align": "left"},
        margin={"l": 10, "r": 10, "t": 70, "b": 10},
        xaxis={"title": {"text": "Stance ideal point"}, "gridcolor": "#eee", "zeroline": True, "zerolinecolor": "#999"},
        yaxis={"title": {"text": "Rank"}, "showgrid": False})
    return fig


def distance(ours: pd.DataFrame, a: str, b: str) -> go.Figure:
    """|position a - position b| by year, with an approximate 95 % band (independent errors)."""
    left = ours[ours["actor"] == a].set_index("year")
    right = ours[ours["actor"] == b].set_index("year")
    both = left.join(right, how="inner", suffixes=("_a", "_b")).sort_index()
    gap = (both["ideal_point_a"] - both["ideal_point_b"]).abs()
    sd = np.sqrt(((both["high_a"] - both["low_a"]) / 3.92) ** 2 + ((both["high_b"] - both["low_b"]) / 3.92) ** 2)
    name_a = str(left["name"].iloc[0]) if len(left) else a
    name_b = str(right["name"].iloc[0]) if len(right) else b
    fig = go.Figure()
    years = both.index.to_numpy()
    fig.add_trace(go.Scatter(x=np.concatenate([years, years[::-1]]),
                             y=np.concatenate([gap + 1.96 * sd, np.maximum(gap - 1.96 * sd, 0)[::-1]]),
                             fill="toself", fillcolor="rgba(0,114,178,0.15)", line={"width": 0}, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=years, y=gap, mode="lines+markers", line={"color": PALETTE[0], "width": 2},
                             hovertemplate="%{x}: %{y:.2f} apart<extra></extra>"))
    fig.update_layout(
        title={"text": f"Distance between {esc(name_a)} and {esc(name_b)}<br><sup>absolute difference of the two "
                       "ideal points; shaded: approximate 95 % interval</sup>", "x": 0, "xanchor": "left"},
        plot_bgcolor="white", height=380, showlegend=False, margin={"l": 10, "r": 10, "t": 70, "b": 10},
        xaxis={"title": {"text": "Year"}, "gridcolor": "#eee", "tickformat": "d"},
        yaxis={"title": {"text": "Distance"}, "gridcolor": "#eee", "rangemode": "tozero"})
    return fig
