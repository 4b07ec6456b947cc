"""How long do data packages take, and how big are they, on the real first-run database?

    python benchmarks/bench_package.py DB

DB is a database like the dashboard's first run builds (`python -m stance sample --db DB`: the
sample plus the whole General Assembly record). Prints, once each (they read every row):

- the content digest of the database (stance.package.database_digest);
- Explore's package of every row with no filter (every stance point: the votes of roll calls with
  an issue, and the statements), beside the CSV-only download of the same rows;
- write_package of the whole database (what `stance publish` ships).
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stance import package  # noqa: E402
from stance.db import open_db  # noqa: E402
from stance.queries import explore  # noqa: E402


def timed(what: str, run):  # noqa: ANN001, ANN201
    start = time.perf_counter()
    result = run()
    print(f"{what}: {time.perf_counter() - start:.1f} s", end="")
    return result


def main(path: str) -> None:
    db = open_db(path, read_only=True)
    digest = timed("database digest", lambda: package.database_digest(db))
    print(f" ({digest['rows']:,} rows)")
    rows = explore.count(db)
    data = timed(f"Explore package, all {rows:,} rows", lambda: explore.export_zip(db, digest=digest))
    print(f", {len(data) / 1e6:.1f} MB zip")
    csv = timed("Explore CSV only, same rows", lambda: explore.export_csv(db))
    print(f", {len(csv) / 1e6:.1f} MB")
    with tempfile.TemporaryDirectory() as out:
        zipped = timed("write_package, whole database", lambda: package.write_package(db, Path(out)))
        print(f", {zipped.stat().st_size / 1e6:.1f} MB zip")
    db.close()
    print(f"peak memory (max RSS) {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
