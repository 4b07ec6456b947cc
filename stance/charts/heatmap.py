"""Heat maps of stance: actors x issues, and actors x time on one issue.

The colour scale is the Map's (stance.charts.colours): red (oppose) through pale yellow (neutral)
to blue (support), ColorBrewer RdYlBu, distinct under the common colour-vision deficiencies. The
range is fixed at -2..+2 so that colours mean the same in every view.
A cell without data is left empty (NaN) and drawn hatched grey, so it can never pass for neutral.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from stance.charts.colours import stance_colourscale
from stance.model import STANCE_LABELS, format_date, stance_label
from stance.model import stance_text as whole_stance_text

STANCE_COLOURSCALE = stance_colourscale()
STANCE_COLOURBAR = {
    "title": {"text": "Stance"}, "tickvals": list(STANCE_LABELS),
    "ticktext": [f"{label.capitalize()} ({value:+d})" if value else f"{label.capitalize()} (0)"
                 for value, label in STANCE_LABELS.items()],
    "thickness": 14, "len": 0.9,
}
HATCH = {"shape": "/", "fgcolor": "#9e9e9e", "bgcolor": "#ececec", "size": 7, "solidity": 0.25}
NO_DATA = "No data"
MAX_CELL_TEXT = 40  # columns beyond which the numbers in the cells are left out (they would not fit)


def pivot(cells: pd.DataFrame, rows: Sequence[str], cols: Sequence[str], row: str, col: str,
          value: str) -> np.ndarray:
    """A rows x cols float array of `value` from long-form cells; NaN where there is no cell."""
    if cells.empty:
        return np.full((len(rows), len(cols)), np.nan)
    wide = cells.pivot_table(index=row, columns=col, values=value, aggfunc="first")
    return wide.reindex(index=list(rows), columns=list(cols)).to_numpy(dtype=float)


def hatch_missing(fig: go.Figure, z: np.ndarray, inset: float = 0.04, merge_runs: bool = False) -> None:
    """Cover every NaN cell of a heat map drawn at integer positions with a hatched grey patch.

    Drawn as one filled scatter of rectangles (heat maps cannot carry a pattern) that ignores
    hover, so the cell's own hover ("No statement or vote") still shows. With `merge_runs`, a run
    of empty cells in a row is one rectangle: a thin monthly grid then reads as bands, not stripes.
    """
    xs: list[float | None] = []
    ys: list[float | None] = []
    for i, row in enumerate(np.isnan(z)):
        j = 0
        while j < len(row):
            if not row[j]:
                j += 1
                continue
            start = j
            j += 1
            while merge_runs and j < len(row) and row[j]:
                j += 1
            x0, x1, y0, y1 = start - 0.5 + inset, j - 0.5 - inset, i - 0.5 + inset, i + 0.5 - inset
            xs += [x0, x1, x1, x0, x0, None]
            ys += [y0, y0, y1, y1, y0, None]
    fig.add_trace(go.Scatter(
        x=xs or [None], y=ys or [None], mode="lines", fill="toself", fillpattern=HATCH,
        line={"width": 0, "color": "rgba(0,0,0,0)"}, name=NO_DATA, hoverinfo="skip", showlegend=bool(xs),
    ))


def esc(text: object) -> str:
    """Names and titles come from data files: plotly renders a little HTML, so escape them."""
    return html.escape(str(text), quote=False)


def wrap_label(text: str, width: int = 22, max_lines: int = 3) -> str:
    lines = [esc(line) for line in textwrap.wrap(str(text), width)] or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines - 1] + [lines[max_lines - 1] + "…"]
    return "<br>".join(lines)


def stance_text(value: float) -> str:
    """'+1 support' for a whole number, '+0.8 (≈ support)' for a mean, and for a mean exactly
    halfway '-1.5 (between oppose and strongly oppose)' rather than a rounding's arbitrary pick."""
    value = float(value)
    if value.is_integer():
        return whole_stance_text(int(value))
    if abs(value * 2 - round(value * 2)) < 1e-9 and abs(value) < 2:
        low, high = int(np.floor(value)), int(np.ceil(value))
        near, far = (high, low) if value > 0 else (low, high)
        return f"{value:+.1f} (between {STANCE_LABELS[far]} and {STANCE_LABELS[near]})"
    return f"{value:+.1f} (≈ {stance_label(value)})"


def _points(n: int) -> str:
    return f"{n} point" + ("" if n == 1 else "s")


def _cell_hover(row: Mapping[str, object] | None, actor: str, where: str, mode: str, when: str) -> str:
    """What a cell's hover box says; the counts tell how much evidence the colour rests on."""
    head = f"<b>{esc(actor)}</b> · {esc(where)}"
    if row is None:
        return f"{head}<br>No statement or vote {'up to' if mode == 'asof' else 'in'} {when}"
    value = stance_text(float(row["stance"]))
    if mode == "asof":
        return (f"{head}<br>Latest stance as of {when}: <b>{value}</b><br>"
                f"from {_points(int(row['points']))} on {format_date(row['last_day'])} "
                f"({_points(int(row['total']))} up to then)")
    first, last = format_date(row["first_day"]), format_date(row["last_day"])
    span = first if first == last else f"{first} to {last}"
    return f"{head}<br>Mean stance {when}: <b>{value}</b><br>from {_points(int(row['points']))}, {span}"


def _stance_trace(z: np.ndarray, hover: list[list[str]], show_numbers: bool) -> go.Heatmap:
    return go.Heatmap(
        z=z, zmin=-2, zmax=2, zmid=0, colorscale=STANCE_COLOURSCALE, colorbar=STANCE_COLOURBAR,
        text=hover, hovertemplate="%{text}<extra></extra>", hoverongaps=True, xgap=2, ygap=2,
        texttemplate="%{z:+.1f}" if show_numbers else None, textfont={"size": 12}, name="stance",
    )


def _layout(fig: go.Figure, title: str, subtitle: str, row_names: Sequence[str], height: int) -> None:
    fig.update_layout(
        title={"text": f"{title}<br><sup>{subtitle}</sup>", "x": 0, "xanchor": "left"},
        yaxis={"tickvals": list(range(len(row_names))), "ticktext": [esc(n) for n in row_names],
               "autorange": "reversed", "showgrid": False, "zeroline": False, "title": None},
        plot_bgcolor="white", height=height, hoverlabel={"align": "left"},
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.0, "yanchor": "bottom"},
        margin={"l": 10, "r": 40, "t": 100, "b": 10},
    )


def issue_heatmap(cells: pd.DataFrame, actors: Mapping[str, str], issues: Mapping[str, str], mode: str,
                  when: str) -> go.Figure:
    """Actors (rows, by name, in the given order) x issues (columns): one stance per cell.

    `cells` comes from stance.queries.compare.latest_as_of (mode "asof") or mean_over ("mean");
    `when` says which date or years, for the title and hover ("2017-12-31", "2006-2024").
    """
    codes, slugs = list(actors), list(issues)
    z = pivot(cells, codes, slugs, "actor", "issue", "stance")
    by_key = {(r["actor"], r["issue"]): r for r in cells.to_dict("records")}
    hover = [[_cell_hover(by_key.get((a, s)), actors[a], issues[s], mode, when) for s in slugs]
             for a in codes]
    fig = go.Figure(_stance_trace(z, hover, len(slugs) <= MAX_CELL_TEXT))
    hatch_missing(fig, z)
    what = f"Latest stance as of {when}" if mode == "asof" else f"Mean stance, {when}"
    _layout(fig, f"{what}: actors by issue", "Statements and UN votes both count · hatched grey = no data, "
            "not neutral · hover a cell for how many points it rests on", [actors[a] for a in codes],
            height=max(320, 44 * len(codes) + 190))
    fig.update_xaxes(tickvals=list(range(len(slugs))), ticktext=[wrap_label(issues[s]) for s in slugs],
                     showgrid=False, zeroline=False, title=None, range=[-0.5, len(slugs) - 0.5])
    return fig


def period_label(key: str) -> str:
    """'2017' stays '2017'; '2017-03' becomes 'Mar 2017'."""
    return key if len(key) == 4 else pd.Timestamp(f"{key}-01").strftime("%b %Y")


def _time_ticks(periods: Sequence[str], max_ticks: int = 20) -> tuple[list[int], list[str]]:
    """Tick positions: every year's first period, thinned to at most `max_ticks`, labelled by year."""
    starts = [i for i, p in enumerate(periods) if len(p) == 4 or p.endswith("-01")]
    step = max(1, -(-len(starts) // max_ticks))
    chosen = starts[::step]
    return chosen, [periods[i][:4] for i in chosen]


def time_heatmap(cells: pd.DataFrame, actors: Mapping[str, str], periods: Sequence[str], issue_title: str,
                 period: str) -> go.Figure:
    """Actors (rows) x months or years (columns) on one issue: the mean stance in each period.

    `cells` comes from stance.queries.compare.by_period; `periods` lists every column, including
    empty ones, so the time axis is even and gaps show as hatched cells.
    """
    codes = list(actors)
    z = pivot(cells, codes, periods, "actor", "period", "stance")
    by_key = {(r["actor"], r["period"]): r for r in cells.to_dict("records")}
    hover = []
    for a in codes:
        line = []
        for p in periods:
            r = by_key.get((a, p))
            head = f"<b>{esc(actors[a])}</b> · {period_label(p)}"
            line.append(f"{head}<br>No statement or vote" if r is None else
                        f"{head}<br>Mean stance: <b>{stance_text(float(r['stance']))}</b><br>"
                        f"from {_points(int(r['points']))}")
        hover.append(line)
    fig = go.Figure(_stance_trace(z, hover, len(periods) <= MAX_CELL_TEXT // 2))
    hatch_missing(fig, z, merge_runs=period == "month")
    _layout(fig, f"{esc(issue_title)}: mean stance by {period}",
            "Statements and UN votes both count · hatched grey = no data, not neutral", [actors[a] for a in codes],
            height=max(300, 40 * len(codes) + 170))
    tickvals, ticktext = _time_ticks(periods)
    fig.update_xaxes(tickvals=tickvals, ticktext=ticktext, showgrid=False, zeroline=False,
                     title={"text": "Year" if period == "year" else "Month (ticks at January)"},
                     range=[-0.5, len(periods) - 0.5])
    return fig
