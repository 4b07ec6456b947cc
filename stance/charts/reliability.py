"""Reliability figures: alpha with its interval against Krippendorff's thresholds, alpha as coding
proceeds, and a pair's confusion table. DataFrames in (stance.reliability), plotly figures out."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from stance.charts.heatmap import esc
from stance.reliability import RELY, TENTATIVE

ORDINAL_COLOUR = "#2c7bb6"
SIGN_COLOUR = "#d95f02"


def _thresholds(fig: go.Figure, axis: str) -> None:
    """Dashed lines at .800 (rely) and .667 (tentative), labelled on the line itself."""
    for value, text, where in ((RELY, "rely (.800)", "top right"), (TENTATIVE, "tentative (.667)", "top left")):
        if axis == "x":
            fig.add_vline(x=value, line_dash="dash", line_color="#777", annotation_text=text,
                          annotation_position=where)
        else:
            fig.add_hline(y=value, line_dash="dash", line_color="#777", annotation_text=text,
                          annotation_position="bottom right")


def _clip(value: float) -> float | None:
    return None if value is None or math.isnan(value) else value


def alpha_chart(report: pd.DataFrame) -> go.Figure:
    """One row per scope (overall, each issue, each pair): ordinal alpha and sign alpha as dots with
    their 95 % bootstrap intervals, thresholds as dashed lines."""
    labels = [f"{esc(label)} (n={n})" if scope != "overall" else f"<b>All units</b> (n={n})"
              for scope, label, n in zip(report["scope"], report["label"], report["units"], strict=True)]
    fig = go.Figure()
    for column, low, high, name, colour, shift in (
            ("alpha_ordinal", "ordinal_low", "ordinal_high", "ordinal, -2..+2", ORDINAL_COLOUR, -0.12),
            ("alpha_sign", "sign_low", "sign_high", "nominal, on the sign", SIGN_COLOUR, 0.12)):
        values = [_clip(v) for v in report[column]]
        plus = [None if v is None or _clip(h) is None else h - v for v, h in zip(values, report[high], strict=True)]
        minus = [None if v is None or _clip(lo) is None else v - lo for v, lo in zip(values, report[low], strict=True)]
        fig.add_trace(go.Scatter(
            x=values, y=[i + shift for i in range(len(labels))], mode="markers", name=name,
            marker={"color": colour, "size": 11, "symbol": "circle" if shift < 0 else "diamond"},
            error_x={"type": "data", "array": plus, "arrayminus": minus, "color": colour, "thickness": 2},
            customdata=[[esc(lab), lo, hi] for lab, lo, hi in zip(labels, report[low], report[high], strict=True)],
            hovertemplate="%{customdata[0]}<br>alpha %{x:.3f}<br>95% interval [%{customdata[1]:.3f}, "
                          "%{customdata[2]:.3f}]<extra>" + name + "</extra>"))
    _thresholds(fig, "x")
    low = min([0.0] + [v for v in report[["ordinal_low", "sign_low"]].to_numpy().ravel() if not math.isnan(v)])
    fig.update_layout(
        xaxis={"title": "Krippendorff's alpha", "range": [max(low, -1.0) - 0.05, 1.02]},
        yaxis={"tickvals": list(range(len(labels))), "ticktext": labels, "autorange": "reversed"},
        height=140 + 42 * len(labels), margin={"l": 10, "r": 10, "t": 40, "b": 40},
        legend={"orientation": "h", "y": 1.08, "x": 0})
    return fig


def over_time_chart(df: pd.DataFrame) -> go.Figure:
    """Alpha over all units coded so far, as the second codings accumulate."""
    fig = go.Figure()
    for column, name, colour in (("alpha_ordinal", "ordinal, -2..+2", ORDINAL_COLOUR),
                                 ("alpha_sign", "nominal, on the sign", SIGN_COLOUR)):
        fig.add_trace(go.Scatter(x=df["units"], y=df[column], mode="lines+markers", name=name,
                                 line={"color": colour}, customdata=df["coded_at"],
                                 hovertemplate="after %{x} units (to %{customdata})<br>alpha %{y:.3f}<extra></extra>"))
    _thresholds(fig, "y")
    fig.update_layout(xaxis={"title": "Units coded twice so far"}, yaxis={"title": "alpha", "range": [-0.05, 1.05]},
                      height=320, margin={"l": 10, "r": 10, "t": 30, "b": 40},
                      legend={"orientation": "h", "y": 1.12, "x": 0})
    return fig


def confusion_chart(table: pd.DataFrame, first: str, second: str) -> go.Figure:
    """Counts of (first value, second value); the diagonal is agreement."""
    ticks = [f"{v:+d}" if v else "0" for v in table.columns]
    fig = go.Figure(go.Heatmap(
        z=table.to_numpy(), x=ticks, y=ticks, colorscale="Blues", showscale=False,
        text=table.to_numpy(), texttemplate="%{text}",
        hovertemplate=f"{esc(first)}: %{{y}}<br>{esc(second)}: %{{x}}<br>%{{z}} unit(s)<extra></extra>"))
    fig.update_layout(xaxis={"title": f"{esc(second)} (second)", "side": "bottom", "type": "category"},
                      yaxis={"title": f"{esc(first)} (first)", "autorange": "reversed", "type": "category"},
                      height=300, width=340, margin={"l": 10, "r": 10, "t": 10, "b": 40})
    return fig
