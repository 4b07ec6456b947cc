"""Read an article (plain text or a saved web page) into paragraphs, sentences and tokens.

A saved page is stripped with the standard library's HTMLParser, because a coder's saved page is
messy and a parser copes where regular expressions do not. Text inside script, style, nav, header,
footer, aside, form, noscript, svg and button is dropped; block elements end a paragraph. The page's
<h1> (else its <title>) is the headline; `<time datetime>` and `article:published_time` give the
publication date. Plain text: paragraphs are separated by blank lines, hard-wrapped lines inside
one are joined, and a first line without final punctuation is the headline.

The headline is kept apart from the body: it summarises the story in words nobody said, so no
statement is proposed from it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from html.parser import HTMLParser
from pathlib import Path

DROPPED = {"script", "style", "nav", "header", "footer", "aside", "form", "noscript", "svg", "button",
           "template", "iframe", "select"}
BREAK = "\u2028"  # a <br>: one is a line break inside a paragraph, two or more end it
BLOCKS = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
          "blockquote", "section", "article", "main", "pre", "dd", "dt", "figcaption", "table", "hr"}
VOID = {"br", "hr", "img", "meta", "link", "input", "source", "wbr", "area", "base", "col", "embed", "param",
        "track"}

# Words whose final period does not end a sentence ("Mr. Abe", "Sept. 4", "No. 2").
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sen", "rep", "gov", "sgt", "capt", "prof",
                 "jr", "sr", "no", "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
                 "nov", "dec", "inc", "corp", "co", "ltd", "approx", "fig", "pp", "adm", "amb", "pres", "maj"}
# After "U.S." or "U.N.", a new sentence starts only with one of these (else "U.S. officials" would split).
SENTENCE_STARTERS = {"the", "a", "an", "it", "he", "she", "they", "we", "i", "this", "that", "these", "those",
                     "but", "in", "on", "at", "as", "its", "his", "her", "their", "there", "north", "south",
                     "china", "russia", "japan", "washington", "beijing", "moscow", "seoul", "tokyo", "pyongyang"}
SPEECH_AFTER_QUOTE = re.compile(
    r"^\s*(?:[\w.'’-]+\s+){0,5}?(?:said|says|say|told|tells|added|adds|asked|asks|stated|declared|noted|"
    r"stressed|insisted|warned|wrote|argued|explained|continued|replied)\b")

_TOKEN = re.compile(r"""
    (?P<abbr>(?:[A-Za-z]\.){2,})
  | (?P<word>[^\W\d_]+(?:['’](?!s\b)[^\W\d_]+)*)
  | (?P<poss>['’]s\b)
  | (?P<num>\d+(?:[.,:/]\d+)*(?:st|nd|rd|th)?)
  | (?P<quote>[“”"‘’'«»])
  | (?P<dash>—|–|--)
  | (?P<hyphen>-)
  | (?P<punct>\S)
""", re.VERBOSE)
OPENING_QUOTES = {"“", "«"}
CLOSING_QUOTES = {"”", "»"}


@dataclass(frozen=True)
class Token:
    text: str
    start: int  # character offsets into the sentence
    end: int
    kind: str  # abbr | word | poss | num | quote | dash | hyphen | punct

    @cached_property
    def norm(self) -> str:
        """The form lexicons are matched in: lower case, straight apostrophes (computed once: the
        lexicons ask for it hundreds of times a sentence)."""
        return self.text.lower().replace("’", "'")

    @property
    def is_word(self) -> bool:
        return self.kind in {"word", "abbr", "num"}

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


def tokenize(text: str) -> list[Token]:
    """Words, numbers, "U.S."-style abbreviations, possessive 's, quotes and punctuation, with offsets.

    A hyphen between two words ("freeze-for-freeze") is its own token of kind `hyphen`, which phrase
    matching skips, so "freeze-for-freeze" and "freeze for freeze" match the same entry; a spaced
    dash is kind `dash` and ends a clause.
    """
    tokens = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "punct"
        if kind == "hyphen":
            joined = 0 < m.start() and m.end() < len(text) and not text[m.start() - 1].isspace() \
                and not text[m.end()].isspace()
            kind = "hyphen" if joined else "dash"
        tokens.append(Token(m.group(), m.start(), m.end(), kind))
    return tokens


@dataclass
class Article:
    """What was read from one file: the headline, the body's paragraphs and any date the page declared."""

    path: str
    title: str | None
    paragraphs: list[str]
    meta_date: str | None = None
    fmt: str = "text"

    @property
    def text(self) -> str:
        return "\n\n".join(([self.title] if self.title else []) + self.paragraphs)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Sentence:
    text: str
    paragraph: int
    index: int  # position in the article, from 0
    question: bool = False  # a journalist's question in a transcript ("Q: ...")


def read_article(path: str | Path) -> Article:
    """An article from a file: HTML if it looks like a web page (by extension or content), else text."""
    path = Path(path)
    raw = path.read_bytes().decode("utf-8-sig", errors="replace")
    looks_html = path.suffix.lower() in {".html", ".htm", ".xhtml"} or re.match(r"\s*<(!doctype|html|head|body)",
                                                                                  raw, re.IGNORECASE)
    if looks_html:
        return article_from_html(raw, str(path))
    return article_from_text(raw, str(path))


BULLET = re.compile(r"^\s*(?:[-*•·▪◦‣–—]|\d{1,3}[.)])\s+")


def article_from_text(raw: str, path: str = "<text>") -> Article:
    blocks = [joined for block in re.split(r"\n\s*\n", raw.replace("\r\n", "\n").replace("\r", "\n"))
              for joined in _join_wrapped(block)]
    blocks = [clean_space(b) for b in blocks if b.strip()]
    title = None
    if blocks and "\n" not in raw.strip().split("\n\n")[0].strip() and is_headline(blocks[0]):
        title = blocks.pop(0)
    return Article(path, title, blocks)


def _join_wrapped(block: str) -> list[str]:
    """Hard-wrapped lines of one paragraph, joined; but each bulleted line ("- ...", "• ...",
    "3. ...") starts a paragraph of its own: a list of 500 positions is 500 items, not one
    sentence of 500 clauses."""
    out: list[list[str]] = []
    for line in block.splitlines():
        if not line.strip():
            continue
        if not out or BULLET.match(line):
            out.append([])
        out[-1].append(line.strip())
    return [" ".join(lines) for lines in out]


def is_headline(line: str) -> bool:
    return len(line) <= 160 and not re.search(r"[.!?:][\"”’']?$", line) and not re.match(r"^[A-Z ]+,", line)


class _PageText(HTMLParser):
    """Collects the visible text of a page, block by block, skipping what is not the article."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.skipping: list[str] = []
        self.title: list[str] = []
        self.h1: list[str] = []
        self.in_title = False
        self.in_h1 = False
        self.meta_date: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta" and values.get("property", values.get("name", "")).lower() in {
                "article:published_time", "date", "pubdate", "dc.date"}:
            self.meta_date = self.meta_date or values.get("content") or None
        if tag == "time" and values.get("datetime") and not self.skipping:
            self.meta_date = self.meta_date or values["datetime"]
        if tag in DROPPED and tag not in VOID:
            self.skipping.append(tag)
            return
        if tag == "title":
            self.in_title = True
        if tag == "br" and not self.skipping:
            self.current.append(BREAK)
        if tag in BLOCKS:
            self._flush()
        if tag == "h1" and not self.skipping:
            self.in_h1 = True

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and tag == self.skipping[-1]:
            self.skipping.pop()
            return
        if tag == "title":
            self.in_title = False
        if tag == "h1" and self.in_h1:
            self.in_h1 = False
            self.h1.append(clean_space("".join(self.current).replace(BREAK, " ")))
            self.current = []
            return
        if tag in BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif not self.skipping:
            self.current.append(data)

    def _flush(self) -> None:
        for part in re.split(rf"(?:\s*{BREAK}\s*){{2,}}", "".join(self.current)):
            text = clean_space(part.replace(BREAK, " "))
            if text:
                self.blocks.append(text)
        self.current = []

    def close(self) -> None:
        super().close()
        self._flush()


def article_from_html(raw: str, path: str = "<html>") -> Article:
    parser = _PageText()
    parser.feed(raw)
    parser.close()
    title = next((h for h in parser.h1 if h), None) or clean_space(" ".join(parser.title)) or None
    return Article(path, title, parser.blocks, parser.meta_date, "html")


def clean_space(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


# --- Sentences -------------------------------------------------------------------------------

def quote_regions(text: str) -> list[tuple[int, int]]:
    """(open, close) character offsets of the double-quoted passages that close in this text.

    Curly quotes pair by direction; straight ones pair in order. A quote left open (wire style
    continues a long quotation into the next paragraph) is no region at all."""
    regions, stack = [], []
    straight_open: int | None = None
    for i, ch in enumerate(text):
        if ch in OPENING_QUOTES:
            stack.append(i)
        elif ch in CLOSING_QUOTES and stack:
            regions.append((stack.pop(), i))
        elif ch == '"':
            if straight_open is None:
                straight_open = i
            else:
                regions.append((straight_open, i))
                straight_open = None
    return sorted(regions)


_SPEECH_AT = re.compile(SPEECH_AFTER_QUOTE.pattern.removeprefix("^"))  # matched at a position, no slice
MAX_SENTENCE_CHARS = 800  # the longest in the gold sets is under 300; the rules grow with the cube of clauses


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph. A period ends a sentence unless it closes an abbreviation ("Mr.",
    "Sept."), an initial ("H. R."), or "U.S." before a word that does not start sentences; nothing
    inside a closed quotation splits, and a quotation followed by its attribution ('...," Wang said.'
    or '...?" he asked.') stays with it. A semicolon outside quotes ends a sentence too (it joins
    independent clauses), and a sentence still longer than MAX_SENTENCE_CHARS is cut at commas, so
    the time to read an article grows with its length, not with the cube of one sentence's clauses."""
    regions = quote_regions(paragraph)
    inside = set()
    for a, b in regions:
        inside.update(range(a + 1, b))
    closes = {b for _, b in regions}
    out, start = [], 0
    i = 0
    n = len(paragraph)
    while i < n:
        ch = paragraph[i]
        end = None
        if ch in ".!?" and i not in inside:
            j = i + 1
            while j < n and paragraph[j] in ")]’'":
                j += 1
            end = j
        elif i in closes and i > 0 and paragraph[i - 1] in ".!?":
            end = i + 1
            if _SPEECH_AT.match(paragraph, end):
                end = None
        elif ch == ";" and i not in inside:
            out.append(paragraph[start:i + 1].strip())
            start = i = i + 1
            continue
        if end is not None and _boundary(paragraph, i, end):
            out.append(paragraph[start:end].strip())
            start = end
            i = end
            continue
        i += 1
    tail = paragraph[start:].strip()
    if tail:
        out.append(tail)
    return [piece for s in out if s for piece in _capped(s)]


def _capped(sentence: str) -> list[str]:
    """A sentence cut at the last comma (else space) before every MAX_SENTENCE_CHARS characters."""
    pieces = []
    while len(sentence) > MAX_SENTENCE_CHARS:
        cut = sentence.rfind(", ", 0, MAX_SENTENCE_CHARS)
        cut = cut + 1 if cut > 0 else sentence.rfind(" ", 0, MAX_SENTENCE_CHARS)
        cut = cut if cut > 0 else MAX_SENTENCE_CHARS
        pieces.append(sentence[:cut].strip())
        sentence = sentence[cut:].strip()
    return pieces + ([sentence] if sentence else [])


_NEXT_WORD = re.compile(r"\s*([\"“‘'(\[]?)(\S+)")
_WORD_BEFORE = re.compile(r"([A-Za-z.]+)\.$")


def _boundary(text: str, i: int, end: int) -> bool:
    """Whether the punctuation at `i` (its sentence running to `end`) ends the sentence. Reads a
    few characters around `i` only (slicing the rest of the text made splitting quadratic)."""
    if end < len(text) and not text[end].isspace():
        return False
    nxt = _NEXT_WORD.match(text, end)
    if not nxt:
        return True
    word = nxt.group(2)
    if not (word[0].isupper() or word[0].isdigit() or nxt.group(1)):
        return False
    if text[i] != ".":
        return True
    before = _WORD_BEFORE.search(text[max(0, i - 40):i + 1])
    prev = before.group(1) if before else ""
    if "." in prev:  # U.S., U.N., e.g.
        return word.strip("\"“‘'(").lower().rstrip(",") in SENTENCE_STARTERS
    if prev.lower() in ABBREVIATIONS:
        return False
    if len(prev) == 1 and prev.isupper():  # an initial
        return False
    return True


TRANSCRIPT_MARK = re.compile(r"^(?P<who>Q|A|Question|Answer)\s*[:：]\s*", re.IGNORECASE)


def sentences_of(paragraphs: list[str]) -> list[Sentence]:
    """Every sentence, numbered through the article. In a press-conference transcript the Q:/A:
    markers are dropped and a question's sentences are flagged: a journalist's question (even one
    reporting what someone else said) is no position of the speaker's."""
    out: list[Sentence] = []
    for p, paragraph in enumerate(paragraphs):
        mark = TRANSCRIPT_MARK.match(paragraph)
        question = bool(mark) and mark["who"].lower().startswith("q")
        body = paragraph[mark.end():] if mark else paragraph
        for text in split_sentences(body):
            out.append(Sentence(text, p, len(out), question))
    return out
