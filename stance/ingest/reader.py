"""Read a CSV or JSON-lines file into numbered rows of strings, never raising on bad bytes.

Spreadsheets save in odd ways: a byte-order mark, Latin-1 in one cell, semicolons instead of
commas. Each of those becomes a `Problem` tied to a line, so the loader can report it and, with
--skip-invalid, reject only the rows it touches.
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from stance.errors import Problem

MAX_LINE_BYTES = 16 * 1024 * 1024  # longer lines are refused: no real row comes near, and holding one costs memory
csv.field_size_limit(MAX_LINE_BYTES)

_BOM = b"\xef\xbb\xbf"


@dataclass
class Row:
    line: int
    values: dict[str, str]
    raw_fields: list[str]
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Table:
    """A file's rows, plus problems that sink the whole file (`fatal`)."""

    file: str
    sha256: str
    columns: list[str]
    rows: list[Row]
    fatal: list[Problem]
    empty_rows: int = 0  # delimiters and nothing else: counted, not loaded


def column_key(name: str) -> str:
    """Header names compared loosely: 'Source URL' and 'source_url' are the same column."""
    return re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").lower())


def duplicates(columns: list[str]) -> list[str]:
    """Names that appear more than once, in one pass (a header can have 50,000 columns)."""
    return sorted(c for c, n in Counter(columns).items() if n > 1 and c)


def too_long(line_no: int) -> str:
    return (f"line {line_no} is longer than {MAX_LINE_BYTES >> 20} MB: not a table Stance can read "
            "(a file without line breaks, or binary data?); refused rather than held in memory")


def _long_line(path: Path) -> int | None:
    """The number of the first line longer than MAX_LINE_BYTES, read in bounded pieces before
    the file is read whole (a 200 MB file without line breaks peaked near 10 GB)."""
    with open(path, "rb") as fh:
        for number, line in enumerate(iter(lambda: fh.readline(MAX_LINE_BYTES + 1), b""), start=1):
            if len(line) > MAX_LINE_BYTES:
                return number
    return None


def read_table(path: str | Path) -> Table:
    path = Path(path)
    name = str(path)
    try:
        long_line = _long_line(path)
        if long_line is not None:
            return Table(name, "", [], [], [Problem(name, long_line, "-", too_long(long_line))])
        raw = path.read_bytes()
    except OSError as exc:
        return Table(name, "", [], [], [Problem(name, 0, "-", f"cannot read file ({exc.strerror})")])
    sha = hashlib.sha256(raw).hexdigest()
    fatal = _check_bytes(name, raw)
    if fatal:
        return Table(name, sha, [], [], fatal)
    text, bad_lines = _decode(raw.removeprefix(_BOM))
    if path.suffix.lower() in {".jsonl", ".ndjson", ".json"}:
        table = _read_jsonl(name, text)
    else:
        table = _read_csv(name, text)
    table.sha256 = sha
    _mark_bad_encoding(name, table, bad_lines)
    if not table.fatal and not table.rows:
        table.fatal.append(Problem(name, 1, "-", "no data rows below the header"))
    return table


def _check_bytes(name: str, raw: bytes) -> list[Problem]:
    if not raw.strip(b" \t\r\n" + _BOM):
        return [Problem(name, 1, "-", "file is empty (expected a header row, then one row per record)")]
    if looks_utf16(raw[:1000]):
        return [Problem(name, 1, "-", "file is UTF-16, not UTF-8: save it as 'CSV UTF-8'")]
    return []


def looks_utf16(head: bytes) -> bool:
    """A UTF-16 byte-order mark, or NUL bytes in a quarter or more of the first bytes (UTF-16 text
    in Latin letters is half NULs). One NUL in a cell is data, not a sign of UTF-16: a quote
    typed with one exported as UTF-8 and was then refused on reloading."""
    return head[:2] in (b"\xff\xfe", b"\xfe\xff") or (bool(head) and head.count(b"\x00") * 4 >= len(head))


def _decode(raw: bytes) -> tuple[str, dict[int, str]]:
    """Decode as UTF-8; a line that is not gets replacement characters and a reason."""
    try:
        return raw.decode("utf-8"), {}
    except UnicodeDecodeError:
        pass
    parts, bad = [], {}
    for number, line in enumerate(raw.splitlines(keepends=True), start=1):
        try:
            parts.append(line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            byte = line[exc.start]
            bad[number] = (f"not valid UTF-8 (byte 0x{byte:02x} at column {exc.start + 1}); "
                           "save the file as UTF-8 ('CSV UTF-8' in Excel)")
            parts.append(line.decode("utf-8", errors="replace"))
    return "".join(parts), bad


def _sniff_delimiter(first_line: str) -> str:
    """Commas, unless the header clearly uses semicolons or tabs (European Excel exports)."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] > counts[","] else ","


def _read_csv(name: str, text: str) -> Table:
    delimiter = _sniff_delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[Row] = []
    empty = 0
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        return Table(name, "", [], [], [Problem(name, 1, "-", f"cannot read the header ({exc})")])
    columns = [column_key(c) for c in header]
    dupes = duplicates(columns)
    if dupes:
        return Table(name, "", columns, [], [Problem(name, 1, ", ".join(dupes), "column appears twice in the header")])
    end = reader.line_num
    while True:
        start = end + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            reason = f"cannot parse CSV here ({exc}); check for a stray quote; rows after it were not read"
            return Table(name, "", columns, rows, [Problem(name, start, "-", reason)])
        end = reader.line_num
        if not any(f.strip() for f in fields):
            empty += len(fields) > 1
            continue
        row = Row(start, dict(zip(columns, fields, strict=False)), fields)
        if len(fields) != len(columns):
            row.problems.append(Problem(
                name, start, "-",
                f"has {len(fields)} fields, the header has {len(columns)} (a stray delimiter or quote?)"))
        rows.append(row)
    return Table(name, "", columns, rows, [], empty)


def _read_jsonl(name: str, text: str) -> Table:
    """One object per line. Only a newline ends a line: str.splitlines() would also split at
    U+2028, U+2029 and U+0085, which json.dumps(ensure_ascii=False) writes raw inside strings."""
    rows: list[Row] = []
    columns: dict[str, None] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        values, reason = _json_object(line)
        if reason:
            rows.append(Row(number, {}, [line], [Problem(name, number, "-", reason)]))
            continue
        columns.update(dict.fromkeys(values))
        rows.append(Row(number, values, [line]))
    return Table(name, "", list(columns), rows, [])


class _DuplicateKey(ValueError):
    "Two keys of one object name the same column."


def _pairs(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """Keys compared as CSV headers are ('actor' = 'Actor'), so a duplicate is refused, not
    silently won by the last one."""
    seen: dict[str, str] = {}
    for key, _ in pairs:
        column = column_key(str(key))
        if column in seen:
            raise _DuplicateKey(f"key appears twice in this object ({seen[column]!r} and {key!r})")
        seen[column] = key
    return dict(pairs)


def _json_object(line: str) -> tuple[dict[str, str], str | None]:
    """The line's object as column -> text, or the reason it is refused: not JSON, not an
    object, too deep or a number too long for Python's parser, a duplicate key, or text that
    cannot be stored (a lone surrogate escape such as \\ud800). A NUL is data, as in a CSV cell or
    the Add statement form."""
    try:
        obj = json.loads(line, object_pairs_hook=_pairs)
    except json.JSONDecodeError as exc:
        return {}, f"not valid JSON ({exc.msg})"
    except _DuplicateKey as exc:
        return {}, str(exc)
    except RecursionError:
        return {}, "not loadable JSON: nested too deeply"
    except ValueError as exc:  # an integer of over 4,300 digits
        return {}, f"not loadable JSON ({str(exc).split(':')[0]})"
    if not isinstance(obj, dict):
        return {}, "expected one JSON object per line"
    values = {column_key(str(k)): _as_text(v) for k, v in obj.items()}
    for column, value in values.items():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return {}, f"{column}: contains a lone surrogate escape (such as \\ud800), not a character"
    return values, None


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _mark_bad_encoding(name: str, table: Table, bad_lines: dict[int, str]) -> None:
    if not bad_lines:
        return
    if 1 in bad_lines and not table.rows:
        table.fatal.append(Problem(name, 1, "-", bad_lines[1]))
        return
    starts = [row.line for row in table.rows]
    for number, reason in sorted(bad_lines.items()):
        at = bisect.bisect_right(starts, number) - 1  # the row whose lines include this one
        if at >= 0:
            table.rows[at].problems.append(Problem(name, number, "-", reason))
    if 1 in bad_lines:
        table.fatal.append(Problem(name, 1, "-", bad_lines[1]))
