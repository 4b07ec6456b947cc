"""The COW and CAMEO code tables in data/ map only to actors the registry knows."""

from __future__ import annotations

import csv
import re

import pytest

from stance.actors import registry
from stance.db import DATA_DIR


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


COW = _rows("cow_codes.csv")
CAMEO = _rows("cameo_countries.csv")


def test_tables_have_their_columns() -> None:
    assert list(COW[0]) == ["ccode", "cow_abb", "name", "actor", "note"]
    assert list(CAMEO[0]) == ["cameo", "actor", "name", "note"]


@pytest.mark.parametrize("table, rows", [("cow_codes.csv", COW), ("cameo_countries.csv", CAMEO)])
def test_every_actor_resolves_to_itself(table: str, rows: list[dict[str, str]]) -> None:
    reg = registry()
    actors = {r["actor"] for r in rows if r["actor"]}
    assert actors
    wrong = {a: reg.resolve(a) for a in actors if reg.resolve(a) != a}
    assert not wrong, f"{table}: codes that resolve elsewhere: {wrong}"


def test_every_cow_row_has_an_actor() -> None:
    assert all(r["actor"] for r in COW)


def test_ccodes_are_unique_integers() -> None:
    codes = [r["ccode"] for r in COW]
    assert all(c.isdigit() for c in codes)
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize("ccode, actor", [
    (2, "USA"), (365, "RUS"), (710, "CHN"), (731, "PRK"), (732, "KOR"),
    (255, "DEU"), (260, "FRG"), (511, "ZAN"), (265, "DDR"), (315, "CSK"), (316, "CZE"),
    (345, "SRB"), (678, "YAR"), (679, "YEM"), (680, "YMD"), (816, "VNM"),
])
def test_cow_examples(ccode: int, actor: str) -> None:
    by_code = {int(r["ccode"]): r["actor"] for r in COW}
    assert by_code[ccode] == actor


def test_cow_covers_the_193_un_members() -> None:
    historical_or_observer = {"DDR", "CSK", "YMD", "FRG", "YAR", "ZAN", "TWN"}
    assert len({r["actor"] for r in COW} - historical_or_observer) == 193


def test_cameo_codes_are_unique_three_letter_upper_case() -> None:
    codes = [r["cameo"] for r in CAMEO]
    assert all(re.fullmatch(r"[A-Z]{3}", c) for c in codes)
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize("cameo, actor", [
    ("USA", "USA"), ("RUS", "RUS"), ("ROM", "ROU"), ("TMP", "TLS"), ("MTN", "MNE"), ("IMY", "IMN"),
    ("AFR", ""), ("EUR", ""), ("WST", ""), ("MEA", ""), ("SAF", ""),
])
def test_cameo_examples(cameo: str, actor: str) -> None:
    by_code = {r["cameo"]: r["actor"] for r in CAMEO}
    assert by_code[cameo] == actor


def test_unmapped_cameo_codes_say_why() -> None:
    assert all(r["note"] for r in CAMEO if not r["actor"])
