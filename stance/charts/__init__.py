"""DataFrames in, plotly figures out. No Streamlit here, so every chart is testable on its own."""

from __future__ import annotations

import html
import textwrap

import pandas as pd
import plotly.graph_objects as go

from stance.model import STANCE_LABELS, stance_text

# Okabe-Ito: told apart by readers with the common colour-vision deficiencies.
ACTOR_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
MARKERS = {"statement": "circle", "vote": "diamond"}
KIND_LABELS = {"statement": "statement", "vote": "UN vote"}
LABEL_GAP_DAYS = 200
MAX_EVENT_LABELS = 30
JITTER = 0.07  # vertical offset between actors, so fifteen identical votes do not hide each other


def _wrap(text: object, width: int = 70, max_lines: int = 6) -> str:
    """Escaped, then wrapped: plotly reads hover text as HTML, and a quote is text."""
    if not isinstance(text, str) or not text:
        return ""
    lines = textwrap.wrap(text, width)
    if len(lines) > max_lines:
        lines = lines[:max_lines] + ["…"]
    return "<br>".join(html.escape(line) for line in lines)


def _hover_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The columns the hover box shows, in the order customdata indexes them."""
    return pd.DataFrame({
        "actor": df["actor_name"].map(html.escape),
        "date": df["date"],
        "kind": df["kind"].map(KIND_LABELS),
        "stance": df["stance"].map(stance_text),
        "speaker": df["speaker"].fillna("").map(lambda s: f"<br><i>{html.escape(s)}</i>" if s else ""),
        "text": df["text"].map(_wrap),
        "source": df["source_title"].fillna(df["source_url"]).fillna("").map(lambda s: _wrap(s, 70, 2)),
    })


HOVER = ("<b>%{customdata[0]}</b> · %{customdata[1]} · %{customdata[2]}<br>"
         "<b>%{customdata[3]}</b>%{customdata[4]}<br>%{customdata[5]}<br>"
         "<span style='color:#666'>Source: %{customdata[6]}</span><extra></extra>")


def timeline(points: pd.DataFrame, title: str, events: pd.DataFrame | None = None,
             actor_order: list[str] | None = None) -> go.Figure:
    """Stance over time: one trace per actor, circles for statements, diamonds for votes.

    A step line joins an actor's points: a stance holds until the actor says or votes otherwise.
    """
    fig = go.Figure()
    order = actor_order or list(dict.fromkeys(points["actor"]))
    offsets = {code: (i - (len(order) - 1) / 2) * JITTER for i, code in enumerate(order)}
    for i, code in enumerate(order):
        df = points[points["actor"] == code]
        if df.empty:
            continue
        colour = ACTOR_COLOURS[i % len(ACTOR_COLOURS)]
        fig.add_trace(go.Scatter(
            x=df["day"], y=df["stance"] + offsets[code], name=html.escape(df["actor_name"].iloc[0]),
            mode="lines+markers", line={"shape": "hv", "width": 1.2, "color": colour, "dash": "dot"},
            marker={"symbol": df["kind"].map(MARKERS).tolist(), "size": 11, "color": colour,
                    "line": {"width": 1, "color": "white"}},
            customdata=_hover_frame(df).to_numpy(), hovertemplate=HOVER, meta=code,
        ))
    if events is not None and not events.empty:
        _mark_events(fig, events)
    fig.update_layout(
        title={"text": f"{html.escape(title)}<br><sup>● statement   ◆ UN vote (a yes counts as support)   "
                       "· points of different actors are spread slightly apart</sup>"},
        yaxis={"title": "Stance", "tickvals": list(STANCE_LABELS),
               "ticktext": [label.capitalize() for label in STANCE_LABELS.values()],
               "range": [-2.6, 2.6], "zeroline": True, "zerolinecolor": "#bbb", "gridcolor": "#eee"},
        xaxis={"title": "Date", "tickformat": "%b %Y", "gridcolor": "#eee"},
        legend={"title": {"text": "Actor"}, "orientation": "h", "yanchor": "top", "y": -0.18, "x": 0},
        hoverlabel={"align": "left"}, plot_bgcolor="white", height=560,
        margin={"l": 10, "r": 10, "t": 80, "b": 10},
    )
    return fig


def _mark_events(fig: go.Figure, events: pd.DataFrame) -> None:
    """A thin vertical line per resolution; failed drafts in red, so vetoes stand out.

    Labels of resolutions close in time step down the chart instead of printing over each other;
    with more than MAX_EVENT_LABELS events only failed drafts are labelled. Shapes are set in one
    layout update: add_vline per event copies every earlier shape, which took minutes for 336.
    """
    label_all = len(events) <= MAX_EVENT_LABELS
    shapes, notes = [], []
    level, previous = 0, None
    for ev in events.sort_values("date").itertuples(index=False):
        failed = ev.adopted == 0  # NULL: the dataset does not say
        colour = "#c0392b" if failed else "#999"
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": ev.date, "x1": ev.date, "y0": 0,
                       "y1": 1, "line": {"width": 1, "dash": "dash" if failed else "dot", "color": colour}})
        if not (label_all or failed):
            continue
        close = previous is not None and (ev.date - previous).days < LABEL_GAP_DAYS
        level = (level + 1) % 4 if close else 0
        previous = ev.date
        label = str(ev.id).replace("S/RES/", "").split(" (")[0]
        notes.append({"x": ev.date, "y": 1.0 - 0.1 * level, "yref": "paper", "text": label + (" ✗" if failed else ""),
                      "showarrow": False, "textangle": -90, "xanchor": "right", "yanchor": "top",
                      "font": {"size": 9, "color": "#c0392b" if failed else "#777"}})
    fig.update_layout(shapes=list(fig.layout.shapes) + shapes, annotations=list(fig.layout.annotations) + notes)
