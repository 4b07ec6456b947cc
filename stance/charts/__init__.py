"""DataFrames in, plotly figures out. No Streamlit here, so every chart is testable on its own."""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from stance.charts.colours import actor_colours
from stance.model import STANCE_LABELS, format_date, stance_text

MARKERS = {"statement": "circle", "vote": "diamond"}
KIND_LABELS = {"statement": "statement", "vote": "UN vote"}
LABEL_ROOM = 0.02  # share of the x-axis a vertical resolution label needs to itself (~19 px of 950)
MAX_LINE_GAP_DAYS = 366  # a line joins two points at most this far apart
MAX_EVENT_LABELS = 30
MAX_EVENT_LINES = 80  # more resolutions than this in view: no line per resolution (a grey wall otherwise)
JITTER = 0.07  # vertical offset between actors, so fifteen identical votes do not hide each other
KEY_COLUMN = 7  # customdata[KEY_COLUMN] of every timeline point is its record key (see record_keys)


def record_keys(points: pd.DataFrame) -> pd.Series:
    """One key per stance point, `kind|ref|actor`: unique (a statement's id; a vote's resolution
    and voter), and carried by the drawn point itself, so a click is never mapped back to a row
    through a trace number and a position that depend on how the frame was sorted or split."""
    ref = points["ref"].astype(str) if "ref" in points else ""  # a frame built by hand may lack it: no clicks
    return points["kind"].astype(str) + "|" + ref + "|" + points["actor"].astype(str)


def _wrap(text: object, width: int = 70, max_lines: int = 6) -> str:
    """Escaped, then wrapped: plotly reads hover text as HTML, and a quote is text."""
    if not isinstance(text, str) or not text:
        return ""
    lines = textwrap.wrap(text, width)
    if len(lines) > max_lines:
        lines = lines[:max_lines] + ["…"]
    return "<br>".join(html.escape(line) for line in lines)


def _hover_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The columns the hover box shows, in the order customdata indexes them, then the record key."""
    precision = df["date_precision"] if "date_precision" in df else pd.Series("day", index=df.index)
    return pd.DataFrame({
        "actor": df["actor_name"].map(html.escape),
        "date": [format_date(d, p) for d, p in zip(df["date"], precision, strict=True)],
        "kind": df["kind"].map(KIND_LABELS),
        "stance": df["stance"].map(stance_text),
        "speaker": df["speaker"].fillna("").map(lambda s: f"<br><i>{html.escape(s)}</i>" if s else ""),
        "text": df["text"].map(_wrap),
        "source": df["source_title"].fillna(df["source_url"]).fillna("").map(lambda s: _wrap(s, 70, 2)),
        "key": record_keys(df),
    })


HOVER = ("<b>%{customdata[0]}</b> · %{customdata[1]} · %{customdata[2]}<br>"
         "<b>%{customdata[3]}</b>%{customdata[4]}<br>%{customdata[5]}<br>"
         "<span style='color:#666'>Source: %{customdata[6]}</span><extra></extra>")


def timeline(points: pd.DataFrame, title: str, events: pd.DataFrame | None = None,
             actor_order: list[str] | None = None, years: tuple[int, int] | None = None,
             yearly: pd.DataFrame | None = None) -> go.Figure:
    """Stance over time: one trace of markers per actor, circles for statements, diamonds for votes.

    Traces, in this order (the click handling counts on it): the markers of each actor with points,
    in `actor_order`; then each actor's line; then, when `yearly` (queries.vote_years) is given, each
    actor's votes summed up per year. A line joins two points only when they lie at most
    MAX_LINE_GAP_DAYS apart, as a step (a stance holds until the next point): over a longer gap
    there is no line, because there is no evidence there. `years` fixes the x-axis to the range.
    """
    fig = go.Figure()
    order = actor_order or list(dict.fromkeys(points["actor"]))
    colours = actor_colours(order)
    offsets = {code: (i - (len(order) - 1) / 2) * JITTER for i, code in enumerate(order)}
    for code in order:
        df = points[points["actor"] == code]
        if df.empty:
            continue
        fig.add_trace(go.Scatter(
            x=df["day"], y=df["stance"] + offsets[code], name=html.escape(df["actor_name"].iloc[0]),
            mode="markers", legendgroup=code,
            marker={"symbol": df["kind"].map(MARKERS).tolist(), "size": 11, "color": colours[code],
                    "line": {"width": 1, "color": "white"}},
            customdata=_hover_frame(df).to_numpy(), hovertemplate=HOVER, meta=code,
        ))
    for code in order:
        df = points[points["actor"] == code]
        if len(df) > 1:
            x, y = _broken_steps(df["day"], df["stance"] + offsets[code])
            fig.add_trace(go.Scatter(x=x, y=y, mode="lines", line={"width": 1.2, "color": colours[code], "dash": "dot"},
                                     name=html.escape(df["actor_name"].iloc[0]), hoverinfo="skip", showlegend=False,
                                     legendgroup=code, meta=f"line:{code}"))
    if yearly is not None and not yearly.empty:
        _add_vote_years(fig, yearly, order, colours, offsets, shown=set(points["actor"]))
    many_events = events is not None and len(events) > MAX_EVENT_LINES
    if events is not None and not events.empty:
        _mark_events(fig, events, years)
    subtitle = ("● statement   ◆ UN vote (a yes counts as support)" if yearly is None or yearly.empty else
                "● statement   ■ a year's UN votes: their mean (yes +1, abstain 0, no −1), sized by their number")
    if many_events:
        subtitle += f"   · {len(events):,} roll calls: only failed drafts marked"
    fig.update_layout(
        title={"text": f"{html.escape(title)}<br><sup>{subtitle}   · actors' points spread slightly apart</sup>"},
        yaxis={"title": "Stance", "tickvals": list(STANCE_LABELS),
               "ticktext": [label.capitalize() for label in STANCE_LABELS.values()],
               "range": [-2.6, 2.6], "zeroline": True, "zerolinecolor": "#bbb", "gridcolor": "#eee"},
        xaxis={"title": "Date", "gridcolor": "#eee", **time_axis(years or _years_of(points, yearly))},
        legend={"title": {"text": "Actor"}, "orientation": "h", "yanchor": "top", "y": -0.18, "x": 0},
        hoverlabel={"align": "left"}, plot_bgcolor="white", height=560,
        margin={"l": 10, "r": 10, "t": 80, "b": 10},
    )
    return fig


def _years_of(points: pd.DataFrame, yearly: pd.DataFrame | None) -> tuple[int, int]:
    years = list(points["day"].dt.year) + (list(yearly["year"]) if yearly is not None else [])
    return (int(min(years)), int(max(years))) if years else (2000, 2000)


def time_axis(years: tuple[int, int]) -> dict[str, object]:
    """An x-axis over whole years first..last: ticks at year starts over several years (at most about
    fifteen, labelled by year alone), at months within one or two (labelled month and year), so that
    no label is printed twice, as plotly's own choice of ticks under "%b %Y" did."""
    first, last = years
    n = last - first + 1
    if n >= 3:
        ticks = {"dtick": f"M{12 * -(-n // 15)}", "tickformat": "%Y"}
    else:
        ticks = {"dtick": "M1" if n == 1 else "M3", "tickformat": "%b %Y"}
    return {"range": [f"{first}-01-01", f"{last}-12-31"], "tick0": f"{first}-01-01", **ticks}


def _broken_steps(days: pd.Series, values: pd.Series) -> tuple[list[object], list[object]]:
    """A step line through the points, cut (a None) wherever two points lie more than
    MAX_LINE_GAP_DAYS apart, so that no line stands for a year without evidence."""
    x: list[object] = []
    y: list[object] = []
    previous = None
    for day, value in zip(days, values, strict=True):
        if previous is not None:
            if (day - previous[0]).days > MAX_LINE_GAP_DAYS:
                x.append(None)
                y.append(None)
            else:
                x.append(day)
                y.append(previous[1])  # the step: hold the previous stance up to this day
        x.append(day)
        y.append(value)
        previous = (day, value)
    return x, y


VOTE_YEAR_HOVER = ("<b>%{customdata[0]}</b> · %{customdata[1]} · UN votes<br>"
                   "%{customdata[2]} vote(s): %{customdata[3]} yes, %{customdata[4]} abstain, %{customdata[5]} no<br>"
                   "mean position <b>%{customdata[6]}</b><br>"
                   "<span style='color:#666'>Click for each vote of the year</span><extra></extra>")


def _add_vote_years(fig: go.Figure, yearly: pd.DataFrame, order: list[str], colours: dict[str, str],
                    offsets: dict[str, float], shown: set[str]) -> None:
    """Per actor, one square per year at the mean of its votes, sized by how many; consecutive
    years joined (each has evidence), a year without votes leaves a gap."""
    for code in order:
        df = yearly[yearly["actor"] == code].sort_values("year")
        if df.empty:
            continue
        full = df.set_index("year").reindex(range(int(df["year"].min()), int(df["year"].max()) + 1))
        has = full["votes"].notna()
        x = [pd.Timestamp(f"{year}-07-01") for year in full.index]
        y = [m + offsets[code] if ok else None for m, ok in zip(full["mean"], has, strict=True)]
        size = [6 + 8 * min(1.0, (n / 40) ** 0.5) if ok else 0 for n, ok in zip(full["votes"], has, strict=True)]
        custom = [[html.escape(str(full["actor_name"].dropna().iloc[0])), year,
                   *(int(full.at[year, c]) if ok else 0 for c in ("votes", "yes", "abstain", "no")),
                   f"{full.at[year, 'mean']:+.2f}" if ok else ""] for year, ok in zip(full.index, has, strict=True)]
        fig.add_trace(go.Scatter(
            x=x, y=y, mode="lines+markers", name=html.escape(str(df["actor_name"].iloc[0])) + " (votes per year)",
            legendgroup=code, showlegend=code not in shown, connectgaps=False,
            line={"width": 2, "color": colours[code]},
            marker={"symbol": "square", "size": size, "color": colours[code], "line": {"width": 1, "color": "white"}},
            customdata=custom, hovertemplate=VOTE_YEAR_HOVER, meta=f"year:{code}"))


def _mark_events(fig: go.Figure, events: pd.DataFrame, years: tuple[int, int] | None = None) -> None:
    """A thin vertical line per resolution; failed drafts in red, so vetoes stand out.

    A label is printed only where it has room: a label sits at the top of the chart unless the
    previous top label is closer than LABEL_ROOM of the axis' width, then at the bottom, and if that
    is taken too it is left out (its line stays; the table and hover tell the rest). Labels once
    stepped down the chart by a fixed 200 days and overprinted each other on a long axis. With more
    than MAX_EVENT_LABELS events only failed drafts are labelled. Shapes are set in one layout
    update: add_vline per event copies every earlier shape, which took minutes for 336. With more
    than MAX_EVENT_LINES events (a General Assembly issue) only failed drafts get a line at all.
    """
    label_all = len(events) <= MAX_EVENT_LABELS
    line_all = len(events) <= MAX_EVENT_LINES
    first, last = years or (int(events["date"].dt.year.min()), int(events["date"].dt.year.max()))
    room = pd.Timedelta(days=(last - first + 1) * 365.25 * LABEL_ROOM)
    shapes, notes = [], []
    last_at = {"top": None, "bottom": None}
    for ev in events.sort_values("date").itertuples(index=False):
        failed = ev.adopted == 0  # NULL: the dataset does not say
        colour = "#c0392b" if failed else "#999"
        if not (line_all or failed):
            continue
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": ev.date, "x1": ev.date, "y0": 0,
                       "y1": 1, "line": {"width": 1, "dash": "dash" if failed else "dot", "color": colour}})
        if not (label_all or failed):
            continue
        where = next((w for w in ("top", "bottom") if last_at[w] is None or ev.date - last_at[w] >= room), None)
        if where is None:
            continue
        last_at[where] = ev.date
        label = str(getattr(ev, "label", None) or ev.id).replace("S/RES/", "").split(" (")[0]
        notes.append({"x": ev.date, "y": 1.0 if where == "top" else 0.0, "yref": "paper",
                      "text": label + (" ✗" if failed else ""), "showarrow": False, "textangle": -90,
                      "xanchor": "right", "yanchor": "top" if where == "top" else "bottom",
                      "font": {"size": 9, "color": "#c0392b" if failed else "#777"}})
    fig.update_layout(shapes=list(fig.layout.shapes) + shapes, annotations=list(fig.layout.annotations) + notes)


def mark_breaks(fig: go.Figure, breaks: Sequence[tuple[str, str, str]], dates: bool = False) -> None:
    """A dotted line where a followed UN seat passed to a successor ("Soviet Union → Russia"), so a
    reader sees where one state's record ends and the next one's begins. `breaks` come from
    stance.queries.seats.breaks; the x axis is years (pair charts) or dates (the Timeline)."""
    for _line, date, what in breaks:
        x = date if dates else int(date[:4]) + (pd.Timestamp(date).dayofyear - 1) / 365 - 0.5
        fig.add_vline(x=x, line={"dash": "dot", "color": "#777", "width": 1})
        fig.add_annotation(x=x, y=1, yref="paper", text=html.escape(what), showarrow=False, xanchor="left",
                           yanchor="top", font={"size": 10, "color": "#555"}, bgcolor="rgba(255,255,255,0.8)")
