"""When an article appeared and when each statement in it was made, with the precision known.

The article's date is `--date`, else a date the page declared (`<time datetime>`), else a wire
dateline ("BEIJING, March 8 (Reuters) -", its missing year from the publication line or else the
latest year the article mentions), else a publication line ("Published: 2017-03-08", "December 23,
2017"), else a date in the headline. A sentence's own
date expression ("on Friday", "yesterday", "last night", "on March 7", "in July") is resolved
against the article's date; a weekday is the latest such day on or before it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {name: i for i, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
     ("november", "nov"), ("december", "dec")], start=1) for name in names}
WEEKDAYS = {d: i for i, d in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                                        "sunday"))}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
ISO = re.compile(r"\b(?P<year>(?:19|20)\d{2})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2})\b")
MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b", re.IGNORECASE)
DAY_MONTH_YEAR = re.compile(rf"\b{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR})?\b", re.IGNORECASE)
MONTH_YEAR = re.compile(rf"\b{_MONTH}\s+{_YEAR}\b", re.IGNORECASE)
DATELINE = re.compile(
    rf"^(?P<place>[A-Z][A-Za-z.'’ -]{{1,40}}?(?:,\s*[A-Z][A-Za-z.]+)?)\s*,\s*"
    rf"(?P<date>{_MONTH.replace('?P<month>', '?:')}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|"
    rf"\d{{1,2}}\s+{_MONTH.replace('?P<month>', '?:')}(?:,?\s+\d{{4}})?)\.?\s*"
    r"(?:[(/]\s*(?P<agency>[A-Za-z .]{1,30}?)\s*[)/]\.?)?\s*(?:—|–|-{1,2}|:)\s*", re.IGNORECASE)
BARE_DATELINE = re.compile(r"^(?P<place>[A-Z][A-Z.'’ -]{1,40}?(?:,\s*[A-Z][A-Za-z.]+)?)\s*"
                           r"\((?P<agency>[A-Za-z .]{1,30})\)\s*(?:—|–|-{1,2})\s*")
PUBLISHED = re.compile(r"^(?:published|posted|updated|date|issued|released)\b\s*(?:on)?\s*:?\s*", re.IGNORECASE)
RELATIVE = re.compile(r"\b(?:(?:on|last|this|early|late)\s+)?(?P<weekday>monday|tuesday|wednesday|thursday|"
                      r"friday|saturday|sunday)\b|\b(?P<word>yesterday|today|last night|tonight)\b",
                      re.IGNORECASE)
IN_MONTH = re.compile(rf"\b(?:in|during|since|earlier in|late|early)\s+{_MONTH}(?!\s+\d)\b", re.IGNORECASE)


@dataclass(frozen=True)
class When:
    """A date as the statement table stores it (YYYY, YYYY-MM or YYYY-MM-DD) and how it was found."""

    date: str
    precision: str  # day | month | year
    how: str

    @property
    def day(self) -> dt.date | None:
        return dt.date.fromisoformat(self.date) if self.precision == "day" else None


def parse_given(text: str, how: str = "--date") -> When:
    """`--date` or a labelled date: YYYY, YYYY-MM or YYYY-MM-DD (ValueError otherwise)."""
    text = text.strip()[:10] if re.match(r"^\d{4}-\d{2}-\d{2}", text.strip()) else text.strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    if not m:
        raise ValueError(f"{text!r} is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)")
    dt.date(int(m[1]), int(m[2] or 1), int(m[3] or 1))  # a calendar date, or ValueError
    precision = "day" if m[3] else "month" if m[2] else "year"
    return When(text, precision, how)


def _full(m: re.Match, year: int | None = None) -> When | None:
    """A day-precision When from a match with month and day (and year, else `year`)."""
    month = m["month"]
    month_n = int(month) if month.isdigit() else MONTHS.get(month.lower().rstrip("."))
    y = int(m["year"]) if m["year"] else year
    if not (month_n and y):
        return None
    try:
        day = dt.date(y, month_n, int(m["day"]))
    except ValueError:
        return None
    return When(day.isoformat(), "day", "")


def find_date(text: str) -> When | None:
    """The first full date written in `text` (ISO, "March 8, 2017", "8 March 2017"), else a month."""
    found = []
    for pattern in (ISO, MONTH_DAY_YEAR, DAY_MONTH_YEAR):
        for m in pattern.finditer(text):
            if m["year"]:
                when = _full(m)
                if when:
                    found.append((m.start(), when))
    if found:
        return min(found, key=lambda f: f[0])[1]
    m = MONTH_YEAR.search(text)
    if m:
        return When(f"{m['year']}-{MONTHS[m['month'].lower().rstrip('.')]:02d}", "month", "")
    return None


@dataclass(frozen=True)
class Dateline:
    place: str
    agency: str | None
    when: When | None
    month_day: tuple[int, int] | None  # when the dateline has no year


def strip_dateline(paragraph: str) -> tuple[str, Dateline | None]:
    """Take a wire dateline off the front of a paragraph: 'BEIJING, March 8 (Reuters) - China...'."""
    m = DATELINE.match(paragraph)
    if m and (m["place"].isupper() or m["agency"]):
        d = MONTH_DAY_YEAR.fullmatch(m["date"]) or DAY_MONTH_YEAR.fullmatch(m["date"])
        if d:
            month = MONTHS[d["month"].lower().rstrip(".")]
            when = _full(d) if d["year"] else None
            return paragraph[m.end():], Dateline(m["place"], m["agency"], when, (month, int(d["day"])))
    m = BARE_DATELINE.match(paragraph)
    if m:
        return paragraph[m.end():], Dateline(m["place"], m["agency"], None, None)
    return paragraph, None


def latest_year(text: str, today: dt.date) -> int | None:
    years = [int(y) for y in re.findall(r"\b((?:19|20)\d{2})\b", text) if 1900 <= int(y) <= today.year]
    return max(years) if years else None


def article_date(paragraphs: list[str], dateline: Dateline | None, given: str | None, meta: str | None,
                 full_text: str, title: str | None = None, today: dt.date | None = None) -> When | None:
    """The article's date by the order in the module docstring; None when nothing says it.

    A wire dateline's day wins over a publication line a day later (the page's time zone), taking its
    year from that line; a headline naming a date ("Press Conference on March 13, 2017") comes next."""
    today = today or dt.date.today()
    if given:
        return parse_given(given)
    if meta:
        try:
            return parse_given(meta, "page metadata")
        except ValueError:
            pass
    published = None
    for paragraph in paragraphs[:4]:
        if len(paragraph) <= 80 or PUBLISHED.match(paragraph):
            published = find_date(PUBLISHED.sub("", paragraph))
            if published:
                break
    if dateline and dateline.when:
        return When(dateline.when.date, "day", "dateline")
    if dateline and dateline.month_day:
        year = int(published.date[:4]) if published else latest_year(full_text, today)
        if year:
            try:
                day = dt.date(year, *dateline.month_day)
            except ValueError:
                day = None
            if day:
                source = "the publication line" if published else "the text"
                return When(day.isoformat(), "day", f"dateline (year {year} from {source})")
    if published:
        return When(published.date, published.precision, "publication line")
    if title:
        when = find_date(title)
        if when:
            return When(when.date, when.precision, "headline")
    for paragraph in paragraphs[:2]:
        when = find_date(paragraph)
        if when:
            return When(when.date, when.precision, "first date in the text")
    return None


def sentence_date(sentence: str, article: When | None) -> When | None:
    """The sentence's own date expression resolved against the article's date, else the article's."""
    base = article.day if article else None
    for pattern in (ISO, MONTH_DAY_YEAR, DAY_MONTH_YEAR):
        for m in pattern.finditer(sentence):
            if not m["year"] and base is None:
                continue
            when = _full(m, base.year if base else None)
            if when is None:
                continue
            if not m["year"] and base and dt.date.fromisoformat(when.date) > base:
                when = _full(m, base.year - 1)  # "on December 28" in a January story
            if when:
                return When(when.date, "day", f"“{m.group(0)}” in the sentence")
    if base is not None:
        m = RELATIVE.search(sentence)
        if m:
            if m["weekday"]:
                back = (base.weekday() - WEEKDAYS[m["weekday"].lower()]) % 7
                day = base - dt.timedelta(days=back)
            else:
                word = m["word"].lower()
                day = base - dt.timedelta(days=1) if word in {"yesterday", "last night"} else base
            return When(day.isoformat(), "day", f"“{m.group(0)}” before {base.isoformat()}")
        m = IN_MONTH.search(sentence)
        if m:
            month = MONTHS[m["month"].lower().rstrip(".")]
            year = base.year if month <= base.month else base.year - 1
            return When(f"{year}-{month:02d}", "month", f"“{m.group(0)}” before {base.isoformat()}")
    return article
