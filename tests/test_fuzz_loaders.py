"""Bad input, property-based: every loader, fed junk through the CLI, keeps its promises.

For every loader kind (statements, votes, issues, undl, unvotes, voeten, gdelt) and three kinds of
input (arbitrary bytes, arbitrary CSV shapes under a real header, and valid files broken by one to
three mutations such as a dropped column or a truncated last line), `python -m stance load`:

- exits 0 or 1, never with a Python traceback;
- on exit 1 says why, naming the file as `file:line:` (a line >= 1 when a row is at fault);
- accounts for every row: read = loaded + unchanged + rejected + filtered;
- leaves a database that passes `PRAGMA integrity_check` and `foreign_key_check`;
- leaves the database exactly as it was (every table hashed) when it exits 1;
- with --skip-invalid, writes one rejects-CSV record per rejected row.

Each example works in its own temporary directory (not pytest's tmp_path, which hypothesis would
share between examples). Examples are few (40 per property, FUZZ_EXAMPLES=N for more) so the file
runs in well under a minute; `test_every_mutation_of_every_kind` adds each mutation on each kind
once, deterministically. The last tests are regressions for crashes this file found.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import os
import random
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stance.cli import cli
from stance.db import DATA_DIR, open_db
from stance.ingest.load import load_paths

RAW = Path(__file__).parent / "fixtures" / "raw"
KINDS = ("statements", "votes", "issues", "undl", "unvotes", "voeten", "gdelt")
SEEDS: dict[str, list[Path]] = {
    "statements": [DATA_DIR / "statements.csv"],
    "votes": [DATA_DIR / "votes.csv"],
    "issues": [DATA_DIR / "issues.csv", DATA_DIR / "unga_issues.csv"],
    "undl": [RAW / "undl_ga.csv", RAW / "undl_sc.csv", RAW / "undl_ga_old.csv"],
    "unvotes": [RAW / "un_votes.csv", RAW / "un_roll_calls.csv", RAW / "un_roll_call_issues.csv"],
    "voeten": [RAW / "voeten_raw.csv"],
    "gdelt": [RAW / "20240105120000.export.CSV", RAW / "20130401.export.CSV", RAW / "200601.csv"],
}
# What the base database holds before each load: some of the seeds, so a mutated file meets
# stored rows (unchanged, changed) as well as new ones; the roll calls un_votes.csv refers to.
BASE_FILES = [DATA_DIR / "issues.csv", DATA_DIR / "unga_issues.csv", DATA_DIR / "statements.csv",
              DATA_DIR / "votes.csv", RAW / "un_roll_calls.csv", RAW / "undl_ga.csv", RAW / "200601.csv"]
HUGE = 300_000  # characters in a "huge field": well past any real value, well under csv's 16 MB limit

# FUZZ_EXAMPLES=1000 for a longer hunt; 40 keeps the file well under a minute on 2 cores.
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 40)), deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SUMMARY_LOADED = re.compile(r"\): (?P<read>\d+) read, (?P<loaded>\d+) loaded \(\d+ new, \d+ updated\), "
                            r"(?P<unchanged>\d+) unchanged, (?P<rejected>\d+) rejected"
                            r"(?:, (?P<filtered>\d+) filtered out)?")
SUMMARY_CHECKED = re.compile(r"\): (?P<read>\d+) read, (?P<valid>\d+) valid, (?P<bad>\d+) with problems")


# --- The base database ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "base.db"
    db = open_db(path)
    result = load_paths(db, BASE_FILES, skip_invalid=True)
    assert result.written
    db.close()
    assert not fk_problems(path)
    return path


def table_hashes(path: Path) -> dict[str, str]:
    """A hash of every row of every table: equal hashes mean the load changed nothing."""
    conn = sqlite3.connect(path)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out = {}
        for name in names:
            rows = sorted(map(repr, conn.execute(f'SELECT * FROM "{name}"').fetchall()))
            out[name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        return out
    finally:
        conn.close()


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def fk_problems(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()


# --- The promises, checked for one input file ----------------------------------------------------

def check_load(base: Path, name: str, content: bytes, kind: str | None, skip_invalid: bool,
               companion: Path | None = None) -> None:
    """Load `content` (saved as `name`, after `companion` if given: a valid file loaded in the same
    command) with the CLI and with load_paths; assert every promise."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "in").mkdir()
        path = folder / "in" / name
        path.write_bytes(content)
        paths = [companion, path] if companion else [path]
        db = folder / "x.db"
        shutil.copy(base, db)
        before = table_hashes(db)
        rejects = folder / "rejects.csv"
        args = ["load", *map(str, paths), "--db", str(db)]
        args += ["--kind", kind] if kind else []
        args += ["--skip-invalid", "--rejects", str(rejects)] if skip_invalid else []
        result = CliRunner().invoke(cli, args)
        out = result.output
        context = f"{args}\n{out[-3000:]}"

        assert result.exit_code in (0, 1), context
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            f"{context}\n{result.exception!r}"
        assert "Traceback" not in out, context
        assert integrity(db) == "ok", context
        assert not fk_problems(db), context

        named = "|".join(re.escape(str(p)) for p in paths)
        lines = [int(m.group(1)) for m in re.finditer(rf"(?:{named})(?:![^:\n]*)?:(\d+): ", out)]
        loaded = [m.groupdict() for m in SUMMARY_LOADED.finditer(out)]
        checked = [m.groupdict() for m in SUMMARY_CHECKED.finditer(out)]
        for summary in loaded:
            filtered = int(summary["filtered"] or 0)
            assert int(summary["read"]) == (int(summary["loaded"]) + int(summary["unchanged"])
                                            + int(summary["rejected"]) + filtered), context
        if result.exit_code == 1:
            assert lines, f"exit status 1 without naming the file and line:\n{context}"
            assert table_hashes(db) == before, f"a failed load changed the database:\n{context}"
            if any(int(c["bad"]) for c in checked):
                assert max(lines) >= 1, f"rows were at fault but no line was named:\n{context}"
        else:
            rejected = sum(int(s["rejected"]) for s in loaded)
            if not skip_invalid:
                assert rejected == 0, context
            elif rejected:
                with open(rejects, newline="", encoding="utf-8") as fh:
                    records = list(csv.reader(fh))[1:]
                assert len(records) == rejected, f"{len(records)} rejects written for {rejected} rejected:\n{context}"

        # The accounting, from the library itself (a strict failure prints no loaded/unchanged split).
        shutil.copy(base, db)
        handle = open_db(db)
        try:
            res = load_paths(handle, paths, kind=kind, skip_invalid=skip_invalid,
                             rejects=folder / "rejects2.csv" if skip_invalid else None)
        finally:
            handle.close()
        for f in res.files:
            filtered = sum(f.filtered.values())
            assert f.read == f.loaded + f.unchanged + f.rejected + filtered, \
                f"{f.file}: {f.read} read != {f.loaded} loaded + {f.unchanged} unchanged + {f.rejected} " \
                f"rejected + {filtered} filtered\n{context}"
        assert integrity(db) == "ok", context
        if not res.written:
            assert table_hashes(db) == before, context


# --- Mutations of a valid file -------------------------------------------------------------------

def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    return "\t" if first.count("\t") > first.count(",") else ","


def _rows(data: bytes) -> tuple[list[list[str]], str]:
    text = data.decode("utf-8", errors="replace")
    delimiter = _delimiter(text)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)), delimiter
    except csv.Error:
        return [line.split(delimiter) for line in text.splitlines()], delimiter


def _write(rows: list[list[str]], delimiter: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def drop_column(data: bytes, rnd: random.Random) -> bytes:
    """One column gone from every row (header included)."""
    rows, d = _rows(data)
    width = max((len(r) for r in rows), default=0)
    if not width:
        return data
    i = rnd.randrange(width)
    return _write([r[:i] + r[i + 1:] for r in rows], d)


def drop_header_field(data: bytes, rnd: random.Random) -> bytes:
    """One name gone from the header only: every data row has a field too many."""
    rows, d = _rows(data)
    if not rows or not rows[0]:
        return data
    i = rnd.randrange(len(rows[0]))
    rows[0] = rows[0][:i] + rows[0][i + 1:]
    return _write(rows, d)


def swap_fields(data: bytes, rnd: random.Random) -> bytes:
    """Two fields of one row swapped (a vote where the date should be)."""
    rows, d = _rows(data)
    candidates = [n for n, r in enumerate(rows) if len(r) >= 2]
    if not candidates:
        return data
    n = rnd.choice(candidates)
    i, j = rnd.sample(range(len(rows[n])), 2)
    rows[n][i], rows[n][j] = rows[n][j], rows[n][i]
    return _write(rows, d)


def swap_columns(data: bytes, rnd: random.Random) -> bytes:
    """Two columns swapped in every row but the header: each value under the wrong name."""
    rows, d = _rows(data)
    if len(rows) < 2 or len(rows[0]) < 2:
        return data
    i, j = rnd.sample(range(len(rows[0])), 2)
    for r in rows[1:]:
        if len(r) > max(i, j):
            r[i], r[j] = r[j], r[i]
    return _write(rows, d)


def truncate_last_line(data: bytes, rnd: random.Random) -> bytes:
    body = data.rstrip(b"\r\n")
    start = body.rfind(b"\n") + 1
    return body[:rnd.randint(start, len(body))]


def truncate_anywhere(data: bytes, rnd: random.Random) -> bytes:
    return data[:rnd.randint(0, len(data))]


def wrong_delimiter(data: bytes, rnd: random.Random) -> bytes:
    if b"\t" in data.split(b"\n", 1)[0]:
        return data.replace(b"\t", rnd.choice([b",", b";"]))
    return data.replace(b",", rnd.choice([b";", b"\t", b"|"]))


def latin1_bytes(data: bytes, rnd: random.Random) -> bytes:
    """A Latin-1 name pasted into one line: bytes that are not UTF-8."""
    lines = _lines(data) or [b""]
    n = rnd.randrange(len(lines))
    at = rnd.randint(0, len(lines[n].rstrip(b"\r\n")))
    lines[n] = lines[n][:at] + "São Tomé, Côte d’Ivoire".encode("latin-1", errors="replace") + lines[n][at:]
    return b"".join(lines)


def huge_field(data: bytes, rnd: random.Random) -> bytes:
    rows, d = _rows(data)
    candidates = [n for n, r in enumerate(rows) if r]
    if not candidates:
        return data
    n = rnd.choice(candidates[1:] or candidates)
    rows[n][rnd.randrange(len(rows[n]))] = rnd.choice(["x", "é", "語", '"', ","]) * HUGE
    return _write(rows, d)


def bom(data: bytes, rnd: random.Random) -> bytes:
    return b"\xef\xbb\xbf" + data


def crlf(data: bytes, rnd: random.Random) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def cr_only(data: bytes, rnd: random.Random) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")


def duplicate_line(data: bytes, rnd: random.Random) -> bytes:
    lines = _lines(data)
    if not lines:
        return data
    n = rnd.randrange(len(lines))
    return b"".join(lines[:n + 1] + [lines[n] if lines[n].endswith(b"\n") else lines[n] + b"\n"] + lines[n + 1:])


def delete_line(data: bytes, rnd: random.Random) -> bytes:
    lines = _lines(data)
    if not lines:
        return data
    del lines[rnd.randrange(len(lines))]
    return b"".join(lines)


def stray_quote(data: bytes, rnd: random.Random) -> bytes:
    at = rnd.randint(0, len(data))
    return data[:at] + b'"' + data[at:]


def nul_byte(data: bytes, rnd: random.Random) -> bytes:
    at = rnd.randint(min(len(data), 1200), len(data)) if len(data) > 1200 else rnd.randint(0, len(data))
    return data[:at] + b"\x00" + data[at:]


def gzipped(data: bytes, rnd: random.Random) -> bytes:
    return gzip.compress(data, mtime=0)


def gzip_cut_short(data: bytes, rnd: random.Random) -> bytes:
    packed = gzip.compress(data, mtime=0)
    return packed[:rnd.randint(10, max(10, len(packed) - 1))]


def exotic_digits(data: bytes, rnd: random.Random) -> bytes:
    """Some ASCII digits of one line become digits str.isdigit() accepts but int() may not: '²', '١', '７'."""
    lines = _lines(data)
    if not lines:
        return data
    n = rnd.randrange(len(lines))
    text = lines[n].decode("utf-8", errors="replace")
    lines[n] = "".join(rnd.choice(["²", "١", "７", c]) if c.isdigit() else c for c in text).encode("utf-8")
    return b"".join(lines)


def header_only(data: bytes, rnd: random.Random) -> bytes:
    return (_lines(data) or [b""])[0]


MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {f.__name__: f for f in (
    drop_column, drop_header_field, swap_fields, swap_columns, truncate_last_line, truncate_anywhere,
    wrong_delimiter, latin1_bytes, huge_field, bom, crlf, cr_only, duplicate_line, delete_line, stray_quote,
    nul_byte, gzipped, gzip_cut_short, exotic_digits, header_only)}


# --- Properties ----------------------------------------------------------------------------------

ALL_SEEDS = sorted({p for paths in SEEDS.values() for p in paths})


@FUZZ
@given(kind=st.sampled_from(KINDS), seed_index=st.integers(0, 2), ops=st.lists(st.sampled_from(sorted(MUTATIONS)),
       min_size=1, max_size=3), rnd=st.randoms(use_true_random=False), pass_kind=st.booleans(),
       skip_invalid=st.booleans(), companion=st.none() | st.sampled_from(ALL_SEEDS))
def test_mutated_valid_files(base_db: Path, kind: str, seed_index: int, ops: list[str], rnd: random.Random,
                             pass_kind: bool, skip_invalid: bool, companion: Path | None) -> None:
    """A broken file, alone or loaded in one command after a valid one (which it must not half-load)."""
    seed = SEEDS[kind][seed_index % len(SEEDS[kind])]
    data = seed.read_bytes()
    for op in ops:
        data = MUTATIONS[op](data, rnd)
    check_load(base_db, seed.name, data, kind if pass_kind else None, skip_invalid,
               companion=None if pass_kind else companion)


@FUZZ
@given(content=st.one_of(st.binary(max_size=3000),
                         st.text(alphabet=st.characters(codec="utf-8"), max_size=1500).map(str.encode)),
       kind=st.sampled_from((*KINDS, None)), skip_invalid=st.booleans())
def test_arbitrary_bytes(base_db: Path, content: bytes, kind: str | None, skip_invalid: bool) -> None:
    check_load(base_db, "fuzz.csv", content, kind, skip_invalid)


FIELD = st.one_of(
    st.sampled_from(["", "NA", "yes", "Y", "N", "A", "X", "1", "-1", "+1", "2", "nan", "inf", "1e400", "-0",
                     "2017-03-08", "2017-02-30", "12/19/2017", "0000-00-00", "USA", "CHN", "Narnia", "US", "NA",
                     "double-freeze", "dprk-sanctions", "S/RES/2397 (2017)", "https://example.org/a",
                     "javascript:alert(1)", "<script>alert(1)</script>", "' OR 1=1 --", "6001", "999", "042",
                     "２０１７", "²", "1²/19/2017", "١٢/١٩/٢٠١٧", "٢٠١٧-٠١", "\u200b", "a\nb", 'say "hi"', "x" * 5000]),
    st.text(max_size=20),
)


@FUZZ
@given(kind=st.sampled_from(KINDS), seed_index=st.integers(0, 2), real_header=st.booleans(),
       header=st.lists(st.text(max_size=12), max_size=8),
       rows=st.lists(st.lists(FIELD, max_size=64), max_size=12), pass_kind=st.booleans(),
       skip_invalid=st.booleans())
def test_arbitrary_csv_shapes(base_db: Path, kind: str, seed_index: int, real_header: bool, header: list[str],
                              rows: list[list[str]], pass_kind: bool, skip_invalid: bool) -> None:
    """Any number of rows of any width, under the kind's real header (or none, for GDELT) or a random one."""
    seed = SEEDS[kind][seed_index % len(SEEDS[kind])]
    text = seed.read_text(encoding="utf-8")
    delimiter = _delimiter(text)
    if kind == "gdelt":  # no header: rows of the file's own width, with random values in places
        width = len(text.split("\n", 1)[0].split("\t"))
        rows = [(r + [""] * width)[:width] if real_header else r for r in rows]
        content = _write(rows, delimiter)
    else:
        first = next(csv.reader([text.split("\n", 1)[0]], delimiter=delimiter))
        content = _write([first if real_header else header] + rows, delimiter)
    check_load(base_db, seed.name, content, kind if pass_kind else None, skip_invalid)


# --- Each mutation on each kind, once ------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("op", sorted(MUTATIONS))
def test_every_mutation_of_every_kind(base_db: Path, kind: str, op: str) -> None:
    for n, seed in enumerate(SEEDS[kind]):
        data = MUTATIONS[op](seed.read_bytes(), random.Random(n))
        check_load(base_db, seed.name, data, None, skip_invalid=n % 2 == 1)
        check_load(base_db, seed.name, data, kind, skip_invalid=n % 2 == 0)


@pytest.mark.parametrize("seed", [DATA_DIR / "statements.csv", RAW / "undl_ga.csv"], ids=["read whole", "streamed"])
def test_a_field_past_the_csv_limit_is_a_file_problem(base_db: Path, seed: Path) -> None:
    """A field over csv's 16 MB limit (a file that is not CSV at all, say) stops the load cleanly."""
    lines = _lines(seed.read_bytes())
    huge = b'"' + b"x" * (16 * 1024 * 1024 + 10) + b'"'
    data = lines[0] + huge + lines[1][lines[1].find(b","):] + b"".join(lines[2:])
    check_load(base_db, seed.name, data, None, skip_invalid=True)


# --- Regressions the fuzzing found ---------------------------------------------------------------

def test_issue_codes_loaded_after_their_roll_calls(tmp_path: Path) -> None:
    """un_roll_call_issues.csv in a later load than un_roll_calls.csv re-read the stored roll calls
    with their fields shifted by one (a crash: AttributeError). It must give what one load gives."""
    issues = [DATA_DIR / "issues.csv", DATA_DIR / "unga_issues.csv"]
    roll_calls, codes = RAW / "un_roll_calls.csv", RAW / "un_roll_call_issues.csv"
    query = "SELECT * FROM resolutions ORDER BY id"
    one = open_db(tmp_path / "one.db")
    assert load_paths(one, [*issues, roll_calls, codes]).written
    two = open_db(tmp_path / "two.db")
    assert load_paths(two, [*issues, roll_calls]).written
    assert load_paths(two, [codes]).written
    strip = [(row[0], *row[1:-1]) for row in one.execute(query).fetchall()]  # import_id differs
    assert [(row[0], *row[1:-1]) for row in two.execute(query).fetchall()] == strip
    one.close()
    two.close()


def test_a_bulk_file_named_by_its_kind_but_not_recognised(base_db: Path) -> None:
    """undl_ga.csv with a column dropped is no UNDL file; it was then taken for a hand-coded file of
    kind 'undl' by its name (a crash: KeyError). Now it is a file problem, with or without --kind."""
    data = drop_column((RAW / "undl_ga.csv").read_bytes(), random.Random(0))
    for kind in (None, "undl"):
        check_load(base_db, "undl_ga.csv", data, kind, skip_invalid=False)
