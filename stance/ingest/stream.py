"""Stream a large delimited file row by row: plain, .gz or .zip, with bounded memory.

Published datasets run to a million rows and hundreds of megabytes, so unlike `reader.read_table`
nothing here holds the file. Each row comes with the physical line it starts on, so a problem
is reported as file:line even when quoted fields span lines. Bytes that are not UTF-8 become a
problem on that row, not an exception. Files written by R keep one more distinction: a bare NA
is a missing value, a quoted "NA" is the text NA (Namibia's ISO-2 code), so `r_na` re-reads the
rare row that holds an NA to tell which it was.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from stance.errors import Problem
from stance.ingest.reader import MAX_LINE_BYTES, column_key, duplicates, looks_utf16, too_long

_BOM = "\ufeff"
_R_FIELD = re.compile(r'"((?:[^"]|"")*)"|([^,]*)')


@dataclass
class RawRow:
    """One record: the line it starts on, its fields (None = a bare R NA), what is wrong with it."""

    line: int
    fields: list[str | None]
    problems: list[Problem] = field(default_factory=list)


class _Tap(io.RawIOBase):
    """Counts and hashes the bytes of the file as they are read, so progress and the import's
    sha256 cost no second pass over a large file."""

    def __init__(self, raw: io.BufferedReader):
        self.raw = raw
        self.sha = hashlib.sha256()
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        n = self.raw.readinto(buffer)
        if n:
            self.sha.update(memoryview(buffer)[:n])
            self.done += n
        return n or 0

    def close(self) -> None:
        self.raw.close()
        super().close()


class RowStream:
    """Rows of one file, read lazily. Open problems (no file, UTF-16, a zip of many files) go
    to `fatal`; the header, if the format has one, to `columns`."""

    def __init__(self, path: str | Path, header: bool = True, delimiter: str | None = None,
                 quoting: bool = True, r_na: bool = False):
        self.path = Path(path)
        self.file = str(path)
        self.header = header
        self.delimiter = delimiter
        self.quoting = quoting
        self.r_na = r_na
        self.columns: list[str] = []
        self.first_fields: list[str] = []
        self.fatal: list[Problem] = []
        self.total_bytes = 0
        self._tap: _Tap | None = None
        self._sha = ""
        self._lines: Iterator[str] | None = None
        self._line_no = 0
        self._record: list[str] = []
        self._bad_lines: dict[int, str] = {}
        self._handle: io.BufferedReader | None = None
        self.empty_rows = 0  # delimiters and nothing else (",,,,"): counted, so no line goes unaccounted
        self._open()

    def close(self) -> None:
        """Close the file without reading on (reading to the end closes it too)."""
        if self._handle is not None:
            self._handle.close()

    # -- opening ---------------------------------------------------------------------------

    def _open(self) -> None:
        try:
            self.total_bytes = self.path.stat().st_size
            binary = self._binary()
            if binary is None:
                return
            self._handle = binary
            head = binary.peek(1000)[:1000]
        except (zipfile.BadZipFile, gzip.BadGzipFile, EOFError, zlib.error) as exc:
            self.fatal.append(Problem(self.file, 0, "-", f"the archive is damaged or cut short ({exc})"))
            return
        except OSError as exc:
            self.fatal.append(Problem(self.file, 0, "-", f"cannot read file ({exc.strerror or exc})"))
            return
        if looks_utf16(head):
            self.fatal.append(Problem(self.file, 1, "-", "file is UTF-16, not UTF-8: save it as 'CSV UTF-8'"))
            return
        self._lines = self._decoded_lines(binary)
        first = self._peek_first_line()
        if self.fatal:  # the first line was too long, or the archive broke while reading it
            self.close()
            return
        if first is None:
            self.fatal.append(Problem(self.file, 1, "-", "file is empty (expected a header row, then data rows)"))
            return
        if self.delimiter is None:
            self.delimiter = _sniff_delimiter(first)
        try:
            self.first_fields = self._split_one(first)
        except csv.Error as exc:  # e.g. lines ending in a bare \r (old Mac files): one endless "line"
            self.fatal.append(Problem(self.file, 1, "-", f"cannot read the first line as CSV ({exc})"))
            self.close()
            return
        if self.header:
            self.columns = [column_key(c) for c in self.first_fields]
            dupes = duplicates(self.columns)
            if dupes:
                self.fatal.append(Problem(self.file, 1, ", ".join(dupes), "column appears twice in the header"))

    def _binary(self) -> io.BufferedReader | None:
        raw = open(self.path, "rb")  # noqa: SIM115 - closed when the stream ends
        magic = raw.peek(4)[:4]
        if magic[:2] == b"\x1f\x8b":
            self._tap = _Tap(raw)
            return io.BufferedReader(gzip.GzipFile(fileobj=io.BufferedReader(self._tap), mode="rb"), 1 << 20)
        if magic == b"PK\x03\x04":
            raw.close()
            return self._zip_member()
        self._tap = _Tap(raw)
        return io.BufferedReader(self._tap, 1 << 20)

    def _zip_member(self) -> io.BufferedReader | None:
        """The one data file in a zip (GDELT ships one CSV per zip); several is an error."""
        self._sha = file_sha256(self.path)
        archive = zipfile.ZipFile(self.path)
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) != 1:
            names = ", ".join(m.filename for m in members[:5]) or "nothing"
            self.fatal.append(Problem(self.file, 0, "-", f"the zip holds {len(members)} files ({names}); "
                                      "expected exactly one: unzip it and load the files one by one"))
            return None
        self.file = f"{self.path}!{members[0].filename}"
        self.total_bytes = members[0].file_size
        return io.BufferedReader(archive.open(members[0]), 1 << 20)

    def _decoded_lines(self, binary: io.BufferedReader) -> Iterator[str]:
        """UTF-8 lines; a line that is not valid UTF-8 is kept (with replacement characters)
        and its reason remembered, to be attached to the row it belongs to."""
        try:
            for raw in iter(lambda: binary.readline(MAX_LINE_BYTES + 1), b""):
                self._line_no += 1
                if len(raw) > MAX_LINE_BYTES:  # never read a line whole: a 4 GB line fits in a 4 MB .gz
                    self._bad_lines[self._line_no] = too_long(self._line_no)
                    self.fatal.append(Problem(self.file, self._line_no, "-", too_long(self._line_no)))
                    return
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    self._bad_lines[self._line_no] = (
                        f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); "
                        "save the file as UTF-8")
                    text = raw.decode("utf-8", errors="replace")
                if self._line_no == 1:
                    text = text.removeprefix(_BOM)
                self._record.append(text)
                yield text
        except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
            reason = f"the file is damaged or cut short here ({exc}); rows after it cannot be read"
            self._bad_lines[self._line_no + 1] = reason
            self.fatal.append(Problem(self.file, self._line_no + 1, "-", reason))
        finally:
            binary.close()

    def _peek_first_line(self) -> str | None:
        assert self._lines is not None
        for line in self._lines:
            if line.strip():
                self._first = line
                return line
        return None

    def _split_one(self, line: str) -> list[str]:
        return next(csv.reader([line], **self._dialect()), [])

    def _dialect(self) -> dict:
        if self.quoting:
            return {"delimiter": self.delimiter, "strict": True}
        return {"delimiter": self.delimiter, "quoting": csv.QUOTE_NONE}

    # -- rows ------------------------------------------------------------------------------

    @property
    def bytes_done(self) -> int:
        return self._tap.done if self._tap else 0

    @property
    def sha256(self) -> str:
        """Of the file as stored (compressed, if it is): complete once the rows are read."""
        return self._sha or (self._tap.sha.hexdigest() if self._tap else "")

    def __iter__(self) -> Iterator[RawRow]:
        if self.fatal or self._lines is None:
            return
        if self.header:
            lines, start, self._record = self._lines, self._line_no + 1, []
        else:  # the first line read was already data
            lines, start, self._record = _prepend(self._first, self._lines), self._line_no, [self._first]
        reader = csv.reader(lines, **self._dialect())
        while True:
            try:
                fields: list[str | None] = next(reader)  # type: ignore[assignment]
            except StopIteration:
                break
            except csv.Error as exc:
                yield self._broken(start, exc)
                return
            end = self._line_no
            if any(fields):
                if end > start:  # a quoted field spanned lines: a Windows line break in it is just a break
                    fields = [f.replace("\r\n", "\n") if f else f for f in fields]
                row = RawRow(start, fields)
                if self.r_na and "NA" in fields:
                    row.fields = _r_fields("".join(self._record), fields)
                if self._bad_lines:
                    self._attach_bad_lines(row, end)
                yield row
            elif len(fields) > 1:
                self.empty_rows += 1
            self._record = []
            start = end + 1
        if self._bad_lines:
            for number, reason in sorted(self._bad_lines.items()):
                yield RawRow(number, [], [Problem(self.file, number, "-", reason)])

    def _broken(self, start: int, exc: csv.Error) -> RawRow:
        """A row the csv module cannot finish. At the end of the file that is a cut-short last
        row (rejected like any bad row); in the middle it hides every row after it, so the
        problem goes to `fatal` and the file cannot load."""
        reason = str(exc)
        at_end = "unexpected end of data" in reason or "EOF" in reason
        if at_end and start < self._line_no:  # the open quote swallowed every line after it
            reason = (f"a quote opened in the row starting here is never closed: lines {start}-{self._line_no} "
                      "were read as one field; check for a stray quote")
            self.fatal.append(Problem(self.file, start, "-", reason))
        elif at_end:
            reason = "the file ends inside a quoted field: it is cut short, or a quote is not closed"
        else:
            reason = f"cannot parse CSV here ({reason}); check for a stray quote; rows after it were not read"
            self.fatal.append(Problem(self.file, start, "-", reason))
        return RawRow(start, [], [Problem(self.file, start, "-", reason)])

    def _attach_bad_lines(self, row: RawRow, end: int) -> None:
        for number in [n for n in self._bad_lines if row.line <= n <= end]:
            row.problems.append(Problem(self.file, number, "-", self._bad_lines.pop(number)))


def _prepend(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _r_fields(record: str, parsed: list[str | None]) -> list[str | None]:
    """Re-split an R-written record to see which NA fields were bare (missing) and which quoted."""
    text = record.rstrip("\r\n")
    out: list[str | None] = []
    position = 0
    for _ in parsed:
        match = _R_FIELD.match(text, position)
        if match is None:
            return parsed
        quoted, bare = match.group(1), match.group(2)
        out.append(quoted.replace('""', '"') if quoted is not None else (None if bare == "NA" else bare))
        position = match.end() + 1
    return out if len(out) == len(parsed) else parsed


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] > counts[","] else ","


def file_sha256(path: Path) -> str:
    """A file's SHA-256, read in 1 MB blocks (a loader's input, a published snapshot)."""
    sha = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()
