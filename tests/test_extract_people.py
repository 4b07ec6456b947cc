"""The officials the extractor knows (data/extract/people.csv, titles.csv): who a name or an unnamed
title stands for on a date, and when a surname may stand alone.

Sentences are written for the test; each case is the set of (actor, issue, stance) proposed
confidently, or the speaker named.
"""

from __future__ import annotations

import csv
import shutil
import unicodedata
from pathlib import Path

import pytest

from stance.extract.lexicon import EXTRACT_DIR, LexiconError, in_window, lexicon, load
from stance.extract.propose import Options, extract
from stance.extract.text import article_from_text

DF, SANC = "double-freeze", "dprk-sanctions"
NEVER_ALONE = {"Wang", "Kim", "Moon", "Power", "Wood", "Rice", "Allen", "Price", "Miller", "Li", "Zhang", "Liu",
               "Cho", "Park", "Lee", "Ri", "Ban", "Abe", "Kono", "Kirby", "Johnson", "Gabriel", "Kerry", "Clinton"}


def proposed(text: str, date: str | None = None) -> set[tuple[str, str, int]]:
    options = Options(date=date, recall_first=False) if date else Options(recall_first=False)
    return {(p.actor, p.issue, p.stance) for p in extract(article_from_text(text), options).proposals}


def speakers(text: str, date: str) -> list[str | None]:
    return [p.speaker for p in extract(article_from_text(text), Options(date=date, recall_first=False)).proposals]


@pytest.mark.parametrize(("text", "date", "expected"), [
    # named without their country: the people file gives it (diacritics or none)
    ("Matthew Rycroft welcomed resolution 2397.", "2017-12-23", {("GBR", SANC, 1)}),
    ("Koro Bessho welcomed resolution 2397.", "2017-12-23", {("JPN", SANC, 1)}),
    ("Francois Delattre welcomed resolution 2397.", "2017-12-23", {("FRA", SANC, 1)}),
    ("Federica Mogherini welcomed resolution 2397.", "2017-12-23", {("EU", SANC, 1)}),
    ("Vitaly Churkin welcomed resolution 2270.", "2016-03-02", {("RUS", SANC, 1)}),
    ("Joonkook Hwang welcomed resolution 2397.", "2023-03-29", {("KOR", SANC, 1)}),
    ("Kim Yo Jong rejected the new sanctions on North Korea.", "2023-03-29", {("PRK", SANC, -2)}),
    ("Ja Song Nam rejected the new sanctions on North Korea.", "2017-08-06", {("PRK", SANC, -2)}),
])
def test_officials_are_known_by_name(text: str, date: str, expected: set) -> None:
    assert proposed(text, date) == expected


@pytest.mark.parametrize(("text", "date", "speaker"), [
    # the deputy is not the ambassador
    ("Russia's deputy UN ambassador backed the double freeze.", "2019-05-01",
     "Dmitry Polyanskiy, Deputy UN ambassador"),
    ("Russia's U.N. ambassador backed the double freeze.", "2019-05-01", "Vassily Nebenzia, UN ambassador"),
    ("The State Department spokeswoman rejected the double freeze.", "2018-01-10",
     "Heather Nauert, State Department spokesperson"),
    ("Japan's top government spokesman welcomed resolution 2397.", "2017-12-23",
     "Yoshihide Suga, Chief Cabinet Secretary"),
    ("The spokesman for the Secretary-General welcomed resolution 2397.", "2017-12-23",
     "Stéphane Dujarric, Secretary-General's spokesperson"),
    ("The EU's foreign policy chief welcomed resolution 2397.", "2017-12-23",
     "Federica Mogherini, High Representative"),
    # the UN's High Representative, not the EU's
    ("The High Representative for Disarmament Affairs welcomed resolution 2397.", "2017-12-23",
     "Izumi Nakamitsu, High Representative for Disarmament Affairs"),
])
def test_an_unnamed_office_is_its_holder_on_the_date(text: str, date: str, speaker: str) -> None:
    assert speakers(text, date) == [speaker]


@pytest.mark.parametrize(("text", "date", "expected"), [
    ("Haley rejected the double freeze.", "2017-09-04", {("USA", DF, -2)}),  # mid-story excerpt
    ("Churkin welcomed resolution 2270.", "2016-03-02", {("RUS", SANC, 1)}),
    ("Haley rejected the double freeze.", "2020-09-04", set()),  # out of office: another Haley
    ("Haley rejected the double freeze.", None, set()),  # no date, no guess
    ("Power rejected the double freeze.", "2015-01-10", set()),  # a common word, never alone
    ("Wang rejected the double freeze.", "2017-09-04", set()),  # a common surname, never alone
])
def test_a_distinctive_surname_stands_alone_in_its_office_window(text: str, date: str | None,
                                                                   expected: set) -> None:
    assert proposed(text, date) == expected


def test_the_people_file_is_cited_and_consistent() -> None:
    rows = list(csv.DictReader(line for line in open(EXTRACT_DIR / "people.csv", encoding="utf-8")
                               if not line.startswith("#")))
    roles = {row["role"] for row in csv.DictReader(line for line in open(EXTRACT_DIR / "titles.csv", encoding="utf-8")
                                                   if not line.startswith("#")) if row["role"]}
    seen = set()
    for row in rows:
        assert row["source_url"].startswith(("http://", "https://")), row["name"]
        assert (row["name"], row["role"], row["start"]) not in seen, row["name"]
        seen.add((row["name"], row["role"], row["start"]))
        assert row["start"] and (not row["end"] or in_window(row["end"], row["start"], None)), row["name"]
        spellings = [row["name"], *filter(None, row["also"].split("|"))]
        assert any(_ascii(n) == n for n in spellings), f"{row['name']}: no spelling without diacritics"
        if row["short"]:
            assert any(_ascii(n) == n for n in row["short"].split("|")), f"{row['name']}: short name"
        if row["alone"]:
            assert row["short"] and not set(row["short"].split("|")) & NEVER_ALONE, row["name"]
        if row["role"] not in {"Party vice department director"}:
            assert row["role"] in roles, f"{row['name']}: role {row['role']!r} has no title in titles.csv"
    assert len(lexicon().persons) == len(rows)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def test_a_bad_alone_value_is_named(tmp_path: Path) -> None:
    for path in EXTRACT_DIR.glob("*.csv"):
        shutil.copy(path, tmp_path / path.name)
    people = tmp_path / "people.csv"
    people.write_text(people.read_text(encoding="utf-8").replace(",yes,https", ",maybe,https", 1), encoding="utf-8")
    with pytest.raises(LexiconError, match=r"people.csv: alone 'maybe'"):
        load(tmp_path)
