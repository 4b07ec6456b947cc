"""A database whose every stored string is hostile markdown, for the escaping tests.

Each string starts with an image and a link to an off-site host, KaTeX, a Streamlit colour
directive and raw HTML: rendered as markdown, the browser would fetch the image. Names, titles,
descriptions, quotes, speakers, notes, sources, outlets, resolution titles, article titles and
import file names all get it, behind the loader's back (a tampered or old database, or a public
deployment serving someone else's file).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from stance.cli import cli
from stance.db import open_db
from stance.ingest.load import load_paths

EVIL_HOST = "evil.invalid"
GOLD_ARTICLE = Path(__file__).parent / "gold" / "articles" / "01_wang_proposal.txt"
RAW = Path(__file__).parent / "fixtures" / "raw"


def hostile(tag: str) -> str:
    return (f"![p](http://{EVIL_HOST}/{tag}.png) $x^2$ :red[{tag}] **bold{tag}** "
            f"[l](http://{EVIL_HOST}/{tag}-link) <img src=http://{EVIL_HOST}/{tag}-tag.png> ")


def _sql_hostile(tag: str) -> str:
    return "'" + hostile(tag).replace("'", "''") + "'"


TAMPER = {
    "actors": [("name", "code")],
    "issues": [("title", "slug"), ("description", "slug"), ("plus_2", "slug"), ("minus_2", "slug")],
    "resolutions": [("title", "id")],
    "statements": [("quote", "id"), ("speaker", "id"), ("notes", "id"), ("coder", "id")],
    "sources": [("title", "id"), ("outlet", "id")],
    "articles": [("title", "id"), ("outlet", "id")],
    "proposals": [("speaker", "id"), ("notes", "id")],
    "imports": [("file", "id")],
}


def build(template: Path, folder: Path) -> Path:
    """The sample, GDELT events and a review queue, then every text field made hostile. Each
    value keeps its original text after the payload, so names stay distinct."""
    path = folder / "stance.db"
    shutil.copy(template, path)
    db = open_db(path)
    assert load_paths(db, [RAW / "20240105120000.export.CSV", RAW / "200601.csv"]).written
    db.close()
    out = CliRunner().invoke(cli, ["extract", str(GOLD_ARTICLE), "--url", "https://example.org/gold/01",
                                   "--db", str(path)], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    db = open_db(path)
    with db.conn:
        db.execute("UPDATE articles SET title = 'an article'")
        for table, fields in TAMPER.items():
            for column, _ in fields:
                db.execute(f'UPDATE "{table}" SET "{column}" = {_sql_hostile(column)} || coalesce("{column}", \'\')')
        db.execute("INSERT INTO statements_fts (statements_fts) VALUES ('rebuild')")
    db.close()
    return path
