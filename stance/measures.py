"""Dyadic similarity of UN voting: the measures researchers publish with, each written once.

Votes are coded as Voeten's data code them, ordered: yes = 1, abstain = 2, no = 3; 0 means the
state cast no vote (absent, non-voting, not a member), and such roll calls do not count for the
pair. For two states a and b over the n roll calls on which both voted (a_i, b_i in 1..3):

    agreement  A  = #(a_i = b_i) / n                       the share cast alike (Voeten)
    graded     G  = 1 - sum |a_i - b_i| / (2 n)            abstain counts half (Voeten 2000)
    S             = 1 - 2 d / d_max, d = sum |a_i - b_i| / n, d_max = 2
                  = 1 - sum |a_i - b_i| / n                (Signorino and Ritter 1999)
    kappa         = 1 - D_o / D_e(kappa)                   (Cohen 1968; Häge 2011)
    pi            = 1 - D_o / D_e(pi)                      (Scott 1955; Häge 2011)

with squared-distance weights over the three ordered categories (Häge 2011):
D_o = sum (a_i - b_i)^2 / n, the observed disagreement; D_e the disagreement expected by chance,
E[(X - Y)^2] for X and Y drawn independently: for kappa X from a's own vote shares and Y from
b's, so D_e = mean(a^2) + mean(b^2) - 2 mean(a) mean(b); for pi both from the pooled shares of
the 2n votes, so D_e = 2 var(pooled). With squared weights, kappa is Lin's concordance
correlation and pi the intraclass correlation, which is how they are computed here: from five
sums per pair (n, sum a, sum b, sum a^2, sum b^2, sum ab, plus counts of identical and opposite
votes), each a matrix product over the roll calls, so all pairs of 193 states cost a few
products per year.

Degenerate cases give no figure (NaN), never a number that looks like data: a pair with no
common roll call, a pair with fewer than the minimum n, and for kappa and pi a pair whose votes
do not vary at all (both voted the same one way on everything: D_e = 0, the index is 0/0).
A state that voted one way throughout against a partner that varied has a kappa of exactly 0:
its votes say nothing beyond chance.

Sources: Signorino, C. S. and Ritter, J. M. (1999), "Tau-b or Not Tau-b: Measuring the Similarity
of Foreign Policy Positions", International Studies Quarterly 43(1): 115-144. Häge, F. M. (2011),
"Choice or Circumstance? Adjusting Measures of Foreign Policy Similarity for Chance Agreement",
Political Analysis 19(3): 287-305. Cohen, J. (1968), "Weighted kappa", Psychological Bulletin
70(4): 213-220. Scott, W. A. (1955), Public Opinion Quarterly 19(3): 321-325. Voeten, E. (2000),
"Clashes in the Assembly", International Organization 54(2): 185-215 (the graded coding).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

YES, ABSTAIN, NO = 1, 2, 3  # the ordinal coding every formula here uses; 0 = no vote
MEASURES = ("agreement", "graded", "s", "kappa", "pi")
LABELS = {"agreement": "Agreement", "graded": "Graded agreement", "s": "S (Signorino-Ritter)",
          "kappa": "Cohen's kappa", "pi": "Scott's pi"}
RANGES = {"agreement": (0.0, 1.0), "graded": (0.0, 1.0), "s": (-1.0, 1.0), "kappa": (-1.0, 1.0), "pi": (-1.0, 1.0)}
DEFAULT_MIN_N = 10
D_MAX = 2  # the largest distance between two votes: yes (1) against no (3)


@dataclass(frozen=True)
class PairSums:
    """Per-pair sums over the roll calls both states voted on; arrays of shape (left, right)."""

    n: np.ndarray  # common roll calls
    same: np.ndarray  # identical votes
    opposite: np.ndarray  # yes against no
    sa: np.ndarray  # sum of a's codes
    sb: np.ndarray  # sum of b's codes
    saa: np.ndarray  # sum of a's codes squared
    sbb: np.ndarray
    sab: np.ndarray  # sum of a * b

    @property
    def sqdist(self) -> np.ndarray:
        """sum (a - b)^2."""
        return self.saa + self.sbb - 2 * self.sab

    @property
    def absdist(self) -> np.ndarray:
        """sum |a - b|: equal to the squared distance except for yes against no (2, not 4)."""
        return self.sqdist - 2 * self.opposite


def pair_sums(left: np.ndarray, right: np.ndarray | None = None) -> PairSums:
    """The sums every measure needs, for each column of `left` against each column of `right`.

    Both are roll calls x states arrays of ordinal codes (0 none, 1 yes, 2 abstain, 3 no) over
    the same roll calls; `right` defaults to `left` (all pairs). Each sum is one matrix product
    of indicator or code matrices: masked by the other state's "voted" indicator, a sum runs
    over the common roll calls only. Counts stay exact in float64 far beyond any real record.
    """
    right = left if right is None else right

    def parts(v: np.ndarray) -> tuple[np.ndarray, ...]:
        x = v.astype(np.float64)
        return (v > 0).astype(np.float64), x, x * x, (v == YES).astype(np.float64), (v == NO).astype(np.float64), \
            (v == ABSTAIN).astype(np.float64)

    lm, lx, lx2, ly, ln, la = parts(left)
    rm, rx, rx2, ry, rn, ra = (lm, lx, lx2, ly, ln, la) if right is left else parts(right)
    return PairSums(n=lm.T @ rm, same=ly.T @ ry + ln.T @ rn + la.T @ ra, opposite=ly.T @ rn + ln.T @ ry,
                    sa=lx.T @ rm, sb=lm.T @ rx, saa=lx2.T @ rm, sbb=lm.T @ rx2, sab=lx.T @ rx)


def _per_vote(total: np.ndarray, n: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, total / np.where(n > 0, n, 1), np.nan)


def agreement(s: PairSums) -> np.ndarray:
    """Share of common roll calls cast alike: #(a = b) / n (Voeten's agreement score)."""
    return _per_vote(s.same, s.n)


def graded(s: PairSums) -> np.ndarray:
    """1 - sum |a - b| / (2n): an abstention against a yes or a no counts as half agreement."""
    return 1 - _per_vote(s.absdist, s.n) / 2


def signorino_ritter(s: PairSums) -> np.ndarray:
    """S = 1 - 2 d / d_max with d = mean |a - b| and d_max = 2 (Signorino and Ritter 1999), in -1..1.

    The city-block distance of the original paper; on this coding S = 2 G - 1 (G the graded agreement),
    so the two order pairs identically and differ only in scale."""
    return 1 - 2 * _per_vote(s.absdist, s.n) / D_MAX


def _chance_corrected(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """1 - D_o / D_e; NaN where nothing varies (D_e = 0) or nothing is known."""
    undefined = ~(expected > 1e-12)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(undefined, np.nan, 1 - observed / np.where(undefined, 1, expected))


def cohen_kappa(s: PairSums) -> np.ndarray:
    """Cohen's weighted kappa, squared-distance weights (Häge 2011): chance from each state's own shares.

    D_o = mean (a - b)^2; D_e = mean(a^2) + mean(b^2) - 2 mean(a) mean(b).
    """
    ma, mb = _per_vote(s.sa, s.n), _per_vote(s.sb, s.n)
    expected = _per_vote(s.saa, s.n) + _per_vote(s.sbb, s.n) - 2 * ma * mb
    return _chance_corrected(_per_vote(s.sqdist, s.n), expected)


def scott_pi(s: PairSums) -> np.ndarray:
    """Scott's pi, squared-distance weights (Häge 2011): chance from the two states' pooled shares.

    D_o = mean (a - b)^2; D_e = 2 var(pooled votes) = 2 (mean of squares - squared mean over all 2n votes).
    """
    mean = _per_vote(s.sa + s.sb, 2 * s.n)
    expected = 2 * (_per_vote(s.saa + s.sbb, 2 * s.n) - mean * mean)
    return _chance_corrected(_per_vote(s.sqdist, s.n), expected)


FORMULAS: dict[str, Callable[[PairSums], np.ndarray]] = {
    "agreement": agreement, "graded": graded, "s": signorino_ritter, "kappa": cohen_kappa, "pi": scott_pi}


def check_measure(measure: str) -> None:
    """A ValueError naming the measures, for a name that is not one (from a URL, the CLI, a caller)."""
    if measure not in FORMULAS:
        raise ValueError(f"measure must be one of {', '.join(MEASURES)}, not {measure!r}")


def figure(s: PairSums, measure: str, min_n: int = 1) -> np.ndarray:
    """One measure for every pair, NaN (no figure, never 0) where n < min_n or it is undefined."""
    check_measure(measure)
    values = FORMULAS[measure](s)
    return np.where(s.n >= max(min_n, 1), values, np.nan)


# --- From the alignment page's vote codes, and the roll calls to keep --------------------------

def ordinal(codes: np.ndarray) -> np.ndarray:
    """stance.queries.alignment's codes (1 yes, 2 no, 3 abstain) -> yes 1, abstain 2, no 3 (0 stays 0)."""
    return np.array([0, YES, NO, ABSTAIN], dtype=np.int8)[codes]


def unanimous(votes: np.ndarray) -> np.ndarray:
    """Per roll call: every state that voted cast the same vote (or nobody voted)."""
    cast = votes > 0
    low = np.where(cast, votes, 127).min(axis=1, initial=127)
    high = votes.max(axis=1, initial=0)
    return ~cast.any(axis=1) | (low == high)


# --- Tables ------------------------------------------------------------------------------------

def dyads(votes: np.ndarray, years: np.ndarray, codes: Sequence[str], measures: Sequence[str] = MEASURES,
          by: str = "year", actor: str | None = None, min_n: int = DEFAULT_MIN_N,
          drop_unanimous: bool = False) -> pd.DataFrame:
    """Every pair's measures, per year or over the whole window, one row per pair (and year).

    `votes` are ordinal codes, roll calls x states, with `codes` the states and `years` each roll
    call's year. With `actor`, the pairs are (actor, every other state); otherwise every
    unordered pair once (actor_a before actor_b in `codes`). Pairs with no common roll call are
    left out; pairs with fewer than `min_n` keep their row and n, with no figure (NaN).
    Columns: actor_a, actor_b, year (<NA> for the window), n, then one column per measure.
    """
    for measure in measures:
        check_measure(measure)
    if by not in ("year", "window"):
        raise ValueError(f"by must be one of year, window, not {by!r}")
    codes = np.asarray(codes, dtype=object)
    if drop_unanimous and len(votes):
        keep = ~unanimous(votes)
        votes, years = votes[keep], years[keep]
    if actor is not None and actor not in set(codes):
        return _empty(measures)
    blocks = [(None, np.ones(len(years), dtype=bool))] if by == "window" else \
        [(int(y), years == y) for y in np.unique(years)]
    # A year's products are ~200 x 100 x 200: one BLAS thread is fastest, and on a busy machine
    # BLAS's own threads made the whole record 6x slower (13 s against 2.1 s, load average 8).
    with threadpool_limits(1, user_api="blas"):
        parts = [_block(votes[rows], codes, year, measures, actor, min_n) for year, rows in blocks]
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else _empty(measures)


def _block(votes: np.ndarray, codes: np.ndarray, year: int | None, measures: Sequence[str], actor: str | None,
           min_n: int) -> pd.DataFrame:
    """The pairs of one year (or the window): only states that voted in it enter the products."""
    present = np.flatnonzero((votes > 0).any(axis=0))
    if actor is not None:
        me = np.flatnonzero(codes == actor)
        if not len(me) or not (votes[:, me[0]] > 0).any():
            return _empty(measures)
        others = present[present != me[0]]
        s = pair_sums(votes[:, me], votes[:, others])
        i, j = np.zeros(len(others), dtype=int), np.arange(len(others))
        a_codes, b_codes = codes[me][i], codes[others][j]
    else:
        s = pair_sums(votes[:, present])
        i, j = np.triu_indices(len(present), k=1)
        a_codes, b_codes = codes[present][i], codes[present][j]
    n = s.n[i, j]
    has = n > 0
    out = {"actor_a": a_codes[has], "actor_b": b_codes[has],
           "year": pd.array([year] * int(has.sum()), dtype="Int64"), "n": n[has].astype(np.int64)}
    for m in measures:
        out[m] = figure(s, m, min_n)[i, j][has]
    return pd.DataFrame(out)


def _empty(measures: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({"actor_a": pd.Series(dtype=object), "actor_b": pd.Series(dtype=object),
                         "year": pd.Series(dtype="Int64"), "n": pd.Series(dtype=np.int64),
                         **{m: pd.Series(dtype=float) for m in measures}})


def long_form(wide: pd.DataFrame, measures: Sequence[str]) -> pd.DataFrame:
    """actor_a, actor_b, year, measure, value, n: the CLI's columns, one row per pair, year and measure."""
    parts = [wide[["actor_a", "actor_b", "year"]].assign(measure=m, value=wide[m], n=wide["n"]) for m in measures]
    if not parts:
        return pd.DataFrame(columns=["actor_a", "actor_b", "year", "measure", "value", "n"])
    return pd.concat(parts, ignore_index=True)
