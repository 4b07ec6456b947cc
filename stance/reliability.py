"""Krippendorff's alpha for the team's double codings: per issue, per coder pair and overall.

Input is `stance.queries.team.paired` (one row per unit coded twice: first and second coder and
value). Alpha comes from the `krippendorff` package, ordinal on the -2..+2 scale and nominal on
the sign (oppose / neutral / support), with a percentile bootstrap interval over units (units
drawn with replacement, seeded, so a report is reproducible). Plain functions of DataFrames.

Thresholds (Krippendorff 2004, Content Analysis, 2nd ed., p. 241): rely on a variable with
alpha >= .800; draw only tentative conclusions with .667 <= alpha < .800; below, do not rely on it.
"""

from __future__ import annotations

import warnings

import krippendorff
import numpy as np
import pandas as pd

SCALE = (-2, -1, 0, 1, 2)
SIGNS = (-1, 0, 1)
RELY, TENTATIVE = 0.800, 0.667
THRESHOLDS = ("alpha >= .800: rely on it; .667 <= alpha < .800: tentative conclusions only; "
              "below .667: do not rely on it (Krippendorff 2004)")
BOOTSTRAP_REPS = 1000


def matrix(pairs: pd.DataFrame, sign: bool = False) -> np.ndarray:
    """Coders x units, NaN where a coder did not code a unit: krippendorff's reliability_data."""
    long = pd.concat([
        pairs[["unit_kind", "unit_id", "first_coder", "first"]].set_axis(["kind", "unit", "coder", "value"], axis=1),
        pairs[["unit_kind", "unit_id", "second_coder", "second"]].set_axis(["kind", "unit", "coder", "value"],
                                                                           axis=1)])
    wide = long.pivot_table(index="coder", columns=["kind", "unit"], values="value", aggfunc="first")
    values = wide.to_numpy(dtype=float)
    return np.sign(values) if sign else values


def alpha(data: np.ndarray, sign: bool = False) -> float:
    """Alpha of a reliability matrix; NaN when it is undefined (fewer than two units, or every
    value the same, so there is no variation to agree on)."""
    pairable = (~np.isnan(data)).sum(axis=0) >= 2
    data = data[:, pairable]
    if data.shape[1] < 2 or len(np.unique(data[~np.isnan(data)])) < 2:
        return float("nan")
    level, domain = ("nominal", SIGNS) if sign else ("ordinal", SCALE)
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore")
        return float(krippendorff.alpha(reliability_data=data, value_domain=list(domain),
                                        level_of_measurement=level))


def bootstrap(data: np.ndarray, sign: bool = False, reps: int = BOOTSTRAP_REPS, seed: int = 0) -> tuple[float, float]:
    """95 % percentile interval of alpha over units resampled with replacement (NaN if undefined)."""
    n = data.shape[1]
    if n < 2:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    draws = [alpha(data[:, rng.integers(0, n, n)], sign) for _ in range(reps)]
    draws = [d for d in draws if not np.isnan(d)]
    if not draws:
        return (float("nan"), float("nan"))
    low, high = np.percentile(draws, [2.5, 97.5])
    return (float(low), float(high))


def verdict(value: float) -> str:
    if np.isnan(value):
        return "undefined"
    return "rely" if value >= RELY else "tentative" if value >= TENTATIVE else "do not rely"


def _row(scope: str, label: str, pairs: pd.DataFrame, reps: int) -> dict[str, object]:
    ordinal, nominal = matrix(pairs), matrix(pairs, sign=True)
    a_ord, a_nom = alpha(ordinal), alpha(nominal, sign=True)
    low, high = bootstrap(ordinal, reps=reps)
    nlow, nhigh = bootstrap(nominal, sign=True, reps=reps)
    agree = int((pairs["first"] == pairs["second"]).sum())
    units = len(pairs.drop_duplicates(["unit_kind", "unit_id"]))  # a unit coded by two second coders is one unit
    return {"scope": scope, "label": label, "units": units, "agree": agree,
            "alpha_ordinal": a_ord, "ordinal_low": low, "ordinal_high": high, "verdict_ordinal": verdict(a_ord),
            "alpha_sign": a_nom, "sign_low": nlow, "sign_high": nhigh, "verdict_sign": verdict(a_nom)}


def report(pairs: pd.DataFrame, reps: int = BOOTSTRAP_REPS) -> pd.DataFrame:
    """One row overall, one per issue, one per coder pair: units, exact agreements (pairs of
    codings that match), both alphas with their bootstrap intervals and verdicts. A unit coded by
    more than two coders counts once, and alpha uses all its codings."""
    columns = ["scope", "label", "units", "agree", "alpha_ordinal", "ordinal_low", "ordinal_high",
               "verdict_ordinal", "alpha_sign", "sign_low", "sign_high", "verdict_sign"]
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    rows = [_row("overall", "all units", pairs, reps)]
    for issue, part in pairs.groupby("issue", sort=True):
        rows.append(_row("issue", str(issue), part, reps))
    for (first, second), part in pairs.groupby(["first_coder", "second_coder"], sort=True):
        rows.append(_row("pair", f"{first} / {second}", part, reps))
    return pd.DataFrame(rows, columns=columns)


def confusion(pairs: pd.DataFrame) -> pd.DataFrame:
    """First coder's value (rows) against the second's (columns), every scale value shown."""
    table = pd.crosstab(pairs["first"], pairs["second"])
    table = table.reindex(index=list(SCALE), columns=list(SCALE), fill_value=0)
    table.index.name, table.columns.name = "first", "second"
    return table


def over_time(pairs: pd.DataFrame, step: int = 10) -> pd.DataFrame:
    """Alpha (ordinal) over all units coded so far, after every `step` second codings in the
    order they were made: whether agreement improves as the team trains on the codebook."""
    ordered = pairs.sort_values("coded_at", kind="stable").reset_index(drop=True)
    marks = list(range(step, len(ordered) + 1, step))
    if len(ordered) and (not marks or marks[-1] != len(ordered)):
        marks.append(len(ordered))
    rows = [{"units": k, "coded_at": ordered["coded_at"].iloc[k - 1], "alpha_ordinal": alpha(matrix(ordered[:k])),
             "alpha_sign": alpha(matrix(ordered[:k], sign=True), sign=True)} for k in marks]
    return pd.DataFrame(rows, columns=["units", "coded_at", "alpha_ordinal", "alpha_sign"])
