"""The extraction rules, case by case: cues, negation, attribution, metonyms, dates, text and HTML.

Each case is a sentence written for the test (not taken from the gold set) and the set of
(actor, issue, stance) the extractor must propose from it: nothing more, nothing less.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from stance.extract import dates
from stance.extract.lexicon import LexiconError, load
from stance.extract.propose import Options, extract
from stance.extract.text import article_from_html, article_from_text, split_sentences

DF, SANC = "double-freeze", "dprk-sanctions"


def proposed(text: str, **options: str) -> set[tuple[str, str, int]]:
    """What the rules propose confidently (the recall-first candidates are tested in test_extract_real)."""
    result = extract(article_from_text(text), Options(**options, recall_first=False))
    return {(p.actor, p.issue, p.stance) for p in result.proposals}


CUES = [
    ("Russia backs the double freeze.", {("RUS", DF, 1)}),
    ("China strongly supports the dual suspension proposal.", {("CHN", DF, 2)}),
    ("Japan welcomed resolution 2397.", {("JPN", SANC, 1)}),
    ("The United States condemned the freeze-for-freeze plan.", {("USA", DF, -2)}),
    ("France called for tougher sanctions on North Korea.", {("FRA", SANC, 1)}),
    ("Germany said the double freeze was a sensible idea.", {("DEU", DF, 1)}),
    ("North Korea called resolution 2397 an act of war.", {("PRK", SANC, -2)}),
    ("Britain criticised the double freeze.", {("GBR", DF, -1)}),
    ("Russia vetoed new sanctions on North Korea.", {("RUS", SANC, -2)}),
    # an issue named without any cue, or a cue about something else: nothing to propose
    ("The resolution caps oil imports, and sanctions on North Korea now cover textiles.", set()),
    ("China welcomed the talks, which came as sanctions on North Korea tightened.", set()),
    ("China firmly opposes unilateral sanctions on North Korea.", set()),
]

NEGATIONS = [
    ("Russia did not support the double freeze.", {("RUS", DF, -1)}),
    ("Japan refused to endorse the freeze-for-freeze idea.", {("JPN", DF, -1)}),
    ("Washington will never accept a double freeze.", {("USA", DF, -2)}),
    ("Seoul does not currently support a freeze for freeze.", {("KOR", DF, -1)}),
    ("The double freeze is not acceptable, South Korea said.", {("KOR", DF, -1)}),
    ("China has not given up the double freeze.", {("CHN", DF, 1)}),
    ("Tokyo opposes any easing of sanctions on North Korea.", {("JPN", SANC, 1)}),
    ("Moscow called for sanctions relief for North Korea.", {("RUS", SANC, -1)}),
    ("Japan would not support any easing of sanctions on North Korea.", {("JPN", SANC, 1)}),
    ("Reporters asked whether Washington would back the double freeze.", set()),
    ("Would Russia back the double freeze?", set()),
    ("China will help if North Korea complies with resolution 2397.", set()),
    ("Russia not only backs the double freeze but champions it.", {("RUS", DF, 2)}),
]

ATTRIBUTIONS = [
    ('"We support the double freeze," Foreign Minister Sergey Lavrov said.', {("RUS", DF, 1)}),
    ('Wang Yi said: "China firmly supports the suspension for suspension."', {("CHN", DF, 2)}),
    ('"The double freeze is unacceptable," said U.S. Ambassador Nikki Haley.', {("USA", DF, -2)}),
    ("The double freeze was rejected by Washington.", {("USA", DF, -2)}),
    ("Sergey Lavrov urged Washington to accept the double freeze.", {("RUS", DF, 1)}),
    ("While Beijing backs the double freeze, Washington has dismissed it.", {("CHN", DF, 1), ("USA", DF, -1)}),
    ("China and Russia endorsed the dual freeze.", {("CHN", DF, 1), ("RUS", DF, 1)}),
    ("Moscow's support for the double freeze is well known.", {("RUS", DF, 1)}),
    ("The Chinese proposal of a double freeze was rejected by Tokyo.", {("CHN", DF, 2), ("JPN", DF, -2)}),
    ("Seoul criticised Washington for rejecting the double freeze.", {("KOR", DF, 1), ("USA", DF, -2)}),
    ("Talks with Russia on the double freeze were welcomed by Seoul.", {("KOR", DF, 1)}),
    ("Sergey Lavrov met Wang Yi. He said the double freeze was sensible.", {("RUS", DF, 1)}),
    # a stance noun needs its owner inside a quotation too: "proposal" here is nobody's support
    ('"The freeze-for-freeze proposal is insulting," Foreign Minister Sergey Lavrov said.', {("RUS", DF, -2)}),
    # a subject that is no actor of ours ("the Security Council") is not replaced by an earlier actor
    ("China urged North Korea to abide by the new sanctions the U.N. Security Council imposed.", {("CHN", SANC, 1)}),
    ("The Security Council imposed new sanctions on North Korea, China's envoy said.", set()),
]

METONYMS = [
    ("The Kremlin backed the double freeze.", {("RUS", DF, 1)}),
    ("The State Department rejected the double freeze.", {("USA", DF, -2)}),
    ("Pyongyang rejected the new sanctions on North Korea.", {("PRK", SANC, -2)}),
    ("The Foreign Ministry of Japan welcomed resolution 2397.", {("JPN", SANC, 1)}),
    ("Chinese officials praised the double freeze.", {("CHN", DF, 1)}),
    ("Russian diplomats endorsed the dual freeze.", {("RUS", DF, 1)}),
    ("Chinese companies welcomed the double freeze.", set()),
    ("The White House dismissed the freeze for freeze.", {("USA", DF, -1)}),
    ("U.S.-South Korean drills continued, and Beijing again backed the double freeze.", {("CHN", DF, 1)}),
]


@pytest.mark.parametrize(("text", "expected"), CUES)
def test_cues(text: str, expected: set) -> None:
    assert proposed(text) == expected


@pytest.mark.parametrize(("text", "expected"), NEGATIONS)
def test_negations(text: str, expected: set) -> None:
    assert proposed(text) == expected


@pytest.mark.parametrize(("text", "expected"), ATTRIBUTIONS)
def test_attribution(text: str, expected: set) -> None:
    assert proposed(text, date="2017-09-04") == expected


@pytest.mark.parametrize(("text", "expected"), METONYMS)
def test_metonyms_and_demonyms(text: str, expected: set) -> None:
    assert proposed(text) == expected


@pytest.mark.parametrize(("speaker_actor", "expected"), [("JPN", {("JPN", SANC, 1)}), (None, set())])
def test_first_person_takes_the_publisher(speaker_actor: str | None, expected: set) -> None:
    text = "We welcome the unanimous adoption of resolution 2397."
    assert proposed(text, **({"speaker_actor": speaker_actor} if speaker_actor else {})) == expected


def test_publisher_from_a_ministry_outlet_but_not_a_newspaper() -> None:
    text = "We welcome the unanimous adoption of resolution 2397."
    assert proposed(text, outlet="Ministry of Foreign Affairs of Japan") == {("JPN", SANC, 1)}
    assert proposed(text, outlet="The Japan Times") == set()


@pytest.mark.parametrize(("date", "speaker"), [
    ("2018-02-09", "Vassily Nebenzia, UN ambassador"),  # the date window decides who the title is
    ("2016-05-01", "Vitaly Churkin, UN ambassador"),  # his predecessor's window
    ("2005-05-01", "Russia's U.N. ambassador"),  # before anyone the file knows: only the title
])
def test_people_file_names_the_office_holder_on_the_date(date: str, speaker: str) -> None:
    result = extract(article_from_text("Russia's U.N. ambassador backed the double freeze."), Options(date=date))
    (p,) = result.proposals
    assert (p.actor, p.speaker) == ("RUS", speaker)


def test_a_quotation_becomes_the_quote_and_a_paraphrase_does_not() -> None:
    text = ('"We firmly support the double freeze," Foreign Minister Sergey Lavrov said. '
            "Russia also backed new sanctions on North Korea.")
    quoted, paraphrased = extract(article_from_text(text), Options(date="2017-09-04")).proposals
    assert quoted.quote == "We firmly support the double freeze" and quoted.speaker == "Sergey Lavrov, Foreign Minister"
    assert paraphrased.quote is None
    assert quoted.cues == "support" and quoted.rule == "quote"  # "We" inside: the quotation's speaker


# --- Dates -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "options", "date", "precision"), [
    ("BEIJING, March 8 (Reuters) - In 2017 China backed the double freeze on Wednesday.", {}, "2017-03-08", "day"),
    ("March 9, 2017\n\nThe United States rejected the double freeze on Wednesday.", {}, "2017-03-08", "day"),
    ("Published: 2017-12-23\n\nJapan welcomed resolution 2397 on Friday.", {}, "2017-12-22", "day"),
    ("Published: 12 September 2017\n\nI welcome resolution 2375, adopted last night.", {"speaker_actor": "GBR"},
     "2017-09-11", "day"),
    ("China backed the double freeze in July.", {"date": "2017-09-04"}, "2017-07", "month"),
    ("China backed the double freeze.", {"date": "2017-09"}, "2017-09", "month"),
    ("China backed the double freeze.", {}, None, None),
])
def test_dates_keep_their_precision(text: str, options: dict, date: str | None, precision: str | None) -> None:
    (p,) = extract(article_from_text(text), Options(**options)).proposals
    assert (p.date, p.date_precision) == (date, precision)


def test_a_weekday_is_the_latest_on_or_before_the_article_date() -> None:
    base = dates.When("2017-11-16", "day", "")  # a Thursday
    assert dates.sentence_date("said on Thursday", base).date == "2017-11-16"
    assert dates.sentence_date("said on Wednesday", base).date == "2017-11-15"
    assert dates.sentence_date("said on Friday", base).date == "2017-11-10"
    assert dates.sentence_date("said yesterday", base).date == "2017-11-15"


# --- Reading text and HTML ----------------------------------------------------------------------

@pytest.mark.parametrize(("paragraph", "sentences"), [
    ("The U.S. envoy spoke. Mr. Abe agreed.", ["The U.S. envoy spoke.", "Mr. Abe agreed."]),
    ("U.S. officials said so. The U.N. Security Council met.",
     ["U.S. officials said so.", "The U.N. Security Council met."]),
    ("Talks resumed in the U.S. The envoy left.", ["Talks resumed in the U.S.", "The envoy left."]),
    ('"We agree. We also welcome it," Lavrov said. Next came Wang.',
     ['"We agree. We also welcome it," Lavrov said.', "Next came Wang."]),
    ('"Is this a freeze?" Haley asked. Nobody answered.', ['"Is this a freeze?" Haley asked.', "Nobody answered."]),
    ("It met on Sept. 4 and Lt. Gen. H. R. McMaster spoke.", ["It met on Sept. 4 and Lt. Gen. H. R. McMaster spoke."]),
])
def test_sentences_split_robustly(paragraph: str, sentences: list[str]) -> None:
    assert split_sentences(paragraph) == sentences


PAGE = """<!doctype html><html><head><title>Site | Kremlin backs freeze</title>
<meta property="article:published_time" content="2018-02-09T10:00:00Z">
<script>var s = "Washington rejected the double freeze.";</script><style>p {color: red}</style></head>
<body><nav><a href="/">Home</a> China backs the double freeze, readers say.</nav>
<h1>Kremlin backs freeze</h1>
<p>The Kremlin on Friday backed the double freeze &amp; urged talks.</p>
<p>It said the plan was<br>working.<br><br>Talks went on.</p>
<aside>Japan rejects the double freeze.</aside><footer>Moscow opposes sanctions on North Korea.</footer>
</body></html>"""


def test_html_keeps_the_article_and_drops_the_page_around_it() -> None:
    article = article_from_html(PAGE)
    assert article.title == "Kremlin backs freeze"
    assert article.paragraphs == ["The Kremlin on Friday backed the double freeze & urged talks.",
                                  "It said the plan was working.", "Talks went on."]
    result = extract(article)
    assert {(p.actor, p.issue, p.stance) for p in result.proposals} == {("RUS", DF, 1)}
    assert result.proposals[0].date == "2018-02-09"


def test_plain_text_headline_is_not_a_source_of_proposals() -> None:
    article = article_from_text("Russia backs double freeze\n\nMoscow backed the double freeze on Friday.\n"
                                "It was a long\nwrapped line.\n")
    assert article.title == "Russia backs double freeze"
    assert article.paragraphs == ["Moscow backed the double freeze on Friday. It was a long wrapped line."]
    assert len(extract(article).proposals) == 1


def test_a_bad_lexicon_row_is_named(tmp_path: Path) -> None:
    from stance.extract.lexicon import EXTRACT_DIR

    for name in ("negations.csv", "issue_phrases.csv", "metonyms.csv", "titles.csv", "people.csv"):
        (tmp_path / name).write_text((EXTRACT_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "cues.csv").write_text("cue,polarity,strength,kind,match,notes\nbless,3,1,act,verb,\n",
                                       encoding="utf-8")
    with pytest.raises(LexiconError, match=r"cues.csv: polarity '3' for 'bless'"):
        load(tmp_path)
