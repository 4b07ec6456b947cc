"""Dyadic similarity measures from the stored roll calls: filters in, DataFrames out.

The votes are read once as a roll calls x states matrix (stance.queries.alignment.vote_matrix),
recoded yes 1, abstain 2, no 3, and handed to stance.measures, where each formula lives.
Actor codes are as stored (ISO 3166-1 alpha-3; ISO 3166-3 codes for historic states).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlite_utils

from stance import measures
from stance.queries import alignment as align


@dataclass(frozen=True)
class Selection:
    """Which roll calls a figure rests on."""

    body: str = "UNGA"
    issue: str = ""
    first: int | None = None
    last: int | None = None
    important: bool = False
    drop_unanimous: bool = False
    follow_seat: bool = False  # one line per UN seat (the Soviet Union's votes as Russia's); codes as stored if not

    def describe(self) -> str:
        """The selection in words, for a chart's subtitle or a CSV's reader."""
        parts = [{"UNGA": "General Assembly", "UNSC": "Security Council"}.get(self.body, "both bodies")]
        if self.issue:
            parts.append(f"issue {self.issue}")
        if self.important:
            parts.append("important votes only")
        if self.drop_unanimous:
            parts.append("unanimous roll calls dropped")
        if self.follow_seat:
            parts.append("following the UN seat")
        return ", ".join(parts)


def ordinal_matrix(db: sqlite_utils.Database, sel: Selection) -> align.VoteMatrix:
    """The selected roll calls as a VoteMatrix whose codes are ordinal (yes 1, abstain 2, no 3)."""
    vm = align.vote_matrix(db, sel.body, sel.issue, sel.first, sel.last, sel.important)
    return recode(align.follow_seat(vm) if sel.follow_seat else vm)


def recode(vm: align.VoteMatrix) -> align.VoteMatrix:
    """A page's VoteMatrix (1 yes, 2 no, 3 abstain) with ordinal codes instead."""
    return align.VoteMatrix(measures.ordinal(vm.votes), vm.years, vm.codes, vm.names, vm.ids)


def dyadic(db: sqlite_utils.Database, sel: Selection, which: Sequence[str] = measures.MEASURES, by: str = "year",
           actor: str | None = None, min_n: int = measures.DEFAULT_MIN_N) -> pd.DataFrame:
    """Wide table: actor_a, actor_b, year, n and one column per measure (see stance.measures.dyads)."""
    vm = ordinal_matrix(db, sel)
    return measures.dyads(vm.votes, vm.years, vm.codes, which, by=by, actor=actor, min_n=min_n,
                          drop_unanimous=sel.drop_unanimous)


def who_moved(vm: align.VoteMatrix, actor: str, measure: str, before: tuple[int, int], after: tuple[int, int],
              min_n: int = measures.DEFAULT_MIN_N, drop_unanimous: bool = False) -> pd.DataFrame:
    """For `actor`, every other state's similarity in two windows of years, and the change, largest first.

    `vm` has ordinal codes (see `recode`). Columns: code, name, before, n_before, after, n_after,
    change (after - before; NaN unless both windows have a figure). States with a figure in only
    one window are kept at the end, so a newcomer or a state that left is visible, not lost.
    """
    measures.check_measure(measure)
    names = dict(zip(vm.codes, vm.names, strict=True))
    columns = {}
    for label, (first, last) in (("before", before), ("after", after)):
        rows = (vm.years >= first) & (vm.years <= last)
        df = measures.dyads(vm.votes[rows], vm.years[rows], vm.codes, (measure,), by="window", actor=actor,
                            min_n=min_n, drop_unanimous=drop_unanimous)
        columns[label] = df.set_index("actor_b")[[measure, "n"]].rename(
            columns={measure: label, "n": f"n_{label}"})
    out = columns["before"].join(columns["after"], how="outer")
    out["n_before"] = out["n_before"].fillna(0).astype(int)
    out["n_after"] = out["n_after"].fillna(0).astype(int)
    out["change"] = out["after"] - out["before"]
    out.index.name = "code"
    out = out.reset_index()
    out.insert(1, "name", [names.get(c, c) for c in out["code"]])
    out["size"] = out["change"].abs()
    out = out.sort_values(["size", "name"], ascending=[False, True], na_position="last")
    return out.drop(columns="size").reset_index(drop=True)


def pair_series(vm: align.VoteMatrix, a: str, b: str, measure: str, min_n: int = 1,
                drop_unanimous: bool = False) -> pd.DataFrame:
    """One pair's measure year by year: year, value (NaN below min_n or undefined), n; every year a row."""
    measures.check_measure(measure)
    if vm.votes.shape[0] == 0 or a not in vm.codes or b not in vm.codes:
        return pd.DataFrame({"year": pd.Series(dtype=int), "value": pd.Series(dtype=float),
                             "n": pd.Series(dtype=int)})
    cols = [vm.codes.index(a), vm.codes.index(b)]
    df = measures.dyads(vm.votes[:, cols], vm.years, [a, b], (measure,), by="year", min_n=min_n,
                        drop_unanimous=drop_unanimous)
    years = np.arange(int(vm.years.min()), int(vm.years.max()) + 1)
    got = df.set_index(df["year"].astype(int))
    return pd.DataFrame({"year": years, "value": got[measure].reindex(years).to_numpy(),
                         "n": got["n"].reindex(years).fillna(0).astype(int).to_numpy()})


def without_unanimous(vm: align.VoteMatrix) -> align.VoteMatrix:
    """The matrix without roll calls on which every state that voted voted alike (any vote coding)."""
    keep = ~measures.unanimous(vm.votes)
    ids = tuple(np.asarray(vm.ids, dtype=object)[keep]) if vm.ids else ()
    return align.VoteMatrix(vm.votes[keep], vm.years[keep], vm.codes, vm.names, ids)


def matrix(vm: align.VoteMatrix, codes: Sequence[str], measure: str, min_n: int = 1) -> pd.DataFrame:
    """`measure` for every ordered pair of `codes` (unknown codes skipped), long form, as the page draws it.

    `vm` has ordinal codes. Columns: actor, actor_name, other, other_name, agree (the value, NaN
    for no figure), common (n). The diagonal is each state with itself.
    """
    measures.check_measure(measure)
    cols = [vm.codes.index(c) for c in codes if c in vm.codes]
    s = measures.pair_sums(vm.votes[:, cols])
    value = measures.figure(s, measure, min_n)
    k = len(cols)
    a, b = np.repeat(np.arange(k), k), np.tile(np.arange(k), k)
    chosen = np.array([vm.codes[i] for i in cols], dtype=object)
    names = np.array([vm.names[i] for i in cols], dtype=object)
    return pd.DataFrame({"actor": chosen[a], "actor_name": names[a], "other": chosen[b], "other_name": names[b],
                         "agree": value.ravel(), "common": s.n.ravel().astype(np.int64)})


def most_similar(vm: align.VoteMatrix, code: str, measure: str, min_n: int = 1, n: int = 10) -> pd.DataFrame:
    """The `n` states most similar to `code` by `measure`: code, name, agree (the value), common."""
    measures.check_measure(measure)
    if code not in vm.codes or vm.votes.shape[0] == 0:
        return pd.DataFrame(columns=["code", "name", "agree", "common"])
    df = measures.dyads(vm.votes, vm.years, vm.codes, (measure,), by="window", actor=code, min_n=min_n)
    names = dict(zip(vm.codes, vm.names, strict=True))
    out = pd.DataFrame({"code": df["actor_b"], "name": [names[c] for c in df["actor_b"]], "agree": df[measure],
                        "common": df["n"]})
    out = out[out["agree"].notna()]
    return out.sort_values(["agree", "common", "name"], ascending=[False, False, True]).head(n).reset_index(drop=True)


RULES = {
    "agreement": "share of common votes cast alike · an abstention against a yes or a no = disagreement",
    "graded": "graded agreement · an abstention against a yes or a no = half agreement, yes against no = none",
    "s": "Signorino-Ritter S · distance yes-abstain 1, yes-no 2; -1 opposite, +1 identical",
    "kappa": "Cohen's kappa (Häge 2011) · squared distances, chance from each state's own vote shares; "
             "0 = what chance gives",
    "pi": "Scott's pi (Häge 2011) · squared distances, chance from the pair's pooled vote shares; "
          "0 = what chance gives",
}


def rule(measure: str, min_n: int) -> str:
    """What a figure means and when there is none: stated on every chart that draws one."""
    return f"{RULES[measure]} · no figure below {min_n} common vote{'s' if min_n != 1 else ''}"
