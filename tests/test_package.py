"""Downloads as data packages (issue 15): every zip a page or the CLI makes is a valid Frictionless
Data Package v2, says where its rows come from, and its statements load back with Stance's loader."""

from __future__ import annotations

import io
import json
import urllib.parse
import zipfile
from pathlib import Path

import frictionless
import pandas as pd
import pytest
from click.testing import CliRunner
from streamlit.runtime.media_file_manager import MediaFileManager

from stance.cli import cli
from stance.db import DATA_DIR, open_db
from stance.ingest.load import load_paths
from stance.package import database_digest, sources_present, write_package
from stance.queries import explore, export_statements
from stance.queries import idealpoints as ipq
from tests.pages import page_app
from tests.test_ga_records import write_unvotes
from tests.test_idealpoints import bloc_record
from tests.test_measures import unvotes_db


@pytest.fixture
def deferred(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """The functions pages hand st.download_button to build a file on click, by button label's
    file id: AppTest's runtime is gone after a run, so they are kept here and called as a click would."""
    kept: dict[str, object] = {}
    real = MediaFileManager.add_deferred

    def keep(self, data_callable, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        file_id = real(self, data_callable, *args, **kwargs)
        kept[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    return kept


def click(at, deferred: dict[str, object], label_start: str) -> bytes:  # noqa: ANN001
    (button,) = [b for b in at.get("download_button") if b.proto.label.startswith(label_start)]
    return deferred[button.proto.deferred_file_id]()


def valid(data: bytes, folder: Path) -> dict:
    """Unzip, validate with frictionless, return datapackage.json."""
    zipfile.ZipFile(io.BytesIO(data)).extractall(folder)
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:10]
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def test_explore_download_is_a_valid_package_with_its_citation(sample_db: Path, monkeypatch: pytest.MonkeyPatch,
                                                               deferred: dict, tmp_path: Path) -> None:
    at = page_app("explore", sample_db, monkeypatch, issue="double-freeze")
    assert not at.exception
    meta = valid(click(at, deferred, "Download all"), tmp_path)
    assert meta["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    (resource,) = meta["resources"]
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    assert fields["Stance"]["type"] == "integer" and fields["Stance"]["constraints"] == {"minimum": -2, "maximum": 2}
    assert "strongly oppose" in fields["Stance"]["description"]
    assert meta["stance"]["filters"]["issue"] == "double-freeze" and "issue=double-freeze" in meta["stance"]["url"]
    db = open_db(sample_db, read_only=True)
    assert meta["stance"]["database_digest"]["value"] == database_digest(db)["value"]
    expected = explore.table(explore.points(db, issue="double-freeze"))
    db.close()
    rows = explore.read_csv((tmp_path / resource["path"]).read_bytes())  # the loader of Explore's own CSV
    assert list(rows["Record id"]) == list(expected["Record id"]) and len(rows) == len(expected)
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "## How to cite" in readme and "issue=double-freeze" in readme and "stance-team" in readme


@pytest.mark.parametrize(("page", "label", "evidence"), [
    ("timeline", "Download these", "hand-coded"), ("compare", "Download these", "hand-coded"),
    ("alignment", "Download these", "hand-coded"), ("map", "Download these", "hand-coded")])
def test_each_page_offers_its_rows_as_a_valid_package(page: str, label: str, evidence: str, sample_db: Path,
                                                      monkeypatch: pytest.MonkeyPatch, deferred: dict,
                                                      tmp_path: Path) -> None:
    at = page_app(page, sample_db, monkeypatch)
    assert not at.exception
    meta = valid(click(at, deferred, label), tmp_path)
    assert meta["resources"] and all(r["schema"]["fields"] for r in meta["resources"])
    assert evidence in json.dumps(meta["stance"]["citations"])
    # the filters and link are the view's as the page left it in the URL (Alignment writes it last)
    assert meta["stance"]["filters"] == {k: at.query_params[k] for k in at.query_params} != {}
    assert meta["stance"]["url"].endswith("?" + urllib.parse.urlencode(meta["stance"]["filters"]))


def test_positions_package_holds_the_chosen_states_ideal_points(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                deferred: dict) -> None:
    calls, votes = bloc_record()
    db = unvotes_db(tmp_path, calls, votes)
    ipq.ensure_fit(db)
    expected = ipq.points(db)
    db.close()
    at = page_app("positions", tmp_path / "m.db", monkeypatch, actors="USA,CHN")
    assert not at.exception
    meta = valid(click(at, deferred, "Download these"), tmp_path / "x")
    (resource,) = meta["resources"]
    rows = pd.read_csv(tmp_path / "x" / resource["path"])
    assert set(rows["actor"]) == {"USA", "CHN"} and len(rows) == expected["actor"].isin(["USA", "CHN"]).sum()
    assert meta["sources"][-1]["title"].startswith("Figures computed by Stance")


def test_relations_package_carries_gdelt_terms(sample_gdelt_template: Path, monkeypatch: pytest.MonkeyPatch,
                                               deferred: dict, tmp_path: Path) -> None:
    at = page_app("relations", sample_gdelt_template, monkeypatch)
    assert not at.exception
    meta = valid(click(at, deferred, "Download these"), tmp_path)
    assert [lic["name"] for lic in meta["licenses"]] == ["GDELT-terms"]
    assert {r["name"] for r in meta["resources"]} >= {"monthly"}


def test_measures_package(sample_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "kappa.zip"
    result = CliRunner().invoke(cli, ["measures", "agreement", "--body", "UNSC", "--by", "window", "--db",
                                      str(sample_db), "--package", str(out), "-o", str(tmp_path / "a.csv")])
    assert result.exit_code == 0, result.output
    meta = valid(out.read_bytes(), tmp_path / "x")
    (resource,) = meta["resources"]
    packaged = pd.read_csv(tmp_path / "x" / resource["path"])  # the BOM is skipped by pandas
    pd.testing.assert_frame_equal(packaged, pd.read_csv(tmp_path / "a.csv"), check_exact=False, atol=1e-6)
    assert len(packaged) > 0 and meta["stance"]["filters"]["body"] == "UNSC"
    again = meta["stance"]["url"]  # the command that computes it again
    assert again.startswith("python -m stance measures agreement") and "--body UNSC" in again
    # hand-coded UNSC votes and figures by Stance: the project's (undeclared) licence, nothing else
    assert {lic["name"] for lic in meta["licenses"]} == {"LicenseRef-Stance-undeclared"}


def test_whole_database_package_validates_and_its_statements_load_back(sample_db: Path, tmp_path: Path) -> None:
    """write_package (for `stance publish`): every table validates; `stance load` of its issues and
    statements into a fresh database gives the same statements."""
    db = open_db(sample_db, read_only=True)
    path = write_package(db, tmp_path / "out")
    before = export_statements(db)
    db.close()
    meta = valid(path.read_bytes(), tmp_path / "x")
    names = {r["name"] for r in meta["resources"]}
    assert {"actors", "issues", "statements", "resolutions", "votes", "sources"} <= names
    fresh = tmp_path / "fresh.db"
    # the package's issues.csv and statements.csv are in the loader's formats
    result = CliRunner().invoke(cli, ["load", "--db", str(fresh), str(tmp_path / "x" / "issues.csv"),
                                      str(tmp_path / "x" / "statements.csv")])
    assert result.exit_code == 0, result.output
    again = open_db(fresh, read_only=True)
    pd.testing.assert_frame_equal(export_statements(again), before)
    again.close()


def test_votes_cite_the_datasets_of_their_issue(sample_db: Path, tmp_path: Path) -> None:
    """With the General Assembly record loaded beside the sample, a package of an issue voted on in
    the Security Council (hand-coded votes) does not cite the record; one of a General Assembly issue does."""
    db = open_db(sample_db)
    assert load_paths(db, [DATA_DIR / "unga_issues.csv", *write_unvotes(tmp_path)], skip_invalid=True,
                      rejects=tmp_path / "rejects.csv").written
    ga_issue = db.execute("SELECT issue FROM resolutions WHERE rcid IS NOT NULL AND issue IS NOT NULL "
                          "LIMIT 1").fetchone()[0]
    keys = {issue: [s.key for s in sources_present(db, ("statements", "votes"), issue)]
            for issue in ("dprk-sanctions", ga_issue, None)}
    db.close()
    assert keys["dprk-sanctions"] == ["hand-coded"]
    assert keys[ga_issue] == ["ga-record", "hand-coded"] and keys[None] == ["ga-record", "hand-coded"]


def test_a_filter_cannot_write_lines_into_the_readme(sample_db: Path) -> None:
    """A search typed with line breaks (it comes from the URL) stays one line of the README's filter list."""
    db = open_db(sample_db, read_only=True)
    data = explore.export_zip(db, q="sanctions\n\n## How to cite\n\nSomeone else", filters={"q": "sanctions\n\n"
                              "## How to cite\n\nSomeone else"}, today="2026-12-02")
    db.close()
    readme = zipfile.ZipFile(io.BytesIO(data)).read("README.md").decode("utf-8")
    headings = [line for line in readme.splitlines() if line.startswith("#")]
    assert headings.count("## How to cite") == 1 and "- `q`: sanctions ## How to cite Someone else" in readme
