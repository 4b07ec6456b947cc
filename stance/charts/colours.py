"""Colours that mean the same thing on every page.

Actors: each actor keeps one colour in every chart, keyed on its code, not on its place in a
list (which made China blue in one chart and orange in the next). The best-known actors have a
colour of their own; any other takes one from its code's hash. Two actors never share a colour
in one chart: when an actor's colour is taken, it takes the next free one of the palette, and
the actors with a fixed colour are served first so that they always keep theirs.

Stance: one diverging scale, ColorBrewer RdYlBu (5 classes, marked colour-blind safe), red for
opposition through pale yellow for neutral to blue for support, used by the Map (one flat band per
value), the Compare heat maps (continuous, for means) and the Actor profile. Pale yellow, not
white or grey, for neutral: grey means "no data" on every page.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

# Okabe-Ito (minus its yellow, too pale on white), then Tableau 20's darker members and a few
# more, in an order where neighbours differ.
PALETTE = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8C564B",
    "#7F3C8D", "#3969AC", "#11A579", "#E73F74", "#80BA5A", "#A5AA99", "#F2B701", "#008695",
    "#CF1C90", "#4B4B8F", "#F97B72", "#17BECF", "#BCBD22", "#9467BD", "#E15759", "#59A14F",
]
FIXED = {  # the actors most often drawn together, told apart at a glance
    "USA": "#0072B2", "CHN": "#D55E00", "RUS": "#CC79A7", "GBR": "#009E73", "FRA": "#56B4E9",
    "PRK": "#000000", "KOR": "#E69F00", "JPN": "#7F3C8D", "DEU": "#8C564B", "IND": "#E73F74",
    "EU": "#3969AC", "UN": "#008695", "SUN": "#4B4B8F", "ISR": "#A5AA99", "IRN": "#80BA5A",
    "BRA": "#F2B701", "ZAF": "#CF1C90", "UKR": "#17BECF",
}

STANCE_COLOURS = {-2: "#d7191c", -1: "#fdae61", 0: "#ffffbf", 1: "#abd9e9", 2: "#2c7bb6"}
NO_DATA_COLOUR = "#d9d9d9"


def preferred_colour(code: str) -> str:
    """The colour an actor has whenever no other actor in the chart holds it."""
    return FIXED.get(code) or PALETTE[zlib.crc32(code.encode()) % len(PALETTE)]


def actor_colours(codes: Iterable[str]) -> dict[str, str]:
    """A colour for each code, all different while there are no more actors than colours."""
    codes = list(dict.fromkeys(codes))
    out: dict[str, str] = {}
    used: set[str] = set()
    for code in sorted(codes, key=lambda c: c not in FIXED):  # stable: fixed ones first, else in order
        colour = preferred_colour(code)
        if colour in used and len(used) < len(PALETTE):
            start = PALETTE.index(colour) if colour in PALETTE else 0
            colour = next(PALETTE[(start + k) % len(PALETTE)] for k in range(1, len(PALETTE) + 1)
                          if PALETTE[(start + k) % len(PALETTE)] not in used)
        out[code] = colour
        used.add(colour)
    return {code: out[code] for code in codes}


def stance_colourscale() -> list[list[object]]:
    """The stance colours as a continuous plotly scale over -2..+2 (for means)."""
    n = len(STANCE_COLOURS) - 1
    return [[i / n, colour] for i, colour in enumerate(STANCE_COLOURS.values())]
