"""Charts that cite themselves, and how to cite (issue 15): the source line inside every figure names
the sources its data rests on and no others; the Data page's "How to cite"; CITATION.cff is valid CFF
1.2.0 (checked against the format's own schema, tests/fixtures/cff-schema-1.2.0.json, from
citation-file-format/citation-file-format at 0c5b4aa0, CC-BY-4.0)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import plotly.graph_objects as go
import pytest
import yaml

import stance
from stance import citations
from stance.charts.footer import FOOTER_NAME, cite
from stance.db import DATA_DIR, PROJECT_DIR, open_db
from stance.ingest.load import load_paths
from tests.helpers import RAW
from tests.pages import figures, page_app

GA = "UN General Assembly votes: Voeten/unvotes, CC0"
STATEMENTS = "hand-coded statements"
SC = "UN votes hand-coded from UN documents"
GDELT = "GDELT events"


def footer(fig: dict) -> str:
    """The figure's source line, as the browser (and the toolbar's PNG and SVG) gets it."""
    found = [a["text"] for a in fig["layout"].get("annotations", []) if a.get("name") == FOOTER_NAME]
    assert len(found) == 1, "every chart carries exactly one source line"
    return found[0].replace("<br>", " ")


@pytest.fixture(scope="module")
def ga_db(tmp_path_factory: pytest.TempPathFactory, sample_db_template: Path) -> Path:
    """The sample plus a small General Assembly record in the unvotes format."""
    path = tmp_path_factory.mktemp("cite-ga") / "stance.db"
    shutil.copy(sample_db_template, path)
    db = open_db(path)
    files = [DATA_DIR / "unga_issues.csv", RAW / "un_roll_calls.csv", RAW / "un_roll_call_issues.csv",
             RAW / "un_votes.csv"]
    assert load_paths(db, files, skip_invalid=True, rejects=path.parent / "rejects.csv").written
    db.close()
    return path


# --- CITATION.cff --------------------------------------------------------------------------------

def test_citation_cff_is_valid_cff_1_2_0_and_follows_the_code() -> None:
    data = yaml.safe_load((PROJECT_DIR / "CITATION.cff").read_text(encoding="utf-8"))
    schema = json.loads((Path(__file__).parent / "fixtures" / "cff-schema-1.2.0.json").read_text(encoding="utf-8"))
    errors = [f"{list(e.path)}: {e.message}" for e in jsonschema.Draft7Validator(schema).iter_errors(data)]
    assert errors == []
    assert data["cff-version"] == "1.2.0"
    assert str(data["version"]) == stance.__version__ == str(data["preferred-citation"]["version"])
    voeten = next(r for r in data["references"] if r["title"] == "United Nations General Assembly Voting Data")
    assert voeten["license"] == citations.SOURCES["unvotes"].licence_id
    assert voeten["doi"] in citations.SOURCES["unvotes"].citation


# --- which sources a database and a figure rest on ------------------------------------------------

def test_sources_in_the_sample_and_with_the_ga_record(sample_db_template: Path, ga_db: Path) -> None:
    db = open_db(sample_db_template, read_only=True)
    present = {p.source.key: p for p in citations.sources_in(db)}
    assert list(present) == ["statements", "votes"]
    assert present["statements"].coders and present["votes"].rows == 180
    assert citations.vote_sources(db, "UNSC") == ["votes"] and citations.vote_sources(db, "UNGA") == []
    db.close()
    db = open_db(ga_db, read_only=True)
    assert [p.source.key for p in citations.sources_in(db)] == ["statements", "votes", "unvotes"]
    assert citations.vote_sources(db, "UNGA") == ["unvotes"]
    assert citations.vote_sources(db, None, "dprk-sanctions") == ["votes"]
    db.close()


def test_cite_twice_keeps_one_line_and_the_plot_its_height() -> None:
    fig = go.Figure(layout={"height": 400, "margin": {"b": 10}})
    cite(fig, ["gdelt"], "2026-12-02", "http://x/relations?a=USA", below=60)
    once = (fig.layout.height, fig.layout.margin.b)
    cite(fig, ["gdelt"], "2026-12-02", "http://x/relations?a=USA", below=60)
    assert [a.name for a in fig.layout.annotations] == [FOOTER_NAME]
    assert (fig.layout.height, fig.layout.margin.b) == once
    assert fig.layout.height - fig.layout.margin.b == 400 - 10  # the plot keeps its size


# --- every page's figures, under AppTest ---------------------------------------------------------

@pytest.mark.parametrize(("page", "params", "named", "not_named"), [
    ("timeline", {"issue": "dprk-sanctions", "actors": "CHN,RUS,USA"}, [STATEMENTS, SC], [GA, GDELT]),
    ("timeline", {"issue": "dprk-sanctions", "actors": "CHN,RUS,USA", "evidence": "statements"}, [STATEMENTS],
     [SC, GA]),
    ("compare", {}, [STATEMENTS, SC], [GA, GDELT]),
    ("alignment", {}, [SC], [STATEMENTS, GA]),
    ("map", {"issue": "dprk-sanctions"}, [STATEMENTS, SC, "outlines: Natural Earth"], [GA]),
    ("profile", {"actor": "RUS"}, [STATEMENTS, SC], [GA, GDELT]),
])
def test_every_figure_names_its_sources(sample_db: Path, monkeypatch: pytest.MonkeyPatch, page: str,
                                        params: dict[str, str], named: list[str], not_named: list[str]) -> None:
    at = page_app(page, sample_db, monkeypatch, **params)
    assert not at.exception
    figs = figures(at)
    assert figs
    for fig in figs:
        line = footer(fig)
        assert line.startswith(f"Source: Stance {stance.__version__} (")
        assert all(name in line for name in named), line
        assert not any(name in line for name in not_named), line


def test_relations_cites_gdelt_alone(sample_gdelt_template: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "stance.db"
    shutil.copy(sample_gdelt_template, path)
    line = footer(figures(page_app("relations", path, monkeypatch))[0])
    assert GDELT in line and STATEMENTS not in line and SC not in line


def test_general_assembly_figures_cite_the_ga_record_only(ga_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("alignment", ga_db, monkeypatch, body="UNGA")
    assert not at.exception
    for fig in figures(at):
        line = footer(fig)
        assert GA in line and SC not in line and STATEMENTS not in line


# --- the Data page ---------------------------------------------------------------------------------

def test_data_page_says_how_to_cite_the_database_and_each_dataset(ga_db: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    at = page_app("data", ga_db, monkeypatch)
    assert not at.exception
    assert "How to cite" in [h.value for h in at.subheader]
    database = at.code[0].value
    assert f"Stance {stance.__version__}" in database and "load(s)" in database and "accessed" in database
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")
    for key in ("statements", "votes", "unvotes"):
        assert f"**{citations.SOURCES[key].name}** · " in shown, key
    assert citations.SOURCES["gdelt"].name not in shown
    assert "Voeten, Erik; Strezhnev, Anton; Bailey, Michael (2009)" in shown and "CC0 1.0" in shown
    assert "Coders: stance-team" in " ".join(c.value for c in at.caption).replace("\\", "")
