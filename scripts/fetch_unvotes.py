"""Rebuild data/unvotes/ from the R package `unvotes` on CRAN (UN General Assembly roll-call votes).

What it downloads, and from where
    1. The CRAN source index https://cran.r-project.org/src/contrib/ (one HTML page), to find the newest
       source tarball's exact name (e.g. unvotes_0.3.0.tar.gz). `--version` skips this look-up.
    2. That tarball, https://cran.r-project.org/src/contrib/unvotes_<VERSION>.tar.gz
       (older versions live under .../src/contrib/Archive/unvotes/; `--tarball PATH` uses a copy you already have).
    Nothing else is fetched. The tarball is read in memory: only DESCRIPTION, README.md and data/*.rda are used.

What it writes (into data/unvotes/ unless `--out DIR`)
    un_votes.csv.gz             rcid,country,country_code,vote
    un_roll_calls.csv.gz        rcid,session,importantvote,date,unres,amend,para,short,descr
    un_roll_call_issues.csv.gz  rcid,short_name,issue
    README.md                   provenance, licence, citation, row counts, date range, md5 of each .gz
    The CSVs are byte-for-byte what R's `write.csv(x, row.names = FALSE)` writes: quoted header, character and
    factor columns in double quotes (a quote inside is doubled, a newline is kept inside the quotes), numbers,
    logicals and dates (YYYY-MM-DD) bare, missing values as bare NA. So Namibia's ISO-2 code is written "NA"
    (quoted, a real string), while a code that is missing in the package is written NA (bare). Factors (vote,
    issue) are written as their labels. The gzip files carry no name or time stamp, so a rebuild from the same
    tarball gives the same md5.

Licence
    The package's own licence is whatever its DESCRIPTION `License:` field says; the script copies that field
    verbatim into README.md rather than assume it. The package's data come from Erik Voeten's "United Nations
    General Assembly Voting Data" on Harvard Dataverse (https://dataverse.harvard.edu/dataset.xhtml?persistentId=
    hdl:1902.1/12379); the package's data-raw/README.md (GitHub dgrtwo/unvotes) notes that, per the Dataverse
    terms, those files are dedicated to the public domain under CC0. README.md quotes the citation lines from the
    package's own README.md.

Requirements
    pandas (already a project requirement) and, at conversion time only, the PyPI package `rdata` (reads .rda
    without R). It is not a project requirement; install it into a throwaway directory:
        pip install --target /tmp/rdata_pkg --no-deps rdata xarray
        PYTHONPATH=/tmp/rdata_pkg python scripts/fetch_unvotes.py
    (`--no-deps` keeps pip from putting a second pandas/numpy into that directory; rdata needs numpy, pandas,
    xarray and typing_extensions, of which only xarray is not already installed for the project.)

Usage
    PYTHONPATH=/tmp/rdata_pkg python scripts/fetch_unvotes.py                 # newest version from CRAN
    PYTHONPATH=/tmp/rdata_pkg python scripts/fetch_unvotes.py --version 0.3.0
    PYTHONPATH=/tmp/rdata_pkg python scripts/fetch_unvotes.py --tarball ~/Downloads/unvotes_0.3.0.tar.gz
    python scripts/fetch_unvotes.py --report-only     # just print the check figures from data/unvotes/*.csv.gz
    After building, it prints check figures (row counts, distinct rcids, orphans, US-China agreement by year,
    top-10 agreement with the US since 2000) computed from the written files, parsed back without pandas.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import math
import re
import sys
import tarfile
import tempfile
import urllib.request
import warnings
from collections import defaultdict
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
CRAN = "https://cran.r-project.org/src/contrib/"
PACKAGE = "unvotes"

TABLES: dict[str, list[str]] = {
    "un_votes": ["rcid", "country", "country_code", "vote"],
    "un_roll_calls": ["rcid", "session", "importantvote", "date", "unres", "amend", "para", "short", "descr"],
    "un_roll_call_issues": ["rcid", "short_name", "issue"],
}
VOTES = {"yes", "no", "abstain"}
ISSUE_CODES = {"me", "nu", "di", "hr", "co", "ec"}
# The kind each column must have once read: "str" is written quoted, the others bare.
KINDS: dict[str, dict[str, str]] = {
    "un_votes": {"rcid": "num", "country": "str", "country_code": "str", "vote": "str"},
    "un_roll_calls": {
        "rcid": "num", "session": "num", "importantvote": "num", "date": "date", "unres": "str",
        "amend": "num", "para": "num", "short": "str", "descr": "str",
    },
    "un_roll_call_issues": {"rcid": "num", "short_name": "str", "issue": "str"},
}
YEARS = (1971, 1980, 1990, 2000, 2010, 2019)


# --------------------------------------------------------------------------- download


def _get(url: str) -> bytes:
    req = urllib.request.Request(url, headers={"User-Agent": "stance-fetch-unvotes/1"})
    with urllib.request.urlopen(req, timeout=120) as resp:
        return resp.read()


def _version_key(v: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.split(r"[.-]", v))


def newest_version(cran: str) -> str:
    """The highest unvotes_<V>.tar.gz named in CRAN's source index page."""
    page = _get(cran).decode("utf-8", "replace")
    found = set(re.findall(rf'href="{PACKAGE}_([0-9]+(?:[.-][0-9]+)*)\.tar\.gz"', page))
    if not found:
        sys.exit(f"no {PACKAGE}_*.tar.gz in the index at {cran}")
    return max(found, key=_version_key)


# --------------------------------------------------------------------------- read the tarball


def _date_constructor(obj, attrs):  # R class "Date": days since 1970-01-01, NA as NaN
    days = np.asarray(obj, dtype="float64")
    return pd.Series(pd.to_datetime(np.floor(days), unit="D", origin="unix")).array


def read_tarball(blob: bytes) -> tuple[dict[str, pd.DataFrame], str, str]:
    """Return ({table: DataFrame}, DESCRIPTION text, README.md text) from the package source tarball."""
    try:
        import rdata
    except ImportError:
        sys.exit("needs the PyPI package rdata: pip install --target /tmp/rdata_pkg --no-deps rdata xarray; "
                 "then run with PYTHONPATH=/tmp/rdata_pkg")
    constructors = dict(rdata.conversion.DEFAULT_CLASS_MAP)
    constructors.update({
        "tbl_df": rdata.conversion.dataframe_constructor,
        "tbl": rdata.conversion.dataframe_constructor,
        "Date": _date_constructor,
    })
    frames: dict[str, pd.DataFrame] = {}
    texts = {"DESCRIPTION": "", "README.md": ""}
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar, tempfile.TemporaryDirectory() as tmp:
        for member in tar.getmembers():
            parts = member.name.split("/")
            if not member.isfile() or parts[0] != PACKAGE:
                continue
            rel = "/".join(parts[1:])
            if rel in texts:
                texts[rel] = tar.extractfile(member).read().decode("utf-8", "replace")
            elif rel.startswith("data/") and rel.endswith(".rda") and rel[5:-4] in TABLES:
                path = Path(tmp) / Path(rel).name
                path.write_bytes(tar.extractfile(member).read())
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    objs = rdata.read_rda(path, constructor_dict=constructors)
                for w in caught:  # an R class we have no constructor for would lose its meaning silently
                    if "Missing constructor" in str(w.message):
                        sys.exit(f"{rel}: {w.message}")
                frames.update({k: v for k, v in objs.items() if k in TABLES})
    missing = set(TABLES) - set(frames)
    if missing or not texts["DESCRIPTION"]:
        sys.exit(f"tarball lacks {sorted(missing) or 'DESCRIPTION'}")
    return frames, texts["DESCRIPTION"], texts["README.md"]


def _kind(s: pd.Series) -> str:
    if isinstance(s.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(s.dtype) or s.dtype == object:
        return "str"
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return "date"
    if pd.api.types.is_bool_dtype(s.dtype):
        return "bool"
    if pd.api.types.is_numeric_dtype(s.dtype):
        return "num"
    return str(s.dtype)


def check(frames: dict[str, pd.DataFrame]) -> list[str]:
    """Select the documented columns, check their kinds and values; return notes for README.md."""
    notes = []
    for name, cols in TABLES.items():
        df = frames[name]
        absent = [c for c in cols if c not in df.columns]
        if absent:
            sys.exit(f"{name}: columns {absent} not in the package (has {list(df.columns)})")
        extra = [c for c in df.columns if c not in cols]
        if extra:
            notes.append(f"`{name}` in the package also has columns {', '.join(extra)}; they are not written.")
        df = frames[name] = df[cols].reset_index(drop=True)
        for c in cols:
            got, want = _kind(df[c]), KINDS[name][c]
            if got != want:
                sys.exit(f"{name}.{c}: read as {df[c].dtype} ({got}), expected {want}")
            if got == "str":  # object dtype must hold only str or missing
                bad = {type(v).__name__ for v in df[c] if not (isinstance(v, str) or _missing(v))}
                if bad:
                    sys.exit(f"{name}.{c}: non-string values of type {bad}")
    votes = frames["un_votes"]
    vals = set(votes["vote"].dropna().astype(str))
    if not vals <= VOTES or votes["vote"].isna().any():
        sys.exit(f"un_votes.vote has values {sorted(vals)} / missing {int(votes['vote'].isna().sum())}")
    codes = set(frames["un_roll_call_issues"]["short_name"].dropna())
    if not codes <= ISSUE_CODES:
        sys.exit(f"un_roll_call_issues.short_name has unexpected codes {sorted(codes - ISSUE_CODES)}")
    # Namibia: the string "NA" (kept, written quoted) versus a missing code (written bare NA).
    nam = votes.loc[votes["country"] == "Namibia", "country_code"]
    nam_str = int((nam == "NA").sum())
    nam_missing = int(nam.isna().sum())
    print(f"Namibia rows: {len(nam)}; country_code == string 'NA': {nam_str}; missing: {nam_missing}")
    if len(nam) and nam_str != len(nam):
        sys.exit("Namibia's country_code is not the string 'NA' in every row: check before writing")
    no_code = votes.loc[votes["country_code"].isna(), "country"].value_counts()
    if len(no_code):
        listed = ", ".join(f"{c} ({n})" for c, n in no_code.items())
        notes.append(f"`country_code` is missing (bare NA) in the package for: {listed}.")
    print("country_code missing for:", dict(no_code) or "none")
    return notes


# --------------------------------------------------------------------------- write like R's write.csv


def _missing(v) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def _fmt_num(v) -> str:
    if _missing(v):
        return "NA"
    f = float(v)
    if math.isinf(f):
        return "Inf" if f > 0 else "-Inf"
    if f.is_integer() and abs(f) < 1e15:
        return str(int(f))
    return format(f, ".15g")  # R writes doubles with 15 significant digits


def _fmt_str(v) -> str:
    return "NA" if _missing(v) else '"' + str(v).replace('"', '""') + '"'


def _fmt_date(v) -> str:
    return "NA" if _missing(v) else v.strftime("%Y-%m-%d")


def _fmt_bool(v) -> str:
    return "NA" if _missing(v) else ("TRUE" if v else "FALSE")


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    fmts = {"str": _fmt_str, "num": _fmt_num, "date": _fmt_date, "bool": _fmt_bool}
    columns = []
    for c in df.columns:
        fmt = fmts[_kind(df[c])]
        columns.append([fmt(v) for v in df[c].astype(object)])
    lines = [",".join(f'"{c}"' for c in df.columns)]
    lines.extend(",".join(row) for row in zip(*columns, strict=True))
    return ("\n".join(lines) + "\n").encode("utf-8")


def gzip_bytes(raw: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(raw)
    return buf.getvalue()


# --------------------------------------------------------------------------- read back and check figures


_FIELD = re.compile(r'"((?:[^"]|"")*)"|([^,"\n]*)')


def parse_csv(text: str) -> list[list[str | None]]:
    """Parse write.csv output: a quoted field is a string (so "NA" is the text NA), a bare NA is None."""
    rows: list[list[str | None]] = []
    row: list[str | None] = []
    pos, n = 0, len(text)
    while pos < n:
        m = _FIELD.match(text, pos)
        quoted, bare = m.group(1), m.group(2)
        row.append(quoted.replace('""', '"') if quoted is not None else (None if bare == "NA" else bare))
        pos = m.end()
        if pos < n and text[pos] == ",":
            pos += 1
            if pos == n:
                row.append("")
        elif pos >= n or text[pos] == "\n":
            rows.append(row)
            row = []
            pos += 1
        else:
            raise ValueError(f"malformed CSV at character {pos}: {text[pos:pos + 40]!r}")
    return rows


def read_back(out: Path) -> dict[str, list[dict[str, str | None]]]:
    """Read the written .csv.gz files back, independently of pandas, as lists of {column: str or None}."""
    tables = {}
    for name, cols in TABLES.items():
        text = gzip.decompress((out / f"{name}.csv.gz").read_bytes()).decode("utf-8")
        header, *rows = parse_csv(text)
        if header != cols or any(len(r) != len(cols) for r in rows):
            sys.exit(f"{name}: header {header} or a row of the wrong width")
        tables[name] = [dict(zip(cols, r, strict=True)) for r in rows]
    return tables


def report(out: Path) -> dict:
    t = read_back(out)
    votes, calls, issues = t["un_votes"], t["un_roll_calls"], t["un_roll_call_issues"]
    figures: dict = {"rows": {k: len(v) for k, v in t.items()}}
    figures["distinct_rcid"] = {k: len({r["rcid"] for r in v}) for k, v in t.items()}
    vote_ids, call_ids = {r["rcid"] for r in votes}, {r["rcid"] for r in calls}
    figures["un_votes_rcids_without_roll_call"] = len(vote_ids - call_ids)
    figures["roll_calls_without_votes"] = len(call_ids - vote_ids)
    figures["issue_rcids_without_roll_call"] = len({r["rcid"] for r in issues} - call_ids)
    dates = [r["date"] for r in calls if r["date"] is not None]
    figures["date_range"] = (min(dates), max(dates)) if dates else None
    figures["roll_calls_without_date"] = sum(r["date"] is None for r in calls)
    figures["namibia_code_NA_string"] = sum(r["country"] == "Namibia" and r["country_code"] == "NA" for r in votes)
    figures["country_code_missing"] = sum(r["country_code"] is None for r in votes)
    when = {r["rcid"]: date.fromisoformat(r["date"]) for r in calls if r["date"] is not None}
    by_code: dict[str, dict[str, str]] = defaultdict(dict)  # country_code -> {rcid: vote}
    by_name: dict[str, dict[str, str]] = defaultdict(dict)  # country name -> {rcid: vote}
    for r in votes:
        if r["country_code"] is not None:
            by_code[r["country_code"]][r["rcid"]] = r["vote"]
        by_name[r["country"]][r["rcid"]] = r["vote"]
    us, cn = by_code["US"], by_code["CN"]
    per_year = {}
    for y in YEARS:
        common = [k for k in us.keys() & cn.keys() if k in when and when[k].year == y]
        same = sum(us[k] == cn[k] for k in common)
        per_year[y] = (same / len(common) if common else None, len(common), same)
    figures["us_cn_agreement_by_year"] = per_year
    top = []
    us_name = by_name["United States"]
    for country, mine in by_name.items():
        if country == "United States":
            continue
        common = [k for k in us_name.keys() & mine.keys() if k in when and when[k] >= date(2000, 1, 1)]
        if len(common) >= 100:
            same = sum(us_name[k] == mine[k] for k in common)
            top.append((same / len(common), len(common), country))
    top.sort(key=lambda x: (-x[0], x[2]))
    figures["top10_agreement_with_us_since_2000"] = top[:10]
    return figures


def print_report(f: dict) -> None:
    print("\nCheck figures (from the written .csv.gz, parsed back independently of pandas)")
    for k in ("rows", "distinct_rcid"):
        print(f"  {k}: {f[k]}")
    for k in ("un_votes_rcids_without_roll_call", "roll_calls_without_votes", "issue_rcids_without_roll_call",
              "date_range", "roll_calls_without_date", "namibia_code_NA_string", "country_code_missing"):
        print(f"  {k}: {f[k]}")
    print("  US-CN agreement by year (same vote / both voted; year of the roll call date):")
    for y, (share, n, same) in f["us_cn_agreement_by_year"].items():
        print(f"    {y}: {'-' if share is None else f'{share:.4f}'}  ({same} of {n} common roll calls)")
    print("  Top 10 agreement with the United States, roll calls dated 2000-01-01 on, >= 100 common:")
    for share, n, country in f["top10_agreement_with_us_since_2000"]:
        print(f"    {country}: {share:.4f} over {n}")


# --------------------------------------------------------------------------- README


def _field(description: str, key: str) -> str:
    m = re.search(rf"^{key}:[ \t]*(.*(?:\n[ \t]+.*)*)", description, re.M)
    return " ".join(m.group(1).split()) if m else "(not stated)"


def write_readme(out: Path, version: str, source: str, tar_md5: str, description: str, pkg_readme: str,
                 figures: dict, md5s: dict[str, str], notes: list[str]) -> None:
    cite = [ln.strip().lstrip(">").strip() for ln in pkg_readme.splitlines()
            if re.search(r"voeten|dataverse", ln, re.I)]
    lo, hi = figures["date_range"] or ("?", "?")
    lines = [
        "# UN General Assembly roll-call votes (R package `unvotes`)",
        "",
        "Built by `scripts/fetch_unvotes.py`; do not edit by hand, rerun the script.",
        "",
        "## Provenance",
        "",
        f"- Package: `{PACKAGE}` version {version} ({_field(description, 'Title')}),"
        f" by {_field(description, 'Author') if 'Author:' in description else _field(description, 'Authors@R')}",
        f"- Source tarball: {source} (md5 {tar_md5})",
        "- Files: `data/un_votes.rda`, `data/un_roll_calls.rda`, `data/un_roll_call_issues.rda`, read with the"
        " PyPI package `rdata`; columns kept as listed below, rows in the package's order.",
        f"- Licence (DESCRIPTION `License:` field, verbatim): {_field(description, 'License')}",
        "- Underlying data, as the package's README cites it:",
    ]
    lines += [f"  > {c}" for c in cite] or ["  > (the package README names no citation; see its DESCRIPTION)"]
    lines += ["", "## Files", "", "| file | columns | rows | distinct rcid | md5 |", "| --- | --- | --- | --- | --- |"]
    for name, cols in TABLES.items():
        lines.append(f"| `{name}.csv.gz` | {','.join(cols)} | {figures['rows'][name]} |"
                     f" {figures['distinct_rcid'][name]} | `{md5s[name]}` |")
    lines += [
        "",
        f"Roll-call dates run from {lo} to {hi}"
        + (f" ({figures['roll_calls_without_date']} roll calls have no date)." if figures["roll_calls_without_date"]
           else "."),
        f"{figures['un_votes_rcids_without_roll_call']} rcids in `un_votes` have no row in `un_roll_calls`;"
        f" {figures['roll_calls_without_votes']} roll calls have no row in `un_votes`.",
        "",
        "## Format",
        "",
        "As R's `write.csv(x, row.names = FALSE)`: quoted header; character and factor columns in double quotes"
        ' (inner quotes doubled, newlines kept inside the quotes); numbers and dates (YYYY-MM-DD) bare; missing'
        ' values bare `NA`. Namibia\'s ISO-2 code is the string `"NA"` (quoted); a bare `NA` is a missing value.'
        " Common readers do not keep that difference (pandas' read_csv turns both into NaN, or with"
        " `keep_default_na=False` both into the string NA; R's read.csv also reads a quoted \"NA\" as missing"
        " by default), so a loader must either parse quoting itself or restore Namibia's code by name.",
        "`vote` is yes/abstain/no (absences and non-members are not rows); `short_name` is one of me, nu, di, hr,"
        " co, ec.",
    ]
    if notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    (out / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--version", help="package version (default: newest in the CRAN index)")
    ap.add_argument("--tarball", type=Path, help="use this unvotes_<V>.tar.gz instead of downloading")
    ap.add_argument("--cran", default=CRAN, help=f"CRAN src/contrib URL (default {CRAN})")
    ap.add_argument("--out", type=Path, default=REPO / "data" / "unvotes")
    ap.add_argument("--report-only", action="store_true", help="only print check figures from existing files")
    args = ap.parse_args(argv)
    if args.report_only:
        print_report(report(args.out))
        return
    cran = args.cran.rstrip("/") + "/"
    if args.tarball:
        blob = args.tarball.read_bytes()
        m = re.search(rf"{PACKAGE}_([0-9][0-9.-]*)\.tar\.gz$", args.tarball.name)
        version = args.version or (m.group(1) if m else "?")
        source = f"{args.tarball.name} (local copy; CRAN: {cran}{PACKAGE}_{version}.tar.gz)"
    else:
        version = args.version or newest_version(cran)
        url = f"{cran}{PACKAGE}_{version}.tar.gz"
        print(f"downloading {url}")
        try:
            blob = _get(url)
        except OSError:
            url = f"{cran}Archive/{PACKAGE}/{PACKAGE}_{version}.tar.gz"
            print(f"not current; trying {url}")
            blob = _get(url)
        source = url
    tar_md5 = hashlib.md5(blob).hexdigest()
    frames, description, pkg_readme = read_tarball(blob)
    desc_version = _field(description, "Version")
    if version != desc_version:
        sys.exit(f"tarball DESCRIPTION says Version {desc_version}, expected {version}")
    notes = check(frames)
    args.out.mkdir(parents=True, exist_ok=True)
    md5s = {}
    for name in TABLES:
        gz = gzip_bytes(to_csv_bytes(frames[name]))
        (args.out / f"{name}.csv.gz").write_bytes(gz)
        md5s[name] = hashlib.md5(gz).hexdigest()
        print(f"{args.out / (name + '.csv.gz')}: {len(frames[name])} rows, md5 {md5s[name]}")
    figures = report(args.out)
    for name in TABLES:  # the written files must read back to the same number of rows
        if figures["rows"][name] != len(frames[name]):
            sys.exit(f"{name}: wrote {len(frames[name])} rows, read back {figures['rows'][name]}")
    write_readme(args.out, version, source, tar_md5, description, pkg_readme, figures, md5s, notes)
    print_report(figures)


if __name__ == "__main__":
    main()
