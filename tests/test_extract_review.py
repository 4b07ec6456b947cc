"""The extraction assistant end to end: the gold-set evaluation, the review queue in the database,
`stance extract` / `stance review` on the command line, and the Review page under AppTest."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from stance import editing
from stance.cli import cli
from stance.db import PROJECT_DIR, open_db
from stance.errors import ValidationError
from stance.extract import store
from stance.extract.propose import Options, extract_file
from tests.helpers import fingerprint
from tests.pages import page_app

GOLD = PROJECT_DIR / "tests" / "gold"
ARTICLES = GOLD / "articles"
WANG = ARTICLES / "01_wang_proposal.txt"  # four confident proposals (one a direct quotation), one recall-first
URL = "https://example.org/gold/01"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def queued(sample_db: Path) -> Path:
    """The sample database with the Wang article's four confident proposals in the queue."""
    code, out = run("extract", str(WANG), "--url", URL, "--outlet", "Wire", "--confident-only", "--db",
                    str(sample_db))
    assert code == 0, out
    return sample_db


def proposals(db_path: Path) -> dict[str, dict]:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    rows = {r["id"]: dict(r) for r in conn.execute("SELECT * FROM proposals ORDER BY sentence_index, id")}
    conn.close()
    return rows


# --- Evaluation ------------------------------------------------------------------------------------

def test_evaluate_prints_precision_recall_f1_and_each_miss_and_false_alarm() -> None:
    code, out = run("extract", "--evaluate", str(GOLD))
    assert code == 0
    header = re.search(r"gold set .*: (\d+) articles, (\d+) labelled statements, (\d+) proposals", out)
    assert header and int(header[1]) >= 12 and int(header[2]) >= 40
    figures = {name: float(value) for name, value in re.findall(r"^(precision|recall|F1)\s+([01]\.\d{3})", out, re.M)}
    assert set(figures) == {"precision", "recall", "F1"}
    hits = re.search(r"^precision [01]\.\d{3} \((\d+)/(\d+)\)", out, re.M)
    misses = len(re.findall(r"^MISS ", out, re.M))
    alarms = len(re.findall(r"^FALSE ALARM ", out, re.M))
    assert int(hits[1]) + alarms == int(hits[2]) == int(header[3])  # every proposal is a hit or a false alarm
    assert int(hits[1]) + misses == int(header[2])  # every label is a hit or a miss
    # The figures are deterministic: the targets of the issue hold on this set. They count the
    # recall-first proposals ("issue and actor, no stance cue") as a coder sees them; the confident
    # ones alone are held to the precision they had before that mode existed.
    assert figures["precision"] >= 0.75 and figures["recall"] >= 0.95
    confident = re.search(r"^confident proposals alone: precision ([01]\.\d{3}) .*recall ([01]\.\d{3})", out, re.M)
    assert confident and float(confident[1]) >= 0.85 and float(confident[2]) >= 0.70


def test_the_gold_set_has_the_hard_cases_it_promises() -> None:
    labels = (GOLD / "labels.csv").read_text(encoding="utf-8")
    for case in ("negation", "quotation", "metonym", "demonym", "first person", "relative date",
                 "two actors of opposite stance"):
        assert case in labels, case
    articles = sorted(p.name for p in ARTICLES.iterdir())
    assert len(articles) >= 12 and any(a.endswith(".html") for a in articles)


# --- Extraction into the queue ---------------------------------------------------------------------

def test_extract_prints_each_proposal_and_a_second_run_proposes_nothing_new(sample_db: Path) -> None:
    code, first = run("extract", str(WANG), "--url", URL, "--db", str(sample_db))
    assert code == 0 and "5 proposals, 5 new" in first
    assert first.count("\n+ ") == 5 and "CHN  double-freeze" in first and "speaker: Wang Yi, Foreign Minister" in first
    before = fingerprint(sample_db), proposals(sample_db)
    code, second = run("extract", str(WANG), "--url", URL, "--db", str(sample_db))
    assert code == 0 and "5 proposals, 0 new" in second and second.count("\n= ") == 5
    assert (fingerprint(sample_db), proposals(sample_db)) == before


def test_extract_refuses_bad_options(sample_db: Path) -> None:
    for args, message in ((["--date", "2017-02-30"], "not a calendar date"), (["--url", "ftp://x"], "not an http"),
                          (["--speaker-actor", "Narnia"], "unknown actor")):
        result = CliRunner().invoke(cli, ["extract", str(WANG), "--db", str(sample_db), *args])
        assert result.exit_code == 2 and message in result.output
    assert not proposals(sample_db)


def test_proposals_record_their_provenance(queued: Path) -> None:
    rows = list(proposals(queued).values())
    assert {r["status"] for r in rows} == {"pending"} and len(rows) == 4
    quoted = next(r for r in rows if r["quote"])
    assert quoted["quote"].startswith("To defuse the looming crisis, China proposes")
    assert quoted["rule"] == "quote-subject" and quoted["cues"] == "proposes"
    a, b = json.loads(quoted["cue_spans"])[0]
    assert quoted["sentence"][a:b] == "proposes"
    article = sqlite3.connect(queued).execute("SELECT url, outlet, date, date_precision FROM articles").fetchone()
    assert article == (URL, "Wire", "2017-03-08", "day")


# --- Deciding ---------------------------------------------------------------------------------------

def test_accept_writes_a_statement_with_coder_and_provenance(queued: Path) -> None:
    pid = next(p["id"] for p in proposals(queued).values() if p["quote"])
    db = open_db(queued)
    sid = store.accept(db, pid, "Ada")
    db.close()
    conn = sqlite3.connect(queued)
    actor, issue, stance, date, quote, speaker, coder, notes, url = conn.execute(
        "SELECT s.actor, s.issue, s.stance, s.date, s.quote, s.speaker, s.coder, s.notes, src.url FROM statements s "
        "JOIN sources src ON src.id = s.source_id WHERE s.id = ?", [sid]).fetchone()
    assert (actor, issue, stance, date, coder, url) == ("CHN", "double-freeze", 2, "2017-03-08", "Ada", URL)
    assert quote.startswith("To defuse") and speaker == "Wang Yi, Foreign Minister"
    assert "proposed by stance extract" in notes.lower() and "rule quote-subject" in notes
    assert "accepted by Ada" in notes
    assert conn.execute("SELECT who, action FROM audit WHERE statement_id = ?", [sid]).fetchone() == ("Ada", "add")
    assert conn.execute("SELECT status, decided_by, statement_id, edited FROM proposals WHERE id = ?",
                        [pid]).fetchone() == ("accepted", "Ada", sid, 0)


def test_a_paraphrase_has_no_quote_and_its_sentence_in_the_notes(queued: Path) -> None:
    pid = next(p["id"] for p in proposals(queued).values() if not p["quote"])
    db = open_db(queued)
    sid = store.accept(db, pid, "Ada")
    quote, notes = db.execute("SELECT quote, notes FROM statements WHERE id = ?", [sid]).fetchone()
    db.close()
    assert quote is None and "Paraphrase from the article" in notes


def test_edit_then_accept_and_the_validation_it_shares_with_the_loader(queued: Path) -> None:
    pid = next(iter(proposals(queued)))
    db = open_db(queued)
    with pytest.raises(ValidationError) as caught:
        store.accept(db, pid, "Ada", {"date": "2017-02-30", "actor": "Narnia"})
    assert {p.field for p in caught.value.problems} == {"date", "actor"}
    sid = store.accept(db, pid, "Ada", {"stance": 1, "date": "2017-03"})
    assert db.execute("SELECT stance, date, date_precision FROM statements WHERE id = ?", [sid]).fetchone() == \
        (1, "2017-03", "month")
    notes = db.execute("SELECT notes FROM statements WHERE id = ?", [sid]).fetchone()[0]
    assert "edited before acceptance: stance +2 strongly support -> +1 support, date 2017-03-08 -> 2017-03" in notes
    assert db.execute("SELECT edited FROM proposals WHERE id = ?", [pid]).fetchone() == (1,)
    with pytest.raises(store.QueueError, match="already accepted"):
        store.accept(db, pid, "Bo")
    db.close()


def test_reject_needs_a_reason_keeps_it_out_and_remembers(queued: Path) -> None:
    pid = next(iter(proposals(queued)))
    before = fingerprint(queued)
    db = open_db(queued)
    with pytest.raises(ValidationError) as caught:
        store.reject(db, pid, "", " ")
    assert {p.field for p in caught.value.problems} == {"coder", "reason"}
    store.reject(db, pid, "Bo", "the object, not the subject")
    db.close()
    assert fingerprint(queued) == before  # no statement, no source, nothing else
    row = proposals(queued)[pid]
    assert (row["status"], row["decided_by"], row["reason"]) == ("rejected", "Bo", "the object, not the subject")
    code, out = run("extract", str(WANG), "--confident-only", "--db", str(queued))  # read again: nothing new
    assert "0 new" in out and proposals(queued)[pid]["status"] == "rejected"


def test_deleting_an_accepted_statement_unlinks_the_proposal(queued: Path) -> None:
    pid = next(iter(proposals(queued)))
    db = open_db(queued)
    sid = store.accept(db, pid, "Ada")
    editing.delete_statement(db, sid, "Ada", "test")
    assert db.execute("SELECT status, statement_id FROM proposals WHERE id = ?", [pid]).fetchone() == \
        ("accepted", None)
    db.close()


def test_read_only_queue_refuses_every_write(queued: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pid = next(iter(proposals(queued)))
    before = fingerprint(queued), proposals(queued)
    monkeypatch.setenv("STANCE_READ_ONLY", "1")
    db = open_db(queued)
    for write in (lambda: store.accept(db, pid, "Ada"), lambda: store.reject(db, pid, "Ada", "x"),
                  lambda: store.save(db, extract_file(WANG, Options()))):
        with pytest.raises(editing.ReadOnlyError):
            write()
    db.close()
    assert (fingerprint(queued), proposals(queued)) == before


# --- stance review -----------------------------------------------------------------------------------

def test_cli_review_list_accept_reject(queued: Path) -> None:
    db = str(queued)
    code, out = run("review", "--list", "--db", db)
    assert code == 0 and "4 of 4 pending shown" in out and "precision so far n/a" in out
    ids = list(proposals(queued))
    code, out = run("review", "--accept", ids[0][:8], "--coder", "Ada", "--set", "stance=1", "--db", db)
    assert code == 0 and out.startswith(f"accepted {ids[0]}: statement ")
    code, out = run("review", "--reject", ids[1][:8], "--reason", "not a position", "--coder", "Bo", "--db", db)
    assert code == 0 and out == f"rejected {ids[1]}\n"
    code, out = run("review", "--list", "--status", "all", "--db", db)
    assert "2 pending, 1 accepted (1 after an edit), 1 rejected; precision so far 0.50" in out
    assert "[rejected by Bo: not a position]" in out
    code, out = run("review", "--list", "--actor", "China", "--issue", "dprk-sanctions", "--db", db)
    assert "1 of 1 pending shown" in out


@pytest.mark.parametrize(("args", "message"), [
    (["--accept", "abc"], "at least six characters"),
    (["--accept", "ffffffffff", "--coder", "Ada"], "no proposal with id"),
    (["--reject", "{first}", "--coder", "Ada"], "reason: missing"),
    (["--accept", "{first}"], "coder: missing"),
    (["--accept", "{first}", "--set", "speaker=x", "--coder", "Ada"], "FIELD one of actor, issue, stance, date"),
])
def test_cli_review_errors(queued: Path, args: list[str], message: str) -> None:
    first = next(iter(proposals(queued)))
    result = CliRunner().invoke(cli, ["review", *[a.format(first=first) for a in args], "--db", str(queued)])
    assert result.exit_code != 0 and message in result.output
    assert {p["status"] for p in proposals(queued).values()} == {"pending"}


# --- The Review page ----------------------------------------------------------------------------------

def submit(at, key: str):
    (button,) = [b for b in at.button if b.proto.form_id == key]
    return button.click().run()


def test_review_page_accepts_with_provenance_and_rejects_with_a_reason(queued: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("review", queued, monkeypatch)
    assert not at.exception
    assert [m.value for m in at.metric][:3] == ["4", "0", "0"]
    ids = [p["id"] for p in store.listing(open_db(queued, read_only=True)).to_dict("records")]
    assert ":orange-background[**" in at.markdown[1].value  # the cue is highlighted
    at.text_input(key="rv_coder").set_value("Page Coder").run()
    at.selectbox(key=f"rv_stance_{ids[0]}").set_value(1)
    at = submit(at, f"rv_accept_{ids[0]}")
    assert not at.exception and not at.error
    assert f"Accepted proposal {ids[0]}" in at.success[0].value
    conn = sqlite3.connect(queued)
    sid, status, edited = conn.execute("SELECT statement_id, status, edited FROM proposals WHERE id = ?",
                                       [ids[0]]).fetchone()
    assert (status, edited) == ("accepted", 1)
    stance, coder, notes = conn.execute("SELECT stance, coder, notes FROM statements WHERE id = ?", [sid]).fetchone()
    assert (stance, coder) == (1, "Page Coder") and "accepted by Page Coder" in notes
    assert "Proposed by stance extract" in notes
    at.text_input(key=f"rv_reason_{ids[1]}").set_value("wrong actor")
    at = submit(at, f"rv_reject_{ids[1]}")
    assert not at.exception
    assert conn.execute("SELECT status, reason, decided_by, statement_id FROM proposals WHERE id = ?",
                        [ids[1]]).fetchone() == ("rejected", "wrong actor", "Page Coder", None)
    assert conn.execute("SELECT count(*) FROM statements WHERE coder = 'Page Coder'").fetchone() == (1,)
    assert [m.value for m in at.metric] == ["2", "1", "1", "50%"]


def test_review_page_needs_a_coder_and_shows_why(queued: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = fingerprint(queued), proposals(queued)
    at = page_app("review", queued, monkeypatch)
    first = next(iter(store.listing(open_db(queued, read_only=True))["id"]))
    at = submit(at, f"rv_reject_{first}")
    assert not at.exception
    assert "coder\\: missing" in at.error[0].value and "reason\\: missing" in at.error[0].value
    assert (fingerprint(queued), proposals(queued)) == before


def test_review_page_pages_and_filters_many_proposals(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = open_db(sample_db)
    for path in sorted(ARTICLES.iterdir()):
        store.save(db, extract_file(path, Options()))
    total = store.count(db)
    db.close()
    assert total > 40
    at = page_app("review", sample_db, monkeypatch)
    assert not at.exception and len([b for b in at.button if b.label == "Accept"]) == 20
    assert at.number_input(key="rv_page").max == -(-total // 20)
    last = -(-total // 20)
    at.number_input(key="rv_page").set_value(last).run()
    assert len([b for b in at.button if b.label == "Accept"]) == total - 20 * (last - 1)
    at = page_app("review", sample_db, monkeypatch, issue="double-freeze", actor="USA")
    assert not at.exception
    headings = [m.value for m in at.markdown if m.value.startswith("**")]
    assert headings and all("(USA)" in h and "Double freeze" in h for h in headings)


@pytest.mark.parametrize("params", [{"status": "<b>", "issue": "nope", "actor": "';--", "page": "x"},
                                    {"page": "999"}])
def test_review_page_ignores_junk_in_the_url(queued: Path, monkeypatch: pytest.MonkeyPatch, params: dict) -> None:
    monkeypatch.setenv("STANCE_DB", str(queued))
    at = AppTest.from_string("from stance.views import review\nreview.render()\n", default_timeout=60)
    for key, value in params.items():  # page_app() has its own `page` argument
        at.query_params[key] = value
    at = at.run()
    assert not at.exception
    assert len([b for b in at.button if b.label == "Accept"]) == 4


def test_review_page_empty_queue_and_read_only(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("review", sample_db, monkeypatch)
    assert not at.exception and "python -m stance extract" in at.info[0].value
    at = page_app("review", sample_db, monkeypatch, env={"STANCE_READ_ONLY": "1"})
    assert not at.exception and "read-only" in at.info[0].value and not at.button
