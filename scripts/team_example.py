"""Build the team-coding example behind docs/reliability.png: python scripts/team_example.py OUT.db

The bundled sample's 44 statements (first coder: the sample's authors, "stance-team") and the
statements the extraction assistant proposes from the 17 articles in tests/gold (first "coder": the
rules, "extractor"), of which 16 are drawn. The second coder is helper h13, who coded every unit
blind from what the Double-code page shows (the quote or sentence, speaker, date, source title, and
the codebook entry), without seeing the first coding. The values below are that coding, written down
as it was made; nothing was copied from the first coder.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stance import team  # noqa: E402
from stance.db import PROJECT_DIR, open_db  # noqa: E402
from stance.queries import team as tq  # noqa: E402
from stance.sample import build_sample, sample_paths  # noqa: E402

# h13's values for data/statements.csv, row by row (0 = the first data row).
STATEMENTS = [2, 2, 2, 2, 2, 2, 2, 0, 1, -2, 2, -2, -2, -2, -1, -1,
              -2, 2, 0, 2, 1, 2, 2, 1, 2, 0, 2, 1, 2, 1, 1, -2, 0, 2, 1, -1, -2, 2, 1, 1, -2, 0, 1, 1]
# h13's values for the 16 drawn proposals, by the sentence the page showed.
PROPOSALS = {
    "He said Putin had backed the Chinese-Russian freeze-for-freeze idea": 2,
    "Russia's Vassily Nebenzia said Moscow had voted for the measures but still backed": 2,
    "Japan's ambassador Koro Bessho said Tokyo welcomed the new measures": 1,
    "I highly appreciate the unanimous adoption today": 2,
    "Washington called for tougher sanctions at the Security Council": 2,
    "South Korea's foreign ministry welcomed the resolution": 1,
    "The Kremlin said Moscow and Beijing would continue to promote the joint initiative": 2,
    '"The idea that some have suggested, a so-called freeze-for-freeze, is insulting,"': -2,
    "We believe suspension for suspension is a realistic and viable plan": 2,
    "Trump said on Wednesday after returning from a 12-day Asia tour": -1,
    "China's U.N. envoy Liu Jieyi said Beijing supported the resolution": 1,
    "Japan will work closely with the United States, the Republic of Korea": 2,
    "The UK will continue to work with our partners": 1,
    "“The pause in tests and drills during the Olympic Games shows": 2,
    "Kremlin spokesman Dmitry Peskov welcomed the summit": 2,
    "U.S. Vice President Mike Pence": 2,
}
GOLD = PROJECT_DIR / "tests" / "gold"


def build(path: Path) -> None:
    build_sample(path, sample_paths())
    for row in csv.DictReader(open(GOLD / "articles.csv", encoding="utf-8")):
        args = [sys.executable, "-m", "stance", "extract", str(GOLD / "articles" / row["file"]), "--url", row["url"],
                "--outlet", row["outlet"], "--db", str(path)]
        args += ["--date", row["date"]] if row["date"] else []
        args += ["--speaker-actor", row["speaker_actor"]] if row["speaker_actor"] else []
        subprocess.run(args, check=True, capture_output=True, cwd=PROJECT_DIR)
    db = open_db(path)
    team.add_coder(db, "Helper h13", "H13")
    team.draw(db, 1.0, "H13", 13, "lead")
    team.draw(db, 0.23, "H13", 13, "lead", kind="proposal")
    rows = list(csv.DictReader(open(PROJECT_DIR / "data" / "statements.csv", encoding="utf-8")))
    by_key = {(r["actor"], r["issue"], r["date"], r["speaker"]): STATEMENTS[i] for i, r in enumerate(rows)}
    for unit in tq.assignments(db, "H13").itertuples():
        if unit.unit_kind == "statement":
            value = by_key[(unit.actor, unit.issue, unit.date, unit.speaker if isinstance(unit.speaker, str) else "")]
        else:
            value = next(v for start, v in PROPOSALS.items() if unit.sentence.startswith(start))
        team.code(db, unit.coding_id, value, "H13")
    print(f"{path}: {len(tq.paired(db))} units coded twice")
    db.close()


if __name__ == "__main__":
    build(Path(sys.argv[1]))
