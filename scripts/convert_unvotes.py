"""Convert the unvotes package's original `.rda` files into the compressed CSVs Stance ships in data/unvotes/.

Run once, when the source files change (the output is committed; the dashboard never runs this):

    pip install pyreadr          # a script-time dependency only, not in requirements.txt
    python scripts/convert_unvotes.py                       # reads ../shared/data/unvotes/*.rda
    python scripts/convert_unvotes.py --src DIR --out DIR

Why a second script beside `fetch_unvotes.py`: that one downloads the CRAN tarball and reads it with `rdata`;
this one starts from the original `.rda` files as the R package's repository holds them (see PROVENANCE.md next
to them) and reads them with `pyreadr`. Both write the same form, R's `write.csv` (the form the `unvotes` loader
reads): strings quoted, so Namibia's code is the quoted "NA" and a missing code a bare NA.

The conversion checks itself before it writes README.md: the files are parsed back without pandas and their row
counts, and the yes / abstain / no totals of every (country, code) pair, must equal the `.rda` exactly.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fetch_unvotes as fu  # noqa: E402  (a sibling script, not a package)

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO.parent / "shared" / "data" / "unvotes"
NUMERIC = {"un_roll_calls": ("session", "importantvote", "amend", "para"), "un_votes": ("rcid",),
           "un_roll_call_issues": ("rcid",)}


def read_rda(src: Path) -> dict[str, pd.DataFrame]:
    """The three tables, with the column kinds `fetch_unvotes.check` expects.

    pyreadr gives `importantvote`, `amend` and `para` as object columns mixing int and NaN, and `date` as
    datetime.date objects: make them numeric and datetime so they are written bare, as R writes them.
    """
    try:
        import pyreadr
    except ImportError:
        sys.exit("needs pyreadr at conversion time: pip install pyreadr")
    frames = {}
    for name in fu.TABLES:
        df = pyreadr.read_r(str(src / f"{name}.rda"))[name]
        for column in NUMERIC[name]:
            df[column] = pd.to_numeric(df[column].astype(object), errors="raise").astype("float64")
        if name == "un_roll_calls":
            df["date"] = pd.to_datetime(df["date"])
        for column in df.columns:
            if fu._kind(df[column]) == "str":
                df[column] = df[column].astype(object)
        frames[name] = df
    return frames


def vote_totals_rda(votes: pd.DataFrame) -> Counter:
    keys = zip(votes["country"].astype(object), votes["country_code"].astype(object), votes["vote"].astype(str),
               strict=True)
    return Counter((c, None if fu._missing(k) else k, v) for c, k, v in keys)


def vote_totals_written(out: Path) -> Counter:
    rows = fu.read_back(out)["un_votes"]
    return Counter((r["country"], r["country_code"], r["vote"]) for r in rows)


def verify(frames: dict[str, pd.DataFrame], out: Path, figures: dict) -> list[str]:
    """Row counts and per-country vote totals of the written files against the .rda; exit on any difference."""
    for name, df in frames.items():
        if figures["rows"][name] != len(df):
            sys.exit(f"{name}: the .rda has {len(df)} rows, the written file {figures['rows'][name]}")
    source, written = vote_totals_rda(frames["un_votes"]), vote_totals_written(out)
    if source != written:
        diff = (source - written) + (written - source)
        sys.exit(f"per-country vote totals differ in {len(diff)} (country, code, vote) cells, e.g. {list(diff)[:5]}")
    return [f"rows: {figures['rows']}",
            f"per-country yes/abstain/no totals: {len(source)} (country, code, vote) cells, all equal to the .rda"]


def write_readme(out: Path, md5s: dict[str, str], figures: dict, checks: list[str], notes: list[str]) -> None:
    lo, hi = figures["date_range"]
    lines = [
        "# The UN General Assembly roll-call record (R package unvotes), as Stance ships it",
        "",
        "Built by `scripts/convert_unvotes.py` from the original data files of the R package **unvotes**",
        "(version 0.2.0.9000, repository dgrtwo/unvotes, commit 7eb7034314ff79c49c9e0785fcd9d216fa04cf14, folder",
        "`data/`). Do not edit by hand: rerun the script.",
        "",
        "- Data: Erik Voeten, \"United Nations General Assembly Voting Data\", Harvard Dataverse, hdl:1902.1/12379",
        "  (doi:10.7910/DVN/LEJUQZ), dedicated to the public domain (CC0). Package code: MIT.",
        "- Cite: Voeten, Erik; Strezhnev, Anton; Bailey, Michael, 2009, \"United Nations General Assembly Voting",
        "  Data\", Harvard Dataverse, hdl:1902.1/12379; and Robinson, D., unvotes (R package).",
        f"- Roll calls dated {lo} to {hi}.",
        "",
        "| file | columns | rows | distinct rcid | md5 of the .gz |",
        "| --- | --- | ---: | ---: | --- |",
    ]
    for name, cols in fu.TABLES.items():
        lines.append(f"| `{name}.csv.gz` | {', '.join(cols)} | {figures['rows'][name]:,} |"
                     f" {figures['distinct_rcid'][name]:,} | `{md5s[name]}` |")
    lines += [
        "",
        "## Format",
        "",
        "R's `write.csv(x, row.names = FALSE)`: strings quoted, numbers and dates bare, a missing value a bare `NA`.",
        "Namibia's ISO-2 code is the quoted string `\"NA\"`; a bare `NA` is a missing code. Read them with",
        "`python -m stance load` (kind `unvotes`), which keeps that difference; a default `pandas.read_csv` does not.",
        "",
        "## Checked at conversion",
        "",
    ] + [f"- {c}" for c in checks] + ["", "## Facts of the record (not errors)", ""] + [f"- {n}" for n in notes] + [
        "- Codes that are not current ISO 3166-1: `YU` (the SFR Yugoslavia to 1992, the FR Yugoslavia / Serbia and",
        "  Montenegro 2000-2006, Serbia from 2006), `CS` (Czechoslovakia), `DD` (the GDR), `YD` (South Yemen); the",
        "  USSR's votes are under `RU`. Stance stores each vote under the state that cast it on that day",
        "  (`data/historic_codes.csv`, `data/successions.csv`).",
        "- rcid does not follow time or session; never derive a date from it.",
    ]
    (out / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", type=Path, default=SOURCE, help=f"folder with the three .rda files (default {SOURCE})")
    ap.add_argument("--out", type=Path, default=REPO / "data" / "unvotes")
    args = ap.parse_args(argv)
    frames = read_rda(args.src)
    notes = fu.check(frames)
    args.out.mkdir(parents=True, exist_ok=True)
    md5s = {}
    for name in fu.TABLES:
        blob = fu.gzip_bytes(fu.to_csv_bytes(frames[name]))
        (args.out / f"{name}.csv.gz").write_bytes(blob)
        md5s[name] = hashlib.md5(blob).hexdigest()
        print(f"{args.out / (name + '.csv.gz')}: {len(frames[name]):,} rows, {len(blob) / 1e6:.1f} MB")
    figures = fu.report(args.out)
    checks = verify(frames, args.out, figures)
    write_readme(args.out, md5s, figures, checks, notes)
    for line in checks:
        print(line)
    fu.print_report(figures)


if __name__ == "__main__":
    main()
