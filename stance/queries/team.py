"""Team coding, the read side: coders, assignments, paired codings, adjudications, the codebook.

`assignments` is what the Double-code page shows a second coder, so it must never carry the first
coder's judgement: not the stance, not the confidence, not the notes (which often say why a value
was chosen). It selects the source text and nothing else, by name.
"""

from __future__ import annotations

import pandas as pd
import sqlite_utils

from stance.queries import frame


def coders(db: sqlite_utils.Database) -> pd.DataFrame:
    return frame(db, "SELECT id, name, since FROM coders ORDER BY name")


def assignments(db: sqlite_utils.Database, coder: str, pending_only: bool = True) -> pd.DataFrame:
    """A coder's drawn units with their source text only (blind: no first stance, confidence or notes)."""
    done = "AND c.stance IS NULL" if pending_only else ""
    return frame(db, f"""
        SELECT c.id AS coding_id, c.unit_kind, c.unit_id, c.issue, c.sample, c.drawn_at,
               COALESCE(s.actor, p.actor) AS actor, COALESCE(s.date, p.date) AS date,
               COALESCE(s.speaker, p.speaker) AS speaker,
               COALESCE(s.quote, p.quote) AS quote, p.sentence AS sentence,
               COALESCE(src.url, a.url) AS source_url, COALESCE(src.title, a.title) AS source_title,
               COALESCE(src.outlet, a.outlet) AS outlet
        FROM codings c
        LEFT JOIN statements s ON c.unit_kind = 'statement' AND s.id = c.unit_id
        LEFT JOIN sources src ON src.id = s.source_id
        LEFT JOIN proposals p ON c.unit_kind = 'proposal' AND p.id = c.unit_id
        LEFT JOIN articles a ON a.id = p.article
        WHERE c.role = 'second' AND c.coder = ? {done}
        ORDER BY c.drawn_at, c.id""", [coder])


def paired(db: sqlite_utils.Database, issue: str | None = None) -> pd.DataFrame:
    """Every unit coded twice: both values, both coders, when the second was made, and the
    adjudicated value if any (the latest decision)."""
    where = "AND s2.issue = ?" if issue else ""
    return frame(db, f"""
        SELECT s2.unit_kind, s2.unit_id, s2.issue, f.coder AS first_coder, f.stance AS first,
               s2.coder AS second_coder, s2.stance AS second, s2.coded_at, s2.note AS second_note,
               (SELECT decided FROM adjudications a WHERE a.unit_kind = s2.unit_kind AND a.unit_id = s2.unit_id
                ORDER BY a.id DESC LIMIT 1) AS decided
        FROM codings s2
        JOIN codings f ON f.unit_kind = s2.unit_kind AND f.unit_id = s2.unit_id AND f.role = 'first'
        WHERE s2.role = 'second' AND s2.stance IS NOT NULL {where}
        ORDER BY s2.coded_at, s2.id""", [issue] if issue else [])


def disagreements(db: sqlite_utils.Database) -> pd.DataFrame:
    """The Adjudicate queue: units whose two codings differ and that no one has decided yet,
    with the source (the adjudicator sees everything, unlike the second coder)."""
    df = paired(db)
    df = df[(df["first"] != df["second"]) & df["decided"].isna()]
    if df.empty:
        return df.assign(actor=[], date=[], quote=[], speaker=[], sentence=[], source_url=[], source_title=[],
                         notes=[])
    source = frame(db, """
        SELECT 'statement' AS unit_kind, s.id AS unit_id, s.actor, s.date, s.quote, s.speaker, NULL AS sentence,
               src.url AS source_url, src.title AS source_title, s.notes
        FROM statements s LEFT JOIN sources src ON src.id = s.source_id
        WHERE s.id IN (SELECT unit_id FROM codings WHERE unit_kind = 'statement')
        UNION ALL
        SELECT 'proposal', p.id, p.actor, p.date, p.quote, p.speaker, p.sentence, a.url, a.title, p.notes
        FROM proposals p JOIN articles a ON a.id = p.article
        WHERE p.id IN (SELECT unit_id FROM codings WHERE unit_kind = 'proposal')""")
    return df.merge(source, on=["unit_kind", "unit_id"], how="left").reset_index(drop=True)


def adjudications(db: sqlite_utils.Database) -> pd.DataFrame:
    return frame(db, "SELECT id, unit_kind, unit_id, issue, first_stance, second_stance, decided, who, why, at, "
                     "before_id, after_id FROM adjudications ORDER BY at DESC, id DESC")


def codebook_history(db: sqlite_utils.Database, issue: str | None = None) -> pd.DataFrame:
    """Every version of every issue's definition (or one issue's), newest first."""
    where = "WHERE issue = ?" if issue else ""
    return frame(db, f"SELECT issue, version, title, description, plus_2, minus_2, rules, examples, changed_at, "
                     f"changed_by, note FROM codebook {where} ORDER BY issue, version DESC",
                 [issue] if issue else [])


def codebook_current(db: sqlite_utils.Database) -> pd.DataFrame:
    """Each issue's current definition, in the issues' order."""
    return frame(db, """
        SELECT c.* FROM codebook c
        WHERE c.version = (SELECT max(version) FROM codebook WHERE issue = c.issue)
        ORDER BY c.issue""")


def flagged(db: sqlite_utils.Database, issue: str | None = None) -> pd.DataFrame:
    """Statements coded under an older definition than their issue's current one: to review."""
    where = "AND sc.issue = ?" if issue else ""
    return frame(db, f"""
        SELECT s.id, s.issue, s.actor, s.date, s.stance, s.quote, sc.version AS coded_under,
               (SELECT max(version) FROM codebook c WHERE c.issue = sc.issue) AS current_version
        FROM statement_codebook sc JOIN statements s ON s.id = sc.statement_id
        WHERE sc.version < (SELECT max(version) FROM codebook c WHERE c.issue = sc.issue) {where}
        ORDER BY s.issue, s.day, s.actor""", [issue] if issue else [])


def coded_under(db: sqlite_utils.Database, statement_id: str) -> int | None:
    row = db.execute("SELECT version FROM statement_codebook WHERE statement_id = ?", [statement_id]).fetchone()
    return row[0] if row else None
