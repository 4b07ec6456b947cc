"""Ideal points in the database: fit when the votes changed, store, read; and the published ones.

A Stance fit (stance.idealpoints) is stored as one run with its settings and the SHA-256 of the
votes it used; `ensure_fit` fits again only when either differs. Published estimates (Bailey,
Strezhnev and Voeten's files) are loaded by `load_published` as a run of their own.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import sqlite_utils

from stance import idealpoints as ip
from stance.db import write_transaction
from stance.errors import StanceError
from stance.queries.measures import Selection, ordinal_matrix

BSV_CITATION = ("Bailey, Michael A., Anton Strezhnev and Erik Voeten (2017), \"Estimating dynamic state "
                "preferences from United Nations voting data\", Journal of Conflict Resolution 61(2): 430-456; "
                "estimates from Erik Voeten's repository United-Nations-General-Assembly-Votes-and-Ideal-Points "
                "(Output/Idealpointestimates*_Apr2020.csv)")
BSV_COLUMNS = ("ccode", "session", "NVotes", "IdealPoint")
POINT_COLUMNS = ["actor", "year", "ideal_point", "low", "high", "votes"]


class PublishedFileError(StanceError):
    "A published ideal-point file cannot be read."


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def current_run(db: sqlite_utils.Database, source: str = "stance", variant: str = "") -> dict | None:
    """The latest run of a source (and variant), or None."""
    rows = list(db.query("SELECT * FROM ideal_point_runs WHERE source = ? AND variant = ? ORDER BY id DESC LIMIT 1",
                         [source, variant]))
    return rows[0] if rows else None


def is_current(db: sqlite_utils.Database, settings: ip.Settings | None = None) -> bool:
    """Whether the stored Stance run was fitted to exactly these votes with these settings."""
    settings = settings or ip.Settings()
    run = current_run(db)
    if run is None or run["settings"] != settings.as_json():
        return False
    vm = ordinal_matrix(db, Selection(body=settings.body))
    return run["data_digest"] == ip.digest(vm.votes, vm.years, vm.codes, vm.ids)


def ensure_fit(db: sqlite_utils.Database, settings: ip.Settings | None = None,
               progress: Callable[[int], None] | None = None, store: bool = True) -> tuple[dict, bool]:
    """The current Stance run, fitted (and stored, unless `store` is False) only if the votes or the
    settings changed since the last one. Returns (run, fitted now)."""
    settings = settings or ip.Settings()
    vm = ordinal_matrix(db, Selection(body=settings.body))
    if vm.votes.shape[0] == 0:
        raise StanceError(f"no {settings.body} roll-call votes to fit ideal points to")
    data_digest = ip.digest(vm.votes, vm.years, vm.codes, vm.ids)
    run = current_run(db)
    if run and run["data_digest"] == data_digest and run["settings"] == settings.as_json():
        return run, False
    fit = ip.fit(vm.votes, vm.years, vm.codes, vm.ids, settings, progress)
    run = {"source": "stance", "variant": "", "model": settings.model, "settings": settings.as_json(),
           "data_digest": fit.digest, "computed_at": _now(), "roll_calls": fit.roll_calls, "votes": fit.votes,
           "iterations": fit.iterations, "seconds": round(fit.seconds, 2), "log_posterior": fit.log_posterior,
           "notes": "; ".join(fit.notes) or None, "citation": None, "file": None}
    if store:
        with write_transaction(db):
            db.execute("DELETE FROM ideal_point_runs WHERE source = 'stance'")
            run["id"] = db["ideal_point_runs"].insert(run).last_pk
            _insert(db, "ideal_points", fit.points.assign(run=run["id"], session=None))
            _insert(db, "ideal_point_items", fit.items.assign(run=run["id"]))
    else:
        run["points"] = fit.points
    return run, True


def _insert(db: sqlite_utils.Database, table: str, df: pd.DataFrame) -> None:
    cols = list(df.columns)
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"  # names from code
    db.conn.executemany(sql, (tuple(None if (isinstance(v, float) and np.isnan(v)) else
                                    (v.item() if hasattr(v, "item") else v) for v in row)
                              for row in df.itertuples(index=False)))


def points(db: sqlite_utils.Database, source: str = "stance", variant: str = "") -> pd.DataFrame:
    """actor, name, year, ideal_point, low, high, votes of the current run of a source; empty if none."""
    run = current_run(db, source, variant)
    if run is None:
        return pd.DataFrame(columns=[*POINT_COLUMNS, "name"])
    return pd.read_sql_query(
        "SELECT p.actor, COALESCE(a.name, p.actor) AS name, p.year, p.ideal_point, p.low, p.high, p.votes "
        "FROM ideal_points p LEFT JOIN actors a ON a.code = p.actor WHERE p.run = ? ORDER BY p.actor, p.year",
        db.conn, params=[run["id"]])


def runs(db: sqlite_utils.Database) -> pd.DataFrame:
    """Every stored run, newest first, without the points."""
    return pd.read_sql_query("SELECT * FROM ideal_point_runs ORDER BY id DESC", db.conn)


def variants(db: sqlite_utils.Database) -> list[str]:
    """The published variants loaded (All, Important, ...)."""
    return [r[0] for r in db.execute("SELECT DISTINCT variant FROM ideal_point_runs WHERE source = 'published' "
                                     "ORDER BY variant = 'All' DESC, variant")]


def moved_most(db: sqlite_utils.Database, actor: str, year: int, n: int = 10) -> pd.DataFrame:
    """The votes of `actor` in `year` that pulled its Stance position hardest, either way.

    Columns: resolution, date, title, vote, pull (d log P / d position at the estimate: + towards
    the United States' side). Empty without a stored fit or votes."""
    run = current_run(db)
    row = db.execute("SELECT ideal_point FROM ideal_points WHERE run = ? AND actor = ? AND year = ?",
                     [run["id"] if run else -1, actor, year]).fetchone()
    if row is None:
        return pd.DataFrame(columns=["resolution", "date", "title", "vote", "pull"])
    df = pd.read_sql_query(
        "SELECT v.resolution, r.date, COALESCE(r.description, r.title, '') AS title, v.vote, i.discrimination, "
        "i.cut1, i.cut2 FROM votes v JOIN resolutions r ON r.id = v.resolution "
        "JOIN ideal_point_items i ON i.run = ? AND i.resolution = v.resolution "
        "WHERE v.actor = ? AND r.date >= ? AND r.date <= ? AND v.vote IN ('yes', 'abstain', 'no')",
        db.conn, params=[run["id"], actor, f"{year:04d}-01-01", f"{year:04d}-12-31"])
    if df.empty:
        return pd.DataFrame(columns=["resolution", "date", "title", "vote", "pull"])
    y = df["vote"].map({"yes": ip.YES, "abstain": ip.ABSTAIN, "no": ip.NO}).to_numpy()
    df["pull"] = ip.contributions(row[0], df, y)
    df = df.reindex(df["pull"].abs().sort_values(ascending=False).index).head(n)
    return df[["resolution", "date", "title", "vote", "pull"]].reset_index(drop=True)


# --- Published estimates -------------------------------------------------------------------------

def read_published(path: str | Path) -> pd.DataFrame:
    """A Bailey-Strezhnev-Voeten file as published: Latin-1 CSV, one row per state and session.

    Columns used: ccode (Correlates of War), session, NVotes, IdealPoint, and the 5 % and 95 %
    quantiles when present (Q5%, Q95%) as the interval. Bad rows are errors with file, line, field.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PublishedFileError(f"{path}: cannot read ({exc.strerror})") from None
    text = raw.decode("utf-8") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("latin-1")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in BSV_COLUMNS if c not in header]
    if missing:
        raise PublishedFileError(f"{path}:1: header: missing {', '.join(missing)} (expected a Bailey-Strezhnev-"
                                 f"Voeten ideal-point file: ccode, session, NVotes, IdealPoint, Q5%, Q95%, ...)")
    out, problems = [], []
    for line, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        try:
            values = {"ccode": int(float(row["ccode"])), "session": int(float(row["session"])),
                      "votes": int(float(row["NVotes"])) if row["NVotes"] not in ("", "NA") else None,
                      "ideal_point": float(row["IdealPoint"]),
                      "low": float(row["Q5%"]) if row.get("Q5%") not in (None, "", "NA") else None,
                      "high": float(row["Q95%"]) if row.get("Q95%") not in (None, "", "NA") else None,
                      "name": row.get("Countryname", "")}
        except ValueError:
            field = next(f for f in ("ccode", "session", "NVotes", "IdealPoint", "Q5%", "Q95%")
                         if not _number(row.get(f, "")))
            problems.append(f"{path}:{line}: {field}: {row.get(field, '')!r} is not a number")
            continue
        out.append(values)
    if problems:
        raise PublishedFileError("\n".join(problems[:20]) + (f"\n... and {len(problems) - 20} more"
                                                              if len(problems) > 20 else ""))
    return pd.DataFrame(out)


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return text in ("", "NA")


def load_published(db: sqlite_utils.Database, path: str | Path, variant: str | None = None) -> tuple[dict, int]:
    """Load a published file as the current run of its variant (All, Important, ...), replacing an
    older load of the same variant. Sessions become years (session + 1945, the year the session
    opens, when most of its votes are cast); COW codes become actors through data/cow_codes.csv,
    dated (the Soviet Union before 1992, Russia after) as the Voeten loader does.
    Returns (run, rows stored); unmapped codes are an error naming them."""
    from stance.actors import registry
    from stance.ingest.voeten import cow_states

    path = Path(path)
    df = read_published(path)
    reg, states = registry(), cow_states()
    actors, unknown = [], set()
    for ccode, session in zip(df["ccode"], df["session"], strict=True):
        day = f"{1945 + session}-12-01"
        code = reg.dated_code("cow", str(ccode), day) or (states[ccode].actor if ccode in states else None)
        if code is None:
            unknown.add(int(ccode))
        actors.append(reg.seat_holder(code, day) if code else None)
    if unknown:
        raise PublishedFileError(f"{path}: COW codes with no actor in data/cow_codes.csv: "
                                 f"{', '.join(map(str, sorted(unknown)))}; nothing was loaded")
    df = df.assign(actor=actors, year=df["session"] + 1945)
    duplicated = df.duplicated(["actor", "year"], keep=False)
    if duplicated.any():
        first = df[duplicated].iloc[0]
        raise PublishedFileError(f"{path}: {first['actor']} appears twice for session {first['session']}; "
                                 "nothing was loaded")
    variant = variant or _variant(path)
    run = {"source": "published", "variant": variant, "model": "Bailey, Strezhnev and Voeten (2017)",
           "settings": json.dumps({"file": path.name}), "data_digest": hashlib.sha256(path.read_bytes()).hexdigest(),
           "computed_at": _now(), "roll_calls": None, "votes": int(df["votes"].fillna(0).sum()), "iterations": None,
           "seconds": None, "log_posterior": None, "notes": None, "citation": BSV_CITATION, "file": path.name}
    with write_transaction(db):
        db.execute("DELETE FROM ideal_point_runs WHERE source = 'published' AND variant = ?", [variant])
        run["id"] = db["ideal_point_runs"].insert(run).last_pk
        _insert(db, "ideal_points", df[["actor", "year", "session", "ideal_point", "low", "high", "votes"]]
                .assign(run=run["id"]))
    return run, len(df)


def _variant(path: Path) -> str:
    """'IdealpointestimatesAll_Apr2020.csv' -> 'All'."""
    stem = path.stem
    if stem.lower().startswith("idealpointestimates"):
        stem = stem[len("idealpointestimates"):]
    return stem.split("_")[0] or "All"


def correlations(ours: pd.DataFrame, published: pd.DataFrame) -> tuple[float, pd.DataFrame]:
    """Pearson correlation of the two sets over the state-years both have: pooled, and per year
    (year, r, states). Years with fewer than 3 common states get no r."""
    both = ours[["actor", "year", "ideal_point"]].merge(
        published[["actor", "year", "ideal_point"]], on=["actor", "year"], suffixes=("", "_published"))
    pooled = float(both["ideal_point"].corr(both["ideal_point_published"])) if len(both) > 2 else float("nan")
    rows = [{"year": int(y), "r": float(g["ideal_point"].corr(g["ideal_point_published"])) if len(g) > 2
             else float("nan"), "states": len(g)} for y, g in both.groupby("year")]
    return pooled, pd.DataFrame(rows, columns=["year", "r", "states"])
