"""The vocabulary of the data: stance scale, vote values, partial dates.

Parsers here raise `FieldError` with a reason a researcher can act on; the loaders add
file and line.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from stance.errors import FieldError

STANCE_LABELS: dict[int, str] = {
    -2: "strongly oppose",
    -1: "oppose",
    0: "neutral",
    1: "support",
    2: "strongly support",
}
_LABEL_TO_STANCE = {label: value for value, label in STANCE_LABELS.items()}
_LABEL_TO_STANCE.update({"strongly opposes": -2, "opposes": -1, "supports": 1, "strongly supports": 2})

VOTES = ("yes", "no", "abstain", "absent", "non-voting")
_VOTE_ALIASES = {
    "y": "yes", "yes": "yes", "in favour": "yes", "in favor": "yes", "for": "yes",
    "n": "no", "no": "no", "against": "no",
    "a": "abstain", "abstain": "abstain", "abstention": "abstain", "abstained": "abstain",
    "absent": "absent",
    "x": "non-voting", "nv": "non-voting", "non-voting": "non-voting", "non voting": "non-voting",
    "not voting": "non-voting",
}
BODIES = ("UNSC", "UNGA")
_TRUE = {"true", "yes", "y", "1", "adopted"}
_FALSE = {"false", "no", "n", "0", "failed", "vetoed", "not adopted"}

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)  # \d alone accepts '٢٠١٧' and '２０１７'


@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, month or day. `day` is its first day, for sorting and filtering."""

    text: str
    precision: str  # "year" | "month" | "day"
    day: str  # ISO date of the first day the text covers


def parse_date(value: str, field: str = "date") -> PartialDate:
    """Parse `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, keeping the precision the coder gave."""
    text = (value or "").strip()
    if not text:
        raise FieldError(field, "missing (expected YYYY, YYYY-MM or YYYY-MM-DD)")
    m = _DATE_RE.match(text)
    if not m:
        raise FieldError(field, f"{text!r} is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    try:
        first = dt.date(year, month, day)
    except ValueError as exc:
        raise FieldError(field, f"{text!r} is not a calendar date ({exc})") from None
    if year < 1900 or first > dt.date.today():
        raise FieldError(field, f"{text!r} is outside 1900 to today")
    precision = "day" if m[3] else "month" if m[2] else "year"
    return PartialDate(text, precision, first.isoformat())


def parse_stance(value: str, field: str = "stance") -> int:
    """A number -2..2 or its label ("strongly oppose" ... "strongly support")."""
    text = (value or "").strip().lower()
    if not text:
        raise FieldError(field, "missing (expected -2..2 or a label such as 'support')")
    if text in _LABEL_TO_STANCE:
        return _LABEL_TO_STANCE[text]
    if not _NUMBER_RE.fullmatch(text):  # not float(): it reads '1e0', '٢' and (after lstrip) '+-2'
        labels = ", ".join(STANCE_LABELS.values())
        raise FieldError(field, f"{value!r} is neither -2..2 nor one of: {labels}")
    number = float(text)
    if not math.isfinite(number) or number != int(number) or not -2 <= number <= 2:
        raise FieldError(field, f"{value!r} is out of range (whole numbers -2..2)")
    return int(number)


# A plain decimal number in ASCII with at most one sign: '2', '+1', '-2', '1.0' (spreadsheets),
# '3' (then refused as out of range); never '1e0', '++1', '+-2' or other scripts' digits.
_NUMBER_RE = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?", re.ASCII)


def parse_vote(value: str, field: str = "vote") -> str:
    """yes / no / abstain / absent / non-voting, also the UN's Y, N, A, X and NV."""
    text = (value or "").strip().lower()
    if text not in _VOTE_ALIASES:
        raise FieldError(field, f"{value!r} is not a vote (expected one of: {', '.join(VOTES)})")
    return _VOTE_ALIASES[text]


def parse_bool(value: str, field: str) -> bool:
    text = (value or "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise FieldError(field, f"{value!r} is not true or false")


def parse_polarity(value: str, field: str = "polarity") -> int:
    """+1 when a yes vote supports the issue's +2 end, -1 when it opposes it."""
    text = (value or "").strip()
    if text in {"1", "+1", "+"}:
        return 1
    if text in {"-1", "-"}:
        return -1
    raise FieldError(field, f"{value!r} is not a polarity (expected +1 or -1)")


def parse_confidence(value: str, field: str = "confidence") -> float | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise FieldError(field, f"{value!r} is not a number between 0 and 1") from None
    if not math.isfinite(number) or not 0 <= number <= 1:
        raise FieldError(field, f"{value!r} is outside 0..1")
    return number


def parse_url(value: str, field: str = "source_url", required: bool = False) -> str | None:
    """Source links must be http(s): they end up as clickable links in a browser."""
    text = (value or "").strip()
    if not text:
        if required:
            raise FieldError(field, "missing (every row needs an http(s) source link)")
        return None
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", text, re.IGNORECASE):
        raise FieldError(field, f"{text[:80]!r} is not an http(s) URL")
    return text


def stance_text(value: int) -> str:
    """'+1 support', '0 neutral', '-2 strongly oppose': the number a coder types, with its word."""
    value = int(value)
    return f"{value:+d} {STANCE_LABELS[value]}" if value else f"0 {STANCE_LABELS[0]}"


def stance_label(value: float) -> str:
    return STANCE_LABELS.get(round(value), "")


def format_date(text: object, precision: object = "day") -> str:
    """'2017-12-22' -> '22 Dec 2017', '2017-08' -> 'Aug 2017', '2017' -> '2017': the precision coded.

    The one date format of the pages: charts, tables and captions all show dates this way."""
    import pandas as pd  # here: the loaders import this module and need no pandas

    if not isinstance(text, str) or not text:
        return ""
    try:
        when = pd.Timestamp(text)
    except ValueError:
        return text
    formats = {"year": "%Y", "month": "%b %Y"}
    return when.strftime(formats.get(str(precision), "%-d %b %Y"))


_ROMAN = (("XXX", 30), ("XX", 20), ("X", 10), ("IX", 9), ("V", 5), ("IV", 4), ("I", 1))
_DATASET_SYMBOL = re.compile(r"R/(?P<session>[^/\s]+)/(?P<rest>\S.*)")


def roman(number: int) -> str:
    """1..39 in Roman numerals: the General Assembly's sessions in its pre-1976 symbols."""
    out = ""
    for letters, value in _ROMAN:
        while number >= value:
            out, number = out + letters, number - value
    return out


def ga_symbol(unres: str | None) -> str | None:
    """A General Assembly resolution's UN symbol from the form Voeten's data and unvotes write.

    `R/72/188` -> `A/RES/72/188`; before the 31st session (1976) the UN numbered resolutions
    through and put the session in Roman numerals: `R/15/1514` -> `A/RES/1514(XV)`. Anything
    else (already `A/RES/...`, or a form we do not know) is returned as written.
    """
    text = " ".join((unres or "").split())
    match = _DATASET_SYMBOL.fullmatch(text)
    if not match:
        return text or None
    session, rest = match["session"], match["rest"]
    if session.isascii() and session.isdigit() and 1 <= int(session) <= 30:
        number = re.match(r"\d+", rest)
        if number:
            return f"A/RES/{number.group(0)}({roman(int(session))}){rest[number.end():]}"
    return f"A/RES/{session}/{rest}"
