import pytest

from stance.errors import FieldError
from stance.model import parse_date, parse_stance, parse_url, parse_vote


@pytest.mark.parametrize("text, precision, day", [
    ("2017", "year", "2017-01-01"),
    ("2017-07", "month", "2017-07-01"),
    ("2017-07-04", "day", "2017-07-04"),
    (" 2024-03-28 ", "day", "2024-03-28"),
])
def test_dates_keep_their_precision(text: str, precision: str, day: str) -> None:
    parsed = parse_date(text)
    assert (parsed.text, parsed.precision, parsed.day) == (text.strip(), precision, day)


@pytest.mark.parametrize("text, reason", [
    ("", "missing"), ("04/07/2017", "not a date"), ("2017-13-01", "not a calendar date"),
    ("2017-02-30", "not a calendar date"), ("1850", "outside"), ("2999-01-01", "outside"),
])
def test_bad_dates_say_why(text: str, reason: str) -> None:
    with pytest.raises(FieldError, match=reason):
        parse_date(text)


@pytest.mark.parametrize("text, value", [
    ("2", 2), ("+1", 1), ("-2", -2), ("0", 0), ("1.0", 1), ("Strongly Support", 2), ("oppose", -1),
    ("neutral", 0), ("supports", 1),
])
def test_stance_numbers_and_labels(text: str, value: int) -> None:
    assert parse_stance(text) == value


@pytest.mark.parametrize("text, reason", [
    ("3", "out of range"), ("-3", "out of range"), ("1.5", "out of range"), ("maybe", "neither"), ("", "missing"),
    ("+-2", "neither"), ("++1", "neither"), ("1e0", "neither"), ("٢", "neither"), ("２", "neither"), ("nan", "neither"),
    ("inf", "neither"), ("1_0", "neither"), (".5", "neither"),
])
def test_bad_stances(text: str, reason: str) -> None:
    with pytest.raises(FieldError, match=reason):
        parse_stance(text)


@pytest.mark.parametrize("text, value", [
    ("Y", "yes"), ("N", "no"), ("A", "abstain"), ("X", "non-voting"), ("NV", "non-voting"),
    ("abstention", "abstain"), ("absent", "absent"),
])
def test_vote_codes(text: str, value: str) -> None:
    assert parse_vote(text) == value


@pytest.mark.parametrize("url", ["ftp://un.org/x", "javascript:alert(1)", "www.un.org", "http://", "un.org"])
def test_only_http_links(url: str) -> None:
    with pytest.raises(FieldError, match="not an http"):
        parse_url(url)
