"""Build the database the quick start opens: the bundled sample plus the General Assembly record.

The first run of the dashboard (or `python -m stance sample`) builds it once: the hand-coded sample
in data/ and the whole unvotes record in data/unvotes/ (870,109 votes, 1946-2020), in one load.
Every Streamlit session of a server runs this at the same moment when several browsers open the
first page, so the build is guarded:

- one builder at a time, by an exclusive `flock` on `.<name>.lock` beside the database (it is
  released by the kernel if the builder dies, so no stale lock survives a crash);
- built under a unique private name and linked into place only when complete (a hard link
  never replaces a file another process put there meanwhile), so no session ever opens a
  half-built file, and a crash leaves no file at the real path;
- the others wait, showing the builder's progress, read from `.<name>.progress`.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from stance.db import DATA_DIR, open_db, private_sibling, publish_database, remove_private
from stance.ingest.load import LoadResult, load_paths

SAMPLE_FILES = ("issues.csv", "statements.csv", "votes.csv")
RECORD_FILES = ("unga_issues.csv", "unvotes/un_roll_calls.csv.gz", "unvotes/un_roll_call_issues.csv.gz",
                "unvotes/un_votes.csv.gz")
WAIT_POLL_S = 0.25


def sample_paths(data_dir: Path = DATA_DIR) -> list[Path]:
    return [data_dir / name for name in SAMPLE_FILES]


def record_paths(data_dir: Path = DATA_DIR) -> list[Path]:
    """The General Assembly record as shipped (data/unvotes/README.md says where it comes from)."""
    return [data_dir / name for name in RECORD_FILES]


def first_run_paths(data_dir: Path = DATA_DIR) -> list[Path]:
    """What the first run loads: the sample, and the whole record unless STANCE_FIRST_RUN=sample
    (the tests' and a quick demo's choice: about a second instead of about fifteen)."""
    if os.environ.get("STANCE_FIRST_RUN", "").strip().lower() == "sample":
        return sample_paths(data_dir)
    return sample_paths(data_dir) + record_paths(data_dir)


@dataclass(frozen=True)
class BuildStatus:
    """How far a build is: `done` of 1.0, and what it is doing, in words a page can show."""

    done: float
    step: str


Report = Callable[[BuildStatus], None]


class _Progress:
    """The loader's progress protocol, turned into BuildStatus reports (and a file other sessions read)."""

    def __init__(self, report: Report, status_file: Path):
        self.report, self.status_file = report, status_file
        self.total, self.seen, self.unit = 0, 0, "rows"

    def start(self, total: int, unit: str = "rows") -> None:
        self.total, self.seen, self.unit = max(total, 1), 0, unit
        self._emit()

    def __call__(self, n: int) -> None:
        self.seen += n
        self._emit()

    def _emit(self) -> None:
        share = min(self.seen / self.total, 1.0) if self.total else 0.0
        if self.unit == "bytes" and share >= 1.0:
            status = BuildStatus(0.95, "Writing 870,109 General Assembly votes into the database (a few seconds)")
        elif self.unit == "bytes":
            status = BuildStatus(0.05 + 0.9 * share, f"Reading the General Assembly record: {share:.0%}")
        else:
            status = BuildStatus(0.05 + 0.9 * share, f"Writing the sample: {share:.0%}")
        publish(self.status_file, status)
        self.report(status)


def build_sample(db_path: str | os.PathLike, paths: list[Path] | None = None,
                 progress: _Progress | None = None) -> LoadResult:
    """Load the sample (or `paths`) into `db_path`, creating it; loading again changes nothing."""
    db = open_db(db_path)
    try:
        return load_paths(db, paths if paths is not None else sample_paths(), progress=progress)
    finally:
        db.close()


def status_path(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.name}.progress")


def publish(path: Path, status: BuildStatus) -> None:
    """Write the status atomically (a reader never sees half a file)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"done": status.done, "step": status.step}), encoding="utf-8")
    os.replace(tmp, path)


def read_status(db_path: Path) -> BuildStatus | None:
    try:
        data = json.loads(status_path(db_path).read_text(encoding="utf-8"))
        return BuildStatus(float(data["done"]), str(data["step"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


@contextlib.contextmanager
def _build_lock(db_path: Path, on_wait: Callable[[], None]) -> Iterator[None]:
    """Hold the exclusive build lock; while another process or session holds it, call on_wait."""
    lock_path = db_path.with_name(f".{db_path.name}.lock")
    with open(lock_path, "a+b") as fh:  # each call its own open file: flock then excludes threads too
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                on_wait()
                time.sleep(WAIT_POLL_S)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure_database(db_path: str | os.PathLike, report: Report | None = None,
                    paths: list[Path] | None = None) -> bool:
    """Build the first-run database if the file is missing. True if this call built it.

    `report` hears BuildStatus updates, from this build or (while waiting) from another
    session's. A build that fails leaves no file at `db_path` and raises RuntimeError."""
    path = Path(db_path)
    if path.exists():
        return False
    report = report or (lambda status: None)

    def waiting() -> None:
        report(read_status(path) or BuildStatus(0.0, "Another session is building the database"))

    with _build_lock(path, waiting):
        if path.exists():  # built by whoever held the lock before us
            return False
        _build_into(path, paths if paths is not None else first_run_paths(), report)
    return True


def _build_into(path: Path, paths: list[Path], report: Report) -> None:
    tmp = private_sibling(path)  # a unique name no other session or process knows
    status_file = status_path(path)
    try:
        publish(status_file, BuildStatus(0.01, f"Building {path.name} from {len(paths)} files in data/"))
        report(BuildStatus(0.01, f"Building {path.name} from {len(paths)} files in data/"))
        result = build_sample(tmp, paths, _Progress(report, status_file))
        if not result.written:
            raise RuntimeError("the bundled data did not load:\n" + "\n".join(map(str, result.problems[:20])))
        if not publish_database(tmp, path):  # never replaces a file another process put there meanwhile
            raise RuntimeError(f"{path} appeared while the first-run database was being built; it was left as it is")
        report(BuildStatus(1.0, "Done"))
    finally:
        remove_private(tmp)
        status_file.unlink(missing_ok=True)
