import pytest

from stance.actors import registry
from stance.errors import UnknownActor


@pytest.mark.parametrize("name, code", [
    ("DPRK", "PRK"), ("North Korea", "PRK"), ("Democratic People's Republic of Korea", "PRK"),
    ("Pyongyang", "PRK"), ("ROK", "KOR"), ("Republic of Korea", "KOR"), ("South Korea", "KOR"),
    ("the Kremlin", "RUS"), ("The Kremlin", "RUS"), ("Russian Federation", "RUS"), ("RU", "RUS"),
    ("rus", "RUS"), ("Germany", "DEU"), ("DE", "DEU"), ("United States of America", "USA"), ("U.S.", "USA"),
    ("Beijing", "CHN"), ("China", "CHN"), ("Viet Nam", "VNM"), ("Türkiye", "TUR"), ("Turkey", "TUR"),
    ("EU", "EU"), ("European Union", "EU"), ("NATO", "NATO"), ("  south   korea ", "KOR"),
    ("Democratic People\u2019s Republic of Korea", "PRK"),
])
def test_names_resolve_to_codes(name: str, code: str) -> None:
    assert registry().resolve(name) == code


def test_unknown_name_suggests_nearest() -> None:
    with pytest.raises(UnknownActor, match=r"did you mean North Korea \(PRK\)"):
        registry().resolve("Nortth Korea")


def test_fuzzy_matches_are_never_accepted() -> None:
    # pycountry's search_fuzzy("Korea") picks a Korea; we refuse and ask.
    with pytest.raises(UnknownActor):
        registry().resolve("Korea")


@pytest.mark.parametrize("date, expected_elected", [
    ("2006-10-14", {"ARG", "COG", "DNK", "GHA", "GRC", "JPN", "PER", "QAT", "SVK", "TZA"}),
    ("2017-12-22", {"BOL", "EGY", "ETH", "ITA", "JPN", "KAZ", "SEN", "SWE", "UKR", "URY"}),
    ("2024-03-28", {"CHE", "DZA", "ECU", "GUY", "JPN", "KOR", "MLT", "MOZ", "SLE", "SVN"}),
])
def test_security_council_by_date(date: str, expected_elected: set[str]) -> None:
    members = set(registry().members("UNSC", date))
    p5 = set(registry().members("P5", date))
    assert p5 == {"CHN", "FRA", "GBR", "RUS", "USA"}
    assert members == p5 | expected_elected
