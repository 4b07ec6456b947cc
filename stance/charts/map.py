"""The stance map: one issue, each country coloured by its latest stance as of a date.

Outlines come from `static/topojson/world_50m.json` (served by the dashboard itself, see
static/topojson/README.md); `outline_codes` reads the same file so the page can name the
countries that have data but no outline at this scale.
"""

from __future__ import annotations

import json
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go

from stance.charts import KIND_LABELS, _wrap
from stance.charts.colours import NO_DATA_COLOUR, STANCE_COLOURS
from stance.charts.heatmap import esc
from stance.db import PROJECT_DIR
from stance.model import STANCE_LABELS, format_date, stance_text

TOPOJSON_DIR = PROJECT_DIR / "static" / "topojson"
TOPOJSON_URL = "/app/static/topojson/"  # where Streamlit serves TOPOJSON_DIR; plotly.js appends world_50m.json
RESOLUTION = 50  # 1:50m draws 235 outlines; 1:110m only 174, missing UN members such as Malta, Bahrain, Singapore

# The one stance scale of every page (stance.charts.colours): ColorBrewer RdYlBu, red for opposition,
# blue for support; neutral is pale yellow so it cannot be mistaken for the grey of no data.


def stepped_colorscale() -> list[list[object]]:
    """One flat band per stance value, so a colour means exactly one word on the colour bar."""
    scale: list[list[object]] = []
    n = len(STANCE_COLOURS)
    for i, colour in enumerate(STANCE_COLOURS.values()):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    return scale


@lru_cache(maxsize=2)
def outline_codes(resolution: int = RESOLUTION) -> frozenset[str]:
    """ISO-3 codes of the countries the world outline file can draw."""
    with open(TOPOJSON_DIR / f"world_{resolution}m.json", encoding="utf-8") as fh:
        topo = json.load(fh)
    return frozenset(g["id"] for g in topo["objects"]["countries"]["geometries"] if g.get("id"))


def _snippet(row: pd.Series) -> str:
    """What the point rests on: the quote (or vote), else the coder's paraphrase. `_wrap` escapes it."""
    text = row["text"] if isinstance(row["text"], str) and row["text"] else row.get("notes")
    speaker = row["speaker"] if isinstance(row["speaker"], str) and row["speaker"] else ""
    body = _wrap(text, 60, 4) if isinstance(text, str) else "(no quote recorded)"
    return body + (f"<br><i>{_wrap(speaker, 60, 1)}</i>" if speaker else "")


def _hover_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The columns the hover box shows, in the order customdata indexes them, then the actor code."""
    return pd.DataFrame({
        "name": df["actor_name"].map(esc),  # plotly reads hover text as HTML; names come from data files
        "stance": df["stance"].map(stance_text),
        "date": [esc(format_date(d, p)) for d, p in zip(df["date"], df["date_precision"], strict=True)],
        "kind": df["kind"].map(KIND_LABELS),
        "snippet": df.apply(_snippet, axis=1) if not df.empty else pd.Series(dtype=str),
        "points": df["points"],
        "actor": df["actor"],  # read back from a click: which country was clicked
    })


ACTOR_COLUMN = 6  # customdata[ACTOR_COLUMN] is the country's code
HOVER = ("<b>%{customdata[0]}</b><br><b>%{customdata[1]}</b><br>"
         "from its %{customdata[3]} of %{customdata[2]}<br>%{customdata[4]}<br>"
         "<span style='color:#666'>%{customdata[5]} point(s) on this issue so far</span><extra></extra>")


def stance_map(df: pd.DataFrame, title: str, as_of_label: str, plus_2: str | None = None,
               minus_2: str | None = None) -> go.Figure:
    """A world choropleth of `df` (from queries.geo.stance_as_of) on a fixed -2..+2 scale."""
    fig = go.Figure(go.Choropleth(
        locations=df["actor"], locationmode="ISO-3", z=df["stance"].astype(int),
        zmin=-2.5, zmax=2.5, colorscale=stepped_colorscale(),
        marker={"line": {"color": "white", "width": 0.5}},
        colorbar={"title": {"text": "Stance"}, "tickvals": list(STANCE_LABELS),
                  "ticktext": [label.capitalize() for label in STANCE_LABELS.values()],
                  "thickness": 14, "len": 0.75},
        customdata=_hover_frame(df).to_numpy(), hovertemplate=HOVER, name="Stance",
    ))
    ends = f"<br><sup>+2: {_wrap(plus_2, 90, 1)}  ·  -2: {_wrap(minus_2, 90, 1)}</sup>" if plus_2 and minus_2 else ""
    fig.update_geos(
        projection_type="natural earth", resolution=RESOLUTION, showframe=False,
        showland=True, landcolor=NO_DATA_COLOUR, showcountries=True, countrycolor="white", countrywidth=0.5,
        showocean=False, showlakes=False, showcoastlines=False, bgcolor="rgba(0,0,0,0)",
        lataxis={"range": [-57, 84]},  # no Antarctica; no ocean drawn, so the cut leaves no flat edge
    )
    fig.add_annotation(text="Grey: no statement or vote by this date", x=0, y=0, xref="paper", yref="paper",
                       xanchor="left", yanchor="bottom", showarrow=False, font={"size": 11, "color": "#555"})
    fig.update_layout(title={"text": f"{esc(title)}: stance as of {esc(as_of_label)}{ends}"}, height=520,
                      margin={"l": 0, "r": 0, "t": 70, "b": 20}, hoverlabel={"align": "left"})
    return fig
