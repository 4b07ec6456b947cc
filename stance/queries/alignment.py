"""Voting alignment between countries, from UN roll-call votes only.

Agreement of two countries = the share of the resolutions both voted on (yes, no or abstain;
absent and non-voting do not count) where they voted alike. Optionally an abstention against a
yes or a no counts as half an agreement. A pair with fewer common votes than a chosen minimum
gets no number at all (NaN), never 0: "we do not know" is not "they always disagree".

The work is done once per filter by `vote_matrix`, which loads the votes as a resolutions x
countries array (cached by the dashboard); every agreement figure is then a matrix product on
it, so 193 countries over a million votes take milliseconds after the load.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlite_utils

from stance.queries.seats import line_labels, line_of

BODIES = {"both": None, "UNSC": "UNSC", "UNGA": "UNGA"}  # filter value -> resolutions.body
YES, NO, ABSTAIN = 1, 2, 3  # codes in VoteMatrix.votes; 0 = did not vote (absent, non-voting, not a member)


@dataclass(frozen=True)
class VoteMatrix:
    """Votes as a resolutions x countries array of codes (0 none, 1 yes, 2 no, 3 abstain)."""

    votes: np.ndarray  # int8, shape (resolutions, countries)
    years: np.ndarray  # int, the year of each resolution
    codes: tuple[str, ...]  # country codes, the columns, most votes first
    names: tuple[str, ...]  # their display names
    ids: tuple[str, ...] = ()  # the resolution of each row

    def index(self, code: str) -> int | None:
        return self.codes.index(code) if code in self.codes else None


def vote_years(db: sqlite_utils.Database) -> tuple[int, int] | None:
    """First and last year with any roll-call vote, or None when there are none."""
    row = db.execute("SELECT min(date), max(date) FROM resolutions r "
                     "WHERE EXISTS (SELECT 1 FROM votes v WHERE v.resolution = r.id)").fetchone()
    return None if not row or row[0] is None else (int(row[0][:4]), int(row[1][:4]))


def vote_issues(db: sqlite_utils.Database) -> pd.DataFrame:
    """Issues that have roll-call votes, with how many resolutions each."""
    return pd.read_sql_query("""
        SELECT i.slug, i.title, count(*) AS resolutions
        FROM issues i JOIN resolutions r ON r.issue = i.slug
        GROUP BY i.slug ORDER BY resolutions DESC, i.title""", db.conn)


def vote_matrix(db: sqlite_utils.Database, body: str = "both", issue: str = "", first: int | None = None,
                last: int | None = None, important: bool = False) -> VoteMatrix:
    """Every yes/no/abstain vote matching the filters, as a VoteMatrix.

    `important` keeps only roll calls the source marks important (unvotes' and Voeten's
    `importantvote`: the US State Department's list of important votes).

    SQL filters and returns one row per resolution with its votes packed as "CHN1,USA2,..."
    (actor code + vote code); numpy and pandas unpack them. Fetching a million rows one by one
    into Python took 0.8 s; the packed form needs about 0.45 s for a million votes.
    """
    if body not in BODIES:
        raise ValueError(f"body must be one of {', '.join(BODIES)}, not {body!r}")
    clauses, params = ["v.vote IN ('yes', 'no', 'abstain')"], []
    if BODIES[body]:
        clauses.append("r.body = ?")
        params.append(BODIES[body])
    if issue:
        clauses.append("r.issue = ?")
        params.append(issue)
    if important:
        clauses.append("r.important = 1")
    if first is not None:
        clauses.append("r.date >= ?")
        params.append(f"{first:04d}-01-01")
    if last is not None:
        clauses.append("r.date <= ?")
        params.append(f"{last:04d}-12-31")
    sql = ("SELECT CAST(substr(r.date, 1, 4) AS INTEGER), count(*), group_concat(v.actor || "
           "CASE v.vote WHEN 'yes' THEN 1 WHEN 'no' THEN 2 ELSE 3 END), r.id "
           "FROM resolutions r JOIN votes v ON v.resolution = r.id WHERE " + " AND ".join(clauses)
           + " GROUP BY r.id ORDER BY r.date, r.id")
    rows = db.execute(sql, params).fetchall()
    years = np.array([row[0] for row in rows], dtype=np.int64)
    per_resolution = np.array([row[1] for row in rows], dtype=np.int64)
    tokens = ",".join(row[2] for row in rows).split(",") if rows else []
    token_index, token_values = pd.factorize(pd.Series(tokens, dtype=object))
    vote_of_token = np.array([int(t[-1]) for t in token_values], dtype=np.int8)
    actor_index_of_token, actor_codes = pd.factorize(pd.Series([t[:-1] for t in token_values], dtype=object))
    votes = np.zeros((len(rows), len(actor_codes)), dtype=np.int8)
    if tokens:
        votes[np.repeat(np.arange(len(rows)), per_resolution), actor_index_of_token[token_index]] = \
            vote_of_token[token_index]
    order = np.lexsort((np.asarray(actor_codes, dtype=object).astype(str), -(votes > 0).sum(axis=0)))
    codes = tuple(str(actor_codes[i]) for i in order)
    names = dict(db.execute("SELECT code, name FROM actors").fetchall())
    return VoteMatrix(votes[:, order], years, codes, tuple(names.get(c, c) for c in codes),
                      tuple(row[3] for row in rows))


def select_years(vm: VoteMatrix, first: int | None = None, last: int | None = None) -> VoteMatrix:
    """The matrix `vote_matrix` gives for years `first`..`last`, cut from a matrix of all years.

    Rows are the resolutions of those years (in the same order); columns the countries with a
    vote among them, most votes first, ties by code, exactly as `vote_matrix` orders them. The
    page loads all years of a body and issue once and cuts here, so moving the years slider costs
    milliseconds instead of another 0.7 s load of a million votes.
    """
    rows = np.ones(len(vm.years), dtype=bool)
    if first is not None:
        rows &= vm.years >= first
    if last is not None:
        rows &= vm.years <= last
    votes = vm.votes[rows]
    cast = (votes > 0).sum(axis=0)
    kept = np.flatnonzero(cast > 0)
    codes = np.asarray(vm.codes, dtype=object)[kept].astype(str)
    order = kept[np.lexsort((codes, -cast[kept]))]
    ids = tuple(np.asarray(vm.ids, dtype=object)[rows]) if vm.ids else ()
    return VoteMatrix(votes[:, order], vm.years[rows], tuple(vm.codes[i] for i in order),
                      tuple(vm.names[i] for i in order), ids)


def follow_seat(vm: VoteMatrix) -> VoteMatrix:
    """One column per UN seat: the Soviet Union's votes join Russia's, West Germany's Germany's.

    Votes are stored under the state that cast them, so a seat's states never both vote on one
    roll call; their columns merge without loss. The merged column takes the line's code and its
    label ("Russia (Soviet Union to 1991)"); columns are ordered as `vote_matrix` orders them."""
    lines = [line_of(code) for code in vm.codes]
    if lines == list(vm.codes):
        return vm
    line_codes = list(dict.fromkeys(lines))
    votes = np.zeros((vm.votes.shape[0], len(line_codes)), dtype=vm.votes.dtype)
    at = {code: i for i, code in enumerate(line_codes)}
    for column, line in enumerate(lines):
        np.maximum(votes[:, at[line]], vm.votes[:, column], out=votes[:, at[line]])
    cast = (votes > 0).sum(axis=0)
    order = np.lexsort((np.asarray(line_codes, dtype=object).astype(str), -cast))
    merged = {line for code, line in zip(vm.codes, lines, strict=True) if code != line}
    labels = line_labels(merged)
    names = dict(zip(vm.codes, vm.names, strict=True))
    return VoteMatrix(votes[:, order], vm.years, tuple(line_codes[i] for i in order),
                      tuple(labels.get(line_codes[i]) or names.get(line_codes[i], line_codes[i]) for i in order),
                      vm.ids)


def countries(vm: VoteMatrix) -> pd.DataFrame:
    """The countries in the matrix with how many votes each cast: the country pickers' list."""
    return pd.DataFrame({"code": list(vm.codes), "name": list(vm.names),
                         "votes": (vm.votes > 0).sum(axis=0).astype(int)})


def pair_counts(left: np.ndarray, right: np.ndarray, half_abstain: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(agreement score, common votes) for every column of `left` against every column of `right`.

    Both are resolutions x countries vote-code arrays over the same resolutions. The score counts
    1 per identical vote, plus 0.5 per abstention against a yes or a no when `half_abstain`.
    With S = yes - no and B = yes + no (per country), identical yes/no votes are (S'S + B'B) / 2,
    so four matrix products give everything: S'S, B'B, A'A and A'B (A = abstain).
    """
    def parts(votes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        yes, no = votes == YES, votes == NO
        # float32 products run on BLAS and are exact for counts below 2**24.
        return ((yes.astype(np.float32) - no), (yes | no).astype(np.float32), (votes == ABSTAIN).astype(np.float32))

    ls, lb, la = parts(left)
    rs, rb, ra = (ls, lb, la) if right is left else parts(right)
    yes_no_common = lb.T @ rb
    abstain_both = la.T @ ra
    abstain_left = la.T @ rb
    # One abstains, the other votes yes or no; for a matrix against itself that is a transpose.
    mixed = abstain_left + (abstain_left.T if right is left else lb.T @ ra)
    same = (ls.T @ rs + yes_no_common) / 2 + abstain_both
    if half_abstain:
        same = same + 0.5 * mixed
    common = yes_no_common + abstain_both + mixed
    return same.astype(np.float64), np.rint(common).astype(np.int64)


def _share(score: np.ndarray, common: np.ndarray, min_votes: int) -> np.ndarray:
    """score / common, NaN where the pair has fewer than `min_votes` (and at least one) common votes."""
    enough = common >= max(min_votes, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(enough, score / np.maximum(common, 1), np.nan)


def agreement(vm: VoteMatrix, codes: tuple[str, ...], half_abstain: bool = False,
              min_votes: int = 1) -> pd.DataFrame:
    """Agreement for every ordered pair of `codes` (unknown codes are skipped), long form.

    Columns: actor, actor_name, other, other_name, agree (0..1 or NaN), common.
    """
    cols = [vm.index(c) for c in codes if vm.index(c) is not None]
    sub = vm.votes[:, cols]
    score, common = pair_counts(sub, sub, half_abstain)
    agree = _share(score, common, min_votes)
    n = len(cols)
    a, b = np.repeat(np.arange(n), n), np.tile(np.arange(n), n)
    chosen_codes = np.array([vm.codes[i] for i in cols], dtype=object)
    chosen_names = np.array([vm.names[i] for i in cols], dtype=object)
    return pd.DataFrame({"actor": chosen_codes[a], "actor_name": chosen_names[a], "other": chosen_codes[b],
                         "other_name": chosen_names[b], "agree": agree.ravel(), "common": common.ravel()})


def most_similar(vm: VoteMatrix, code: str, half_abstain: bool = False, min_votes: int = 1,
                 n: int = 10) -> pd.DataFrame:
    """The `n` countries that vote most like `code`; ties broken by more common votes, then name."""
    i = vm.index(code)
    if i is None:
        return pd.DataFrame(columns=["code", "name", "agree", "common"])
    score, common = pair_counts(vm.votes[:, [i]], vm.votes, half_abstain)
    df = pd.DataFrame({"code": list(vm.codes), "name": list(vm.names),
                       "agree": _share(score, common, min_votes)[0], "common": common[0]})
    df = df[(df["code"] != code) & df["agree"].notna()]
    return df.sort_values(["agree", "common", "name"], ascending=[False, False, True]).head(n).reset_index(drop=True)


def pair_by_year(vm: VoteMatrix, a: str, b: str, half_abstain: bool = False) -> pd.DataFrame:
    """Agreement of two countries year by year: year, agree (NaN without common votes), common, score.

    Every year from the first to the last resolution gets a row, so years without votes show as
    gaps. No minimum is applied here: the chart marks thin years instead of hiding them.
    """
    ia, ib = vm.index(a), vm.index(b)
    if ia is None or ib is None or vm.votes.shape[0] == 0:
        return pd.DataFrame({"year": pd.Series(dtype=int), "agree": pd.Series(dtype=float),
                             "common": pd.Series(dtype=int), "score": pd.Series(dtype=float)})
    va, vb = vm.votes[:, ia], vm.votes[:, ib]
    both = (va > 0) & (vb > 0)
    points = ((va == vb) & both).astype(float)
    if half_abstain:
        points += 0.5 * (both & ((va == ABSTAIN) != (vb == ABSTAIN)))
    years = np.arange(vm.years.min(), vm.years.max() + 1)
    offset = vm.years - years[0]
    common = np.bincount(offset, weights=both, minlength=len(years)).astype(int)
    score = np.bincount(offset, weights=points, minlength=len(years))
    return pd.DataFrame({"year": years, "agree": _share(score, common, 1), "common": common, "score": score})


def bloc_order(agree: np.ndarray) -> list[int]:
    """An order of the rows that puts countries voting alike next to each other, so blocs stand out.

    Average-linkage hierarchical clustering on distance 1 - agreement (unknown pairs count as the
    mean distance), with each merge oriented so the closest ends of the two clusters meet. About
    20 ms for 193 countries; scipy would do the same but is not a dependency.
    """
    n = len(agree)
    if n <= 2:
        return list(range(n))
    dist = 1.0 - np.asarray(agree, dtype=float)
    known = dist[np.isfinite(dist)]
    dist = np.where(np.isfinite(dist), dist, known.mean() if known.size else 0.5)
    dist = (dist + dist.T) / 2
    link = dist.copy()
    np.fill_diagonal(link, np.inf)
    sizes = np.ones(n)
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    for _ in range(n - 1):
        i, j = np.unravel_index(np.argmin(link), link.shape)
        i, j = min(i, j), max(i, j)
        merged = (link[i] * sizes[i] + link[j] * sizes[j]) / (sizes[i] + sizes[j])
        link[i, :], link[:, i] = merged, merged
        link[i, i] = np.inf
        link[j, :], link[:, j] = np.inf, np.inf
        members[i] = _join(members[i], members.pop(j), dist)
        sizes[i] += sizes[j]
    (order,) = members.values()
    return order


def _join(left: list[int], right: list[int], dist: np.ndarray) -> list[int]:
    """Concatenate two leaf orders, flipping either so that the two nearest ends touch."""
    options = [left + right, left + right[::-1], left[::-1] + right, left[::-1] + right[::-1]]
    ends = [(left[-1], right[0]), (left[-1], right[-1]), (left[0], right[0]), (left[0], right[-1])]
    best = min(range(4), key=lambda k: (dist[ends[k]], k))
    return options[best]
