"""Relations between two countries per month, from machine-coded news events (GDELT).

Two panels on one time axis: the mean Goldstein score (a line, -10 conflict to +10 cooperation)
above, and the number of events stacked by QuadClass below. Months inside the span with no
events are drawn as gaps in the line and empty bars, never joined over.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

# QuadClass: cooperation in blues, conflict in orange and vermilion (Okabe-Ito), verbal paler.
QUADS = (
    ("quad1", "Verbal cooperation", "#56B4E9"),
    ("quad2", "Material cooperation", "#0072B2"),
    ("quad3", "Verbal conflict", "#E69F00"),
    ("quad4", "Material conflict", "#D55E00"),
)
LINE_COLOUR = "#000000"
CAVEAT = "Machine-coded news events (GDELT), not verified facts"


def esc(text: object) -> str:
    """Actor names come from data files, and plotly renders a little HTML: escape them."""
    return html.escape(str(text), quote=False)


def complete_months(monthly: pd.DataFrame) -> pd.DataFrame:
    """Every month from the first to the last with events: the missing ones with 0 events and no
    mean, so the line breaks there instead of joining two distant months."""
    if monthly.empty:
        return monthly.assign(date=pd.Series(dtype="datetime64[ns]"))
    dates = pd.to_datetime(monthly["month"] + "-01")
    every = pd.date_range(dates.min(), dates.max(), freq="MS")
    df = monthly.assign(date=dates).set_index("date").reindex(every)
    df.index.name = "date"
    for column in ("events", "quad1", "quad2", "quad3", "quad4"):
        df[column] = df[column].fillna(0).astype(int)
    df["month"] = df.index.strftime("%Y-%m")
    return df.reset_index()


def relations_chart(monthly: pd.DataFrame, a_name: str, b_name: str, direction: str = "both") -> go.Figure:
    """`monthly` as relations_monthly returns it; `direction` is "both", "a->b" or "b->a"."""
    df = complete_months(monthly)
    arrow = {"both": "and", "a->b": "→", "b->a": "←"}.get(direction, "and")
    pair = f"{esc(a_name)} {arrow} {esc(b_name)}"
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.42, 0.58])
    hover_line = [f"<b>{d:%b %Y}</b><br>Mean Goldstein {g:+.1f} over {n} event(s)" if n else
                  f"<b>{d:%b %Y}</b><br>No events" for d, g, n in zip(df["date"], df["mean_goldstein"], df["events"],
                                                                       strict=True)]
    fig.add_trace(go.Scatter(
        x=df["date"], y=df["mean_goldstein"], name="Mean Goldstein score", mode="lines+markers",
        line={"color": LINE_COLOUR, "width": 2}, marker={"size": 7}, connectgaps=False,
        hovertext=hover_line, hoverinfo="text", showlegend=False), row=1, col=1)
    for column, label, colour in QUADS:
        hover = [f"<b>{d:%b %Y}</b><br>{n} {label.lower()} event(s) of {total}"
                 for d, n, total in zip(df["date"], df[column], df["events"], strict=True)]
        fig.add_trace(go.Bar(x=df["date"], y=df[column], name=label, marker={"color": colour},
                             hovertext=hover, hoverinfo="text"), row=2, col=1)
    fig.add_hline(y=0, line={"color": "#999", "width": 1}, row=1, col=1)
    fig.add_annotation(text="more cooperative ↑", xref="x domain", yref="y domain", x=0.0, y=1.0,
                       showarrow=False, xanchor="left", yanchor="top", font={"size": 11, "color": "#555"})
    fig.add_annotation(text="more conflictual ↓", xref="x domain", yref="y domain", x=0.0, y=0.0,
                       showarrow=False, xanchor="left", yanchor="bottom", font={"size": 11, "color": "#555"})
    fig.update_layout(
        title={"text": f"{pair}: events per month<br><sup>{CAVEAT}. "
                       "Goldstein score: -10 most conflictual to +10 most cooperative.</sup>"},
        barmode="stack", bargap=0.15, plot_bgcolor="white", height=620, hoverlabel={"align": "left"},
        legend={"title": {"text": "Events by kind (QuadClass)"}, "orientation": "h", "yanchor": "bottom",
                "y": 0.50, "x": 0, "traceorder": "normal"},
        margin={"l": 10, "r": 10, "t": 90, "b": 10},
    )
    fig.update_yaxes(title_text="Mean Goldstein score", range=[-10.5, 10.5], tickvals=[-10, -5, 0, 5, 10],
                     gridcolor="#eee", zeroline=False, row=1, col=1)
    few = int(df["events"].max()) <= 10 if len(df) else True  # whole events: no 0.5 ticks
    fig.update_yaxes(title_text="Events", gridcolor="#eee", rangemode="tozero", tickformat=",d",
                     dtick=1 if few else None, row=2, col=1)
    fig.update_xaxes(gridcolor="#eee", tickformat="%b %Y", row=1, col=1)
    fig.update_xaxes(gridcolor="#eee", tickformat="%b %Y", title_text="Month", row=2, col=1)
    return fig
