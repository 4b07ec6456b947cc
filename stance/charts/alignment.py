"""Charts of voting alignment: the agreement matrix and one pair's agreement over the years.

Agreement runs on a sequential yellow-green-blue scale (ColorBrewer YlGnBu, readable with the
common colour-vision deficiencies), fixed at 0-100 %, so the same colour means the same share
in every view. Pairs with too few common votes stay empty and are hatched, as on the Compare page.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from stance.charts.heatmap import esc, hatch_missing, pivot

AGREE_COLOURSCALE = "YlGnBu"
LINE_COLOUR = "#0072B2"  # Okabe-Ito blue
BAR_COLOUR = "#bbbbbb"
MAX_CELL_TEXT = 30  # countries beyond which the percentages are left out of the cells


def _votes(n: int) -> str:
    return f"{n} common vote" + ("" if n == 1 else "s")


def _pair_hover(a: str, b: str, agree: float, common: int, min_votes: int) -> str:
    if a == b:
        return f"<b>{esc(a)}</b><br>cast {common} vote{'' if common == 1 else 's'} in this view"
    head = f"<b>{esc(a)}</b> and <b>{esc(b)}</b>"
    if common == 0:
        return f"{head}<br>never voted on the same resolution"
    if np.isnan(agree):
        return f"{head}<br>only {_votes(common)} (the minimum is {min_votes}): no figure"
    return f"{head}<br>voted alike on <b>{agree:.0%}</b> of {_votes(common)}"


def agreement_heatmap(pairs: pd.DataFrame, order: Sequence[str], min_votes: int, subtitle: str = "") -> go.Figure:
    """Countries x countries, cells = agreement in %, rows and columns in `order` (codes).

    `pairs` comes from stance.queries.alignment.agreement; labels are country names.
    """
    codes = list(order)
    names = dict(zip(pairs["actor"], pairs["actor_name"], strict=False))
    z = pivot(pairs, codes, codes, "actor", "other", "agree") * 100
    common = pivot(pairs, codes, codes, "actor", "other", "common")
    common = np.nan_to_num(common, nan=0).astype(int)
    hover = [[_pair_hover(names[a], names[b], z[i, j] / 100, common[i, j], min_votes)
              for j, b in enumerate(codes)] for i, a in enumerate(codes)]
    small = len(codes) <= MAX_CELL_TEXT
    fig = go.Figure(go.Heatmap(
        z=z, zmin=0, zmax=100, colorscale=AGREE_COLOURSCALE, name="agreement",
        colorbar={"title": {"text": "Voted alike"}, "tickvals": [0, 25, 50, 75, 100],
                  "ticktext": ["0%", "25%", "50%", "75%", "100%"],
                  "thickness": 14, "len": 0.9},
        text=hover, hovertemplate="%{text}<extra></extra>", hoverongaps=True,
        texttemplate="%{z:.0f}%" if small else None, textfont={"size": 11},
        xgap=1 if small else 0, ygap=1 if small else 0,
    ))
    hatch_missing(fig, z)
    labels = [esc(names[c]) for c in codes]
    cell = 34 if small else max(6, min(16, 1600 // len(codes)))
    axis = {"tickvals": list(range(len(codes))), "ticktext": labels, "showgrid": False, "zeroline": False,
            "tickfont": {"size": 11 if small else max(6, min(10, cell - 4))}, "automargin": True}
    fig.update_layout(
        title={"text": f"How often each pair voted alike<br><sup>{subtitle}</sup>", "x": 0, "xanchor": "left"},
        xaxis={**axis, "tickangle": -60, "range": [-0.5, len(codes) - 0.5]},
        yaxis={**axis, "autorange": "reversed"},
        plot_bgcolor="white", height=cell * len(codes) + 320, hoverlabel={"align": "left"},
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.0, "yanchor": "bottom"},
        margin={"l": 10, "r": 40, "t": 90, "b": 10},
    )
    return fig


def pair_chart(by_year: pd.DataFrame, name_a: str, name_b: str, min_votes: int) -> go.Figure:
    """Agreement of two countries per year (line) above the number of common votes (bars).

    A year with fewer common votes than `min_votes` keeps its point but drawn hollow: one vote
    more or less would move it a lot. `by_year` comes from stance.queries.alignment.pair_by_year.
    """
    df = by_year
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.7, 0.3], vertical_spacing=0.06)
    thin = df["common"] < min_votes
    hover = [f"<b>{int(r.year)}</b>: voted alike on {r.score:g} of {_votes(int(r.common))} ({r.agree:.0%})"
             + (f"<br>fewer than {min_votes}: a rough figure" if r.common < min_votes else "")
             if r.common else f"<b>{int(r.year)}</b>: no common votes" for r in df.itertuples()]
    fig.add_trace(go.Scatter(
        x=df["year"], y=df["agree"] * 100, mode="lines+markers", name="Voted alike (%)", connectgaps=False,
        line={"color": LINE_COLOUR, "width": 2},
        marker={"size": 10, "color": LINE_COLOUR, "symbol": np.where(thin, "circle-open", "circle").tolist(),
                "line": {"width": 2, "color": LINE_COLOUR}},
        text=hover, hovertemplate="%{text}<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Bar(
        x=df["year"], y=df["common"], name="Common votes", marker={"color": BAR_COLOUR},
        text=[str(n) if n else "" for n in df["common"]], textposition="outside", cliponaxis=False,
        hovertemplate="<b>%{x}</b>: %{y} common votes<extra></extra>"), row=2, col=1)
    fig.update_layout(
        title={"text": f"{esc(name_a)} and {esc(name_b)}: how often they voted alike, by year<br>"
                       f"<sup>● at least {min_votes} common votes that year   ○ fewer (a rough figure)   "
                       "· gaps: no common vote</sup>", "x": 0, "xanchor": "left"},
        plot_bgcolor="white", height=470, showlegend=False, hoverlabel={"align": "left"},
        margin={"l": 10, "r": 10, "t": 80, "b": 10},
    )
    fig.update_yaxes(title={"text": "Voted alike"}, range=[-5, 105], ticksuffix="%", gridcolor="#eee",
                     tickvals=[0, 25, 50, 75, 100], row=1, col=1)
    top = max(int(df["common"].max()) if not df.empty else 1, 1)
    fig.update_yaxes(title={"text": "Common votes"}, gridcolor="#eee", range=[0, top * 1.35], row=2, col=1)
    fig.update_xaxes(tickformat="d", dtick=1 if len(df) <= 25 else 5, gridcolor="#eee")
    fig.update_xaxes(title={"text": "Year"}, row=2, col=1)
    return fig
