"""Extraction reads an article in time that grows with its length (benchmarks/bench_extract.py
prints the figures): bulleted lines and semicolons end sentences, and a sentence longer than
MAX_SENTENCE_CHARS is cut at commas, so no one sentence holds hundreds of clauses for the rules
to compare with each other."""

from __future__ import annotations

from stance.extract.propose import extract
from stance.extract.text import MAX_SENTENCE_CHARS, article_from_text, sentences_of, split_sentences

CLAUSE = "China supports the double freeze proposal while Russia opposes new sanctions on North Korea"


def test_each_bulleted_line_is_its_own_paragraph() -> None:
    text = "Positions of the day:\n- " + "\n- ".join([CLAUSE] * 3) + "\n• Japan backs the sanctions\n2) Russia objects"
    article = article_from_text(text)
    assert article.paragraphs[1:] == [f"- {CLAUSE}"] * 3 + ["• Japan backs the sanctions", "2) Russia objects"]
    assert len(sentences_of(article.paragraphs)) == 6


def test_hard_wrapped_prose_is_still_joined() -> None:
    article = article_from_text("Title here\n\nChina said on Monday that it\nsupports the proposal.\n")
    assert article.paragraphs == ["China said on Monday that it supports the proposal."]


def test_a_semicolon_ends_a_sentence_but_not_inside_a_quotation() -> None:
    assert split_sentences("China supports the freeze; Russia opposes sanctions.") == [
        "China supports the freeze;", "Russia opposes sanctions."]
    quoted = '“We support it; we always have,” Wang said.'
    assert split_sentences(quoted) == [quoted]


def test_a_sentence_of_500_clauses_is_read_in_pieces() -> None:
    sentence = "Officials said that " + ", and ".join([CLAUSE] * 500) + "."
    pieces = split_sentences(sentence)
    assert len(pieces) > 1 and all(len(p) <= MAX_SENTENCE_CHARS for p in pieces)
    assert " ".join(pieces) == sentence
    assert extract(article_from_text(sentence)).proposals  # and the rules still find stances in it
