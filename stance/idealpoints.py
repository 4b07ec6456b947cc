"""Yearly ideal points from UN roll calls: a one-dimensional ordinal item-response model, fitted by MAP.

Each state i has a position theta[i, t] in each year t it voted. Each roll call j has a
discrimination beta_j and two cutpoints tau1_j < tau2_j. With eta = beta_j theta[i, t] and the
logistic function s, the vote is an ordered logit in yes > abstain > no:

    P(no)      = s(tau1_j - eta)
    P(abstain) = s(tau2_j - eta) - s(tau1_j - eta)
    P(yes)     = 1 - s(tau2_j - eta)

Priors (the "P" in MAP): a random walk links a state's years, theta[i, t] - theta[i, t'] ~
N(0, (t - t') rho^2) for consecutive years t' < t in which it voted, so positions are comparable
over time and a thin year borrows strength from its neighbours; every position is also N(0, 1),
which fixes the scale (without it the spread drifts upward year after year);
beta_j ~ N(0, 2^2) and the cutpoints ~ N(0, 5^2) (tau2 = tau1 + exp(delta), delta ~ N(0, 2^2),
keeps them ordered). The direction is fixed afterwards so that the United States' mean position
is positive. Roll calls on which every voting state voted alike carry no information about
positions and are left out.

The model is Bailey, Strezhnev and Voeten's (2017, "Estimating dynamic state preferences from
United Nations voting data", Journal of Conflict Resolution 61(2): 430-456) in spirit: ordinal,
one dimension, dynamic. It differs in two ways worth knowing: they bridge years with resolutions
that recur verbatim (fixed item parameters), this uses only the random walk; and they estimate
by Gibbs sampling, this by maximising the posterior (scipy's L-BFGS on analytic gradients).

Intervals are from the curvature at the optimum (a Laplace approximation): for each state, the
Hessian of the negative log posterior in its own positions, roll-call parameters held at their
estimates (a tridiagonal matrix over its years: the expected information of its votes plus the
random walk), inverted exactly; low/high = estimate -/+ 1.96 standard deviations. Holding the
roll-call parameters fixed makes them somewhat too narrow.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import expit, log_expit

from stance.measures import ABSTAIN, NO, YES, unanimous

MODEL = "ordinal-irt-1d-randomwalk-map v1"


@dataclass(frozen=True)
class Settings:
    """Everything that changes the estimates; stored with them."""

    rho: float = 0.3  # random-walk step sd per year
    theta_sd: float = 1.0  # every position is also N(0, theta_sd^2): this fixes the scale year by year
    beta_sd: float = 2.0
    tau_sd: float = 5.0
    delta_sd: float = 2.0
    max_iter: int = 400
    tolerance: float = 1e-6
    body: str = "UNGA"
    anchor: str = "USA"  # positive by convention
    model: str = MODEL

    def as_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


@dataclass
class Fit:
    """The estimates: one row per state-year, one per roll call, and how the fit went."""

    points: pd.DataFrame  # actor, year, ideal_point, low, high, votes
    items: pd.DataFrame  # resolution, discrimination, cut1, cut2
    settings: Settings
    digest: str
    log_posterior: float
    iterations: int
    seconds: float
    roll_calls: int
    votes: int
    notes: list[str] = field(default_factory=list)


def digest(votes: np.ndarray, years: np.ndarray, codes: Sequence[str], ids: Sequence[str]) -> str:
    """SHA-256 of exactly the data a fit uses: the vote codes, each roll call's year and id, the states."""
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(votes, dtype=np.int8).tobytes())
    h.update(np.ascontiguousarray(years, dtype=np.int64).tobytes())
    h.update("\x1f".join(codes).encode())
    h.update("\x1f".join(ids).encode())
    return h.hexdigest()


@dataclass(frozen=True)
class Data:
    """The votes in long form, with state-years numbered and linked."""

    sy: np.ndarray  # state-year index of each vote
    item: np.ndarray  # roll call index of each vote
    y: np.ndarray  # 1 yes, 2 abstain, 3 no
    sy_state: np.ndarray  # state index of each state-year
    sy_year: np.ndarray
    prev: np.ndarray  # for each state-year, the previous state-year of the same state, or -1
    n_items: int
    slices: tuple[slice, slice, slice]  # the votes are sorted: no, then abstain, then yes


def prepare(votes: np.ndarray, years: np.ndarray) -> Data:
    """Long-form votes and the state-year structure from a roll calls x states ordinal matrix."""
    rows, cols = np.nonzero(votes)
    y = votes[rows, cols].astype(np.int8)
    order = np.argsort(-y, kind="stable")  # no (3), abstain (2), yes (1)
    rows, cols, y = rows[order], cols[order], y[order]
    counts = [int((y == k).sum()) for k in (NO, ABSTAIN, YES)]
    slices = (slice(0, counts[0]), slice(counts[0], counts[0] + counts[1]), slice(counts[0] + counts[1], len(y)))
    year = years[rows]
    key = cols.astype(np.int64) * 10_000 + year
    uniq, sy = np.unique(key, return_inverse=True)
    sy_state, sy_year = (uniq // 10_000).astype(np.int64), (uniq % 10_000).astype(np.int64)
    prev = np.full(len(uniq), -1, dtype=np.int64)
    same = sy_state[1:] == sy_state[:-1]  # uniq is sorted by state, then year
    prev[1:][same] = np.arange(len(uniq) - 1)[same]
    return Data(sy.astype(np.int64), rows.astype(np.int64), y, sy_state, sy_year, prev, votes.shape[0], slices)


def _unpack(x: np.ndarray, n_sy: int, n_items: int) -> tuple[np.ndarray, ...]:
    theta = x[:n_sy]
    beta, tau1, delta = x[n_sy:n_sy + n_items], x[n_sy + n_items:n_sy + 2 * n_items], x[n_sy + 2 * n_items:]
    return theta, beta, tau1, delta


def _objective(x: np.ndarray, d: Data, s: Settings) -> tuple[float, np.ndarray]:
    """Negative log posterior and its gradient. Votes are sorted no, abstain, yes (see `prepare`),
    so each category's terms are computed on its own slice, not masked over all votes."""
    n_sy = len(d.sy_state)
    theta, beta, tau1, delta = _unpack(x, n_sy, d.n_items)
    gap = np.exp(delta)
    eta = beta[d.item] * theta[d.sy]
    a = tau1[d.item] - eta
    no, abst, yes = d.slices
    da, db = np.zeros(len(a)), np.zeros(len(a))
    a_no = a[no]
    lp = log_expit(a_no).sum()
    da[no] = expit(-a_no)
    b_yes = a[yes] + gap[d.item[yes]]
    lp += log_expit(-b_yes).sum()
    db[yes] = -expit(b_yes)
    # abstain: log(s(b) - s(a)) = log s(b) + log s(-a) + log(1 - exp(-(b - a))), stable for any gap
    a_ab = a[abst]
    gap_ab = gap[d.item[abst]]
    b_ab = a_ab + gap_ab
    lp += (log_expit(b_ab) + log_expit(-a_ab) + np.log(-np.expm1(-gap_ab))).sum()
    inv = 1.0 / np.expm1(gap_ab)
    da[abst] = -expit(a_ab) - inv
    db[abst] = expit(-b_ab) + inv
    d_eta = -(da + db)
    g_theta = np.bincount(d.sy, weights=d_eta * beta[d.item], minlength=n_sy)
    g_beta = np.bincount(d.item, weights=d_eta * theta[d.sy], minlength=d.n_items)
    g_tau1 = np.bincount(d.item, weights=-d_eta, minlength=d.n_items)
    g_delta = np.bincount(d.item, weights=db, minlength=d.n_items) * gap
    # priors
    has_prev = d.prev >= 0
    step = theta[has_prev] - theta[d.prev[has_prev]]
    var = (d.sy_year[has_prev] - d.sy_year[d.prev[has_prev]]) * s.rho ** 2
    lp -= (step ** 2 / (2 * var)).sum()
    g_theta[has_prev] -= step / var
    np.subtract.at(g_theta, d.prev[has_prev], -step / var)
    lp -= (theta ** 2).sum() / (2 * s.theta_sd ** 2)
    g_theta -= theta / s.theta_sd ** 2
    lp -= (beta ** 2).sum() / (2 * s.beta_sd ** 2) + (tau1 ** 2).sum() / (2 * s.tau_sd ** 2) \
        + (delta ** 2).sum() / (2 * s.delta_sd ** 2)
    g_beta -= beta / s.beta_sd ** 2
    g_tau1 -= tau1 / s.tau_sd ** 2
    g_delta -= delta / s.delta_sd ** 2
    return -lp, -np.concatenate([g_theta, g_beta, g_tau1, g_delta])


def _start(votes: np.ndarray, d: Data) -> np.ndarray:
    """Starting values: each state's score on the first principal component of its votes (yes +1,
    abstain 0, no -1), and each roll call's loading on it; cutpoints from the vote shares."""
    signed = np.select([votes == YES, votes == NO], [1.0, -1.0], 0.0)
    centred = signed - signed.mean(axis=1, keepdims=True) * (votes > 0)
    u, sv, vt = np.linalg.svd(centred, full_matrices=False)
    state = vt[0] / (np.std(vt[0]) or 1.0)
    loading = u[:, 0] * sv[0] / np.sqrt(votes.shape[1])
    loading = np.clip(loading / (np.abs(loading).max() or 1) * 2, -2, 2)
    theta0 = state[d.sy_state]
    share_no = np.bincount(d.item, weights=(d.y == NO), minlength=d.n_items) + 0.5
    share_low = np.bincount(d.item, weights=(d.y != YES), minlength=d.n_items) + 1.0
    total = np.bincount(d.item, minlength=d.n_items) + 2.0
    tau1 = np.log(share_no / (total - share_no))
    tau2 = np.log(share_low / (total - share_low))
    delta = np.log(np.maximum(tau2 - tau1, 0.1))
    return np.concatenate([theta0, loading, tau1, delta])


def _intervals(theta: np.ndarray, beta: np.ndarray, tau1: np.ndarray, delta: np.ndarray, d: Data,
               s: Settings) -> np.ndarray:
    """Standard deviation of each state-year's position from the curvature at the optimum (see the top)."""
    eta = beta[d.item] * theta[d.sy]
    a = tau1[d.item] - eta
    b = a + np.exp(delta)[d.item]
    pa, pb = expit(a), expit(b)
    dno, dyes = pa * (1 - pa), pb * (1 - pb)  # |dP/deta| of the two outer categories
    p_abs = np.maximum(pb - pa, 1e-12)
    info = dno ** 2 / np.maximum(pa, 1e-12) + dyes ** 2 / np.maximum(1 - pb, 1e-12) + (dyes - dno) ** 2 / p_abs
    diag = np.bincount(d.sy, weights=info * beta[d.item] ** 2, minlength=len(theta))
    has_prev = d.prev >= 0
    prec = np.zeros(len(theta))
    prec[has_prev] = 1 / ((d.sy_year[has_prev] - d.sy_year[d.prev[has_prev]]) * s.rho ** 2)
    diag = diag + prec + 1 / s.theta_sd ** 2
    np.add.at(diag, d.prev[has_prev], prec[has_prev])
    sd = np.empty(len(theta))
    starts = np.flatnonzero(~has_prev)
    ends = np.append(starts[1:], len(theta))
    for lo, hi in zip(starts, ends, strict=True):  # one tridiagonal block per state
        k = hi - lo
        h = np.diag(diag[lo:hi])
        if k > 1:
            off = -prec[lo + 1:hi]
            h += np.diag(off, 1) + np.diag(off, -1)
        sd[lo:hi] = np.sqrt(np.diag(np.linalg.inv(h)))
    return sd


def fit(votes: np.ndarray, years: np.ndarray, codes: Sequence[str], ids: Sequence[str],
        settings: Settings = Settings(), progress: Callable[[int], None] | None = None) -> Fit:
    """Fit the model to a roll calls x states matrix of ordinal codes (0 none, 1 yes, 2 abstain, 3 no)."""
    started = time.perf_counter()
    data_digest = digest(votes, years, codes, ids)
    keep = ~unanimous(votes)
    votes, years = votes[keep], years[keep]
    ids = [i for i, k in zip(ids, keep, strict=True) if k]
    d = prepare(votes, years)
    x0 = _start(votes, d)
    iterations = 0

    def step(_x: np.ndarray) -> None:
        nonlocal iterations
        iterations += 1
        if progress:
            progress(1)

    result = minimize(_objective, x0, args=(d, settings), jac=True, method="L-BFGS-B", callback=step,
                      options={"maxiter": settings.max_iter, "ftol": settings.tolerance * 1e-3, "gtol": 1e-4})
    theta, beta, tau1, delta = _unpack(result.x, len(d.sy_state), d.n_items)
    codes = list(codes)
    anchor = [k for k, c in enumerate(codes) if c == settings.anchor]
    sign = 1.0
    if anchor and (d.sy_state == anchor[0]).any() and theta[d.sy_state == anchor[0]].mean() < 0:
        sign = -1.0
    sd = _intervals(theta, beta, tau1, delta, d, settings)
    theta, beta = theta * sign, beta * sign
    n_votes = np.bincount(d.sy, minlength=len(theta))
    points = pd.DataFrame({"actor": np.asarray(codes, dtype=object)[d.sy_state], "year": d.sy_year,
                           "ideal_point": theta, "low": theta - 1.96 * sd, "high": theta + 1.96 * sd,
                           "votes": n_votes})
    gap = np.exp(delta)
    # With the sign flipped, P(no) = s(tau1 - beta theta) keeps its form: beta and theta change sign together.
    items = pd.DataFrame({"resolution": ids, "discrimination": beta, "cut1": tau1, "cut2": tau1 + gap})
    if result.success:
        notes = []
    elif iterations >= settings.max_iter:
        notes = [f"stopped at the iteration limit ({settings.max_iter}); on the whole record that is within 0.016 "
                 "of the converged estimates (README, Ideal points)"]
    else:
        notes = [f"optimiser stopped: {result.message}"]
    return Fit(points, items, settings, data_digest, float(-result.fun), iterations,
               time.perf_counter() - started, int(votes.shape[0]), int(len(d.y)), notes)


def contributions(theta: float, item: pd.DataFrame, y: np.ndarray) -> np.ndarray:
    """How hard each of a state-year's votes pulls its position: d log P(vote) / d theta at the estimate.

    Positive pulls the position up (towards the United States' side), negative down. `item` has
    discrimination, cut1, cut2 per vote; `y` the votes (1 yes, 2 abstain, 3 no).
    """
    beta = item["discrimination"].to_numpy()
    a = item["cut1"].to_numpy() - beta * theta
    b = item["cut2"].to_numpy() - beta * theta
    gap = b - a
    inv = 1.0 / np.expm1(np.maximum(gap, 1e-9))
    da = np.where(y == NO, expit(-a), 0.0) + np.where(y == ABSTAIN, -expit(a) - inv, 0.0)
    db = np.where(y == YES, -expit(b), 0.0) + np.where(y == ABSTAIN, expit(-b) + inv, 0.0)
    return -(da + db) * beta
