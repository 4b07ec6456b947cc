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

from stance.charts import mark_breaks
from stance.charts.heatmap import esc, hatch_missing, pivot

AGREE_COLOURSCALE = "YlGnBu"
LINE_COLOUR = "#0072B2"  # Okabe-Ito blue
BAR_COLOUR = "#bbbbbb"
MAX_CELL_TEXT = 30  # countries beyond which the percentages are left out of the cells


def _votes(n: int) -> str:
    return f"{n} common vote" + ("" if n == 1 else "s")


SHARES = ("agreement", "graded")  # measures that are shares (0..1, shown in %); the others run -1..1
MEASURE_COLOURSCALE = "RdBu"  # ColorBrewer diverging, centred on 0 (= chance, or S's midpoint)
MEASURE_NAMES = {"agreement": "agreement", "graded": "graded agreement", "s": "S", "kappa": "kappa", "pi": "pi"}


def _value_text(value: float, measure: str) -> str:
    if measure == "agreement":
        return f"voted alike on <b>{value:.0%}</b>"
    if measure in SHARES:
        return f"graded agreement <b>{value:.0%}</b>"
    return f"{MEASURE_NAMES.get(measure, measure)} <b>{value:+.2f}</b>"


def _pair_hover(a: str, b: str, agree: float, common: int, min_votes: int, measure: str = "agreement") -> str:
    if a == b:
        return f"<b>{esc(a)}</b><br>cast {common} vote{'' if common == 1 else 's'} in this view"
    head = f"<b>{esc(a)}</b> and <b>{esc(b)}</b>"
    if common == 0:
        return f"{head}<br>never voted on the same resolution"
    if np.isnan(agree):
        if common >= min_votes:
            return f"{head}<br>{_votes(common)}, but their votes do not vary: {measure} is undefined"
        return f"{head}<br>only {_votes(common)} (the minimum is {min_votes}): no figure"
    return f"{head}<br>{_value_text(agree, measure)} of {_votes(common)}" if measure in SHARES else \
        f"{head}<br>{_value_text(agree, measure)} on {_votes(common)}"


def _scale(measure: str) -> dict:
    """Heatmap colour settings: shares on the fixed 0-100 % scale, the others diverging on -1..1."""
    if measure in SHARES:
        title = "Voted alike" if measure == "agreement" else "Graded"
        return {"zmin": 0, "zmax": 100, "colorscale": AGREE_COLOURSCALE,
                "colorbar": {"title": {"text": title}, "tickvals": [0, 25, 50, 75, 100],
                             "ticktext": ["0%", "25%", "50%", "75%", "100%"], "thickness": 14, "len": 0.9}}
    return {"zmin": -1, "zmax": 1, "zmid": 0, "colorscale": MEASURE_COLOURSCALE,
            "colorbar": {"title": {"text": MEASURE_NAMES.get(measure, measure)}, "tickvals": [-1, -0.5, 0, 0.5, 1],
                         "thickness": 14, "len": 0.9}}


def agreement_heatmap(pairs: pd.DataFrame, order: Sequence[str], min_votes: int, subtitle: str = "",
                      measure: str = "agreement") -> go.Figure:
    """Countries x countries, cells = the measure (agreement in %), rows and columns in `order` (codes).

    `pairs` comes from stance.queries.alignment.agreement or stance.queries.measures.matrix
    (column `agree` holds the value); labels are country names.
    """
    codes = list(order)
    share = measure in SHARES
    names = dict(zip(pairs["actor"], pairs["actor_name"], strict=False))
    z = pivot(pairs, codes, codes, "actor", "other", "agree") * (100 if share else 1)
    common = pivot(pairs, codes, codes, "actor", "other", "common")
    common = np.nan_to_num(common, nan=0).astype(int)
    hover = [[_pair_hover(names[a], names[b], z[i, j] / (100 if share else 1), common[i, j], min_votes, measure)
              for j, b in enumerate(codes)] for i, a in enumerate(codes)]
    small = len(codes) <= MAX_CELL_TEXT
    fig = go.Figure(go.Heatmap(
        z=z, name=measure, **_scale(measure),
        text=hover, hovertemplate="%{text}<extra></extra>", hoverongaps=True,
        texttemplate=("%{z:.0f}%" if share else "%{z:.2f}") if small else None, textfont={"size": 11},
        xgap=1 if small else 0, ygap=1 if small else 0,
    ))
    hatch_missing(fig, z)
    labels = [esc(names[c]) for c in codes]
    cell = 34 if small else max(6, min(16, 1600 // len(codes)))
    axis = {"tickvals": list(range(len(codes))), "ticktext": labels, "showgrid": False, "zeroline": False,
            "tickfont": {"size": 11 if small else max(6, min(10, cell - 4))}, "automargin": True}
    fig.update_layout(
        title={"text": ("How often each pair voted alike" if measure == "agreement" else
                        f"How alike each pair voted: {MEASURE_NAMES.get(measure, measure)}")
               + "".join(f"<br><sup>{line}</sup>" for line in subtitle.split("<br>")), "x": 0, "xanchor": "left"},
        xaxis={**axis, "tickangle": -60, "range": [-0.5, len(codes) - 0.5]},
        yaxis={**axis, "autorange": "reversed"},
        plot_bgcolor="white", height=cell * len(codes) + 320, hoverlabel={"align": "left"},
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.0, "yanchor": "bottom"},
        margin={"l": 10, "r": 40, "t": 110, "b": 10},
    )
    return fig


def _year_hover(r, measure: str) -> str:
    if not r.common:
        return f"<b>{int(r.year)}</b>: no common votes"
    if measure == "agreement":
        return f"<b>{int(r.year)}</b>: voted alike on {r.score:g} of {_votes(int(r.common))} ({r.agree:.0%})"
    if np.isnan(r.agree):
        return f"<b>{int(r.year)}</b>: {_votes(int(r.common))}, votes do not vary: {measure} undefined"
    return f"<b>{int(r.year)}</b>: {_value_text(r.agree, measure)} on {_votes(int(r.common))}"


def pair_chart(by_year: pd.DataFrame, name_a: str, name_b: str, min_votes: int, measure: str = "agreement",
               rule: str = "", breaks: Sequence[tuple[str, str, str]] = ()) -> go.Figure:
    """A measure for two countries per year (line) above the number of common votes (bars).

    A year with fewer common votes than `min_votes` keeps its point but drawn hollow: one vote
    more or less would move it a lot. `by_year` has year, agree (the value), common and, for
    agreement, score (votes alike): stance.queries.alignment.pair_by_year gives it.
    """
    df = by_year
    share = measure in SHARES
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.7, 0.3], vertical_spacing=0.06)
    thin = df["common"] < min_votes
    hover = [_year_hover(r, measure) + (f"<br>fewer than {min_votes}: a rough figure"
                                         if 0 < r.common < min_votes else "") for r in df.itertuples()]
    fig.add_trace(go.Scatter(
        x=df["year"], y=df["agree"] * (100 if share else 1), mode="lines+markers",
        name="Voted alike (%)" if share else MEASURE_NAMES.get(measure, measure), connectgaps=False,
        line={"color": LINE_COLOUR, "width": 2},
        marker={"size": 10, "color": LINE_COLOUR, "symbol": np.where(thin, "circle-open", "circle").tolist(),
                "line": {"width": 2, "color": LINE_COLOUR}},
        text=hover, hovertemplate="%{text}<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Bar(
        x=df["year"], y=df["common"], name="Common votes", marker={"color": BAR_COLOUR},
        text=[str(n) if n else "" for n in df["common"]], textposition="outside", cliponaxis=False,
        hovertemplate="<b>%{x}</b>: %{y} common votes<extra></extra>"), row=2, col=1)
    fig.update_layout(
        title={"text": f"{esc(name_a)} and {esc(name_b)}: "
                       + ("how often they voted alike" if measure == "agreement"
                          else MEASURE_NAMES.get(measure, measure)) + ", by year<br>"
                       f"<sup>● at least {min_votes} common votes that year   ○ fewer (a rough figure)   "
                       "· gaps: no common vote" + (f"<br>{esc(rule)}" if rule else "") + "</sup>",
               "x": 0, "xanchor": "left"},
        plot_bgcolor="white", height=490 if rule else 470, showlegend=False, hoverlabel={"align": "left"},
        margin={"l": 10, "r": 10, "t": 100 if rule else 80, "b": 10},
    )
    if share:
        fig.update_yaxes(title={"text": "Voted alike" if measure == "agreement" else "Graded agreement"},
                         range=[-5, 105], ticksuffix="%", gridcolor="#eee", tickvals=[0, 25, 50, 75, 100],
                         row=1, col=1)
    else:
        fig.update_yaxes(title={"text": MEASURE_NAMES.get(measure, measure)}, range=[-1.05, 1.05], gridcolor="#eee",
                         tickvals=[-1, -0.5, 0, 0.5, 1], zeroline=True, zerolinecolor="#999", row=1, col=1)
    top = max(int(df["common"].max()) if not df.empty else 1, 1)
    fig.update_yaxes(title={"text": "Common votes"}, gridcolor="#eee", range=[0, top * 1.35], row=2, col=1)
    fig.update_xaxes(tickformat="d", dtick=1 if len(df) <= 25 else 5, gridcolor="#eee")
    fig.update_xaxes(title={"text": "Year"}, row=2, col=1)
    mark_breaks(fig, breaks)
    return fig


def moved_chart(moved: pd.DataFrame, name: str, measure: str, before: str, after: str) -> go.Figure:
    """Who moved: each state's figure with `name` in the first window (hollow) and the second (filled),
    joined by a line, largest change on top. `moved` comes from stance.queries.measures.who_moved."""
    df = moved.dropna(subset=["change"]).iloc[::-1]
    share = measure in SHARES
    k = 100 if share else 1
    fig = go.Figure()
    for _, r in df.iterrows():
        fig.add_trace(go.Scatter(x=[r["before"] * k, r["after"] * k], y=[r["name"], r["name"]], mode="lines",
                                 line={"color": "#bbbbbb", "width": 3}, hoverinfo="skip", showlegend=False))
    for label, col, symbol in ((before, "before", "circle-open"), (after, "after", "circle")):
        hover = [f"<b>{esc(r['name'])}</b> {label}: {_value_text(r[col], measure)} on {_votes(int(r['n_' + col]))}"
                 for _, r in df.iterrows()]
        fig.add_trace(go.Scatter(x=df[col] * k, y=df["name"], mode="markers", name=label,
                                 marker={"size": 11, "symbol": symbol, "color": LINE_COLOUR,
                                         "line": {"width": 2, "color": LINE_COLOUR}},
                                 text=hover, hovertemplate="%{text}<extra></extra>"))
    fig.update_layout(
        title={"text": f"Who moved relative to {esc(name)}: {MEASURE_NAMES.get(measure, measure)}, "
                       f"{esc(before)} (○) against {esc(after)} (●)", "x": 0, "xanchor": "left"},
        plot_bgcolor="white", height=max(260, 26 * len(df) + 140), hoverlabel={"align": "left"},
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.0, "yanchor": "bottom"},
        margin={"l": 10, "r": 10, "t": 70, "b": 10})
    fig.update_xaxes(range=[-5, 105] if share else [-1.05, 1.05], ticksuffix="%" if share else "",
                     gridcolor="#eee", title={"text": MEASURE_NAMES.get(measure, measure)})
    fig.update_yaxes(automargin=True)
    return fig
