"""The rules added for real published text (issues described rather than named, proposal owners,
joint subjects, light and speech verbs, the recall-first mode) and the evaluation's report, on
sentences written for these tests: the published excerpts of tests/gold_real/ are not shipped
(their publishers' copyright), so only its index and labels are checked here."""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from stance.cli import cli
from stance.extract.evaluate import fingerprint
from stance.extract.grammar import _table
from stance.extract.lexicon import LexiconError
from stance.extract.propose import Options, extract
from stance.extract.text import article_from_text

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "gold_real"
DF, SANC = "double-freeze", "dprk-sanctions"


def found(text: str, recall_first: bool = False) -> set[tuple[str, str, int]]:
    result = extract(article_from_text(text), Options(recall_first=recall_first))
    return {(p.actor, p.issue, p.sign) for p in result.proposals}


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _quotes_words(note: str) -> bool:
    """A note quoting more than three words of a page (link labels such as "Read more" may stay)."""
    spans = re.findall(r"[\"“]([^\"”]*)[\"”]", note)
    return any(len(span.split()) > 3 for span in spans)


def test_the_real_gold_set_ships_its_index_and_labels_but_no_text() -> None:
    articles, labels = _rows(REAL / "articles.csv"), _rows(REAL / "labels.csv")
    assert len(articles) >= 116 and len({a["outlet"] for a in articles}) >= 10 and len(labels) >= 482
    assert {a["kind"] for a in articles} == {"wire", "ministry", "UN"}
    assert len({a["id"] for a in articles}) == len(articles) and len({a["url"] for a in articles}) == len(articles)
    for a in articles:  # the split is the URL hash's parity, fixed before any extractor run
        assert a["url"].startswith(("http://", "https://")) and a["cut"]
        even = int(hashlib.sha1(a["url"].encode()).hexdigest(), 16) % 2 == 0
        round_ = a["part"].removeprefix("dev").removeprefix("locked")  # "" (2024 set), "2" (2026 set), ...
        if a["part"] not in {"locked3", "locked4"}:  # the third and fourth sets are all locked
            assert a["part"] == ("dev" if even else "locked") + round_, a["id"]
    assert not any(_quotes_words(a["cut"]) for a in articles)  # the notes on what was cut quote no page text
    # labels are facts, not words: no evidence column, a sentence number and a fingerprint each
    assert list(labels[0]) == ["id", "actor", "issue", "stance", "date", "sentence", "sentence_sha1", "case"]
    assert {g["id"] for g in labels} <= {a["id"] for a in articles}
    assert all(int(g["sentence"]) >= 1 and re.fullmatch(r"[0-9a-f]{12}", g["sentence_sha1"]) for g in labels)
    assert not any(re.search(r"[\"“”‘’]|(^|\s)'", g["case"]) for g in labels)  # no quoted words
    shipped = {p.name for p in REAL.iterdir()} - {"articles"}
    assert shipped == {"README.md", "articles.csv", "labels.csv"}
    assert "/tests/gold_real/articles/" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


@pytest.mark.parametrize("text, expected", [
    # the double freeze described without its name, a joint subject proposing it
    ("Beijing and Moscow proposed on Monday that North Korea stop its nuclear and missile testing while Seoul "
     "and Washington refrain from their big military drills.", {("RUS", DF, 1), ("CHN", DF, 1)}),
    ("China suggested that Pyongyang suspend its tests in exchange for a suspension of the allied drills.",
     {("CHN", DF, 1)}),
    # the owners of a described proposal, against the actor who rejects it
    ("The United States rejected a joint proposal from Beijing and Moscow that Seoul and Washington suspend "
     "their drills in return for Pyongyang stopping its missile tests.",
     {("USA", DF, -1), ("CHN", DF, 1), ("RUS", DF, 1)}),
    # two owners joined by a hyphen; a drafter joined to its participle
    ("The White House dismissed a Chinese-Russian plan that Pyongyang freeze its testing while the allies "
     "freeze their drills.", {("USA", DF, -1), ("RUS", DF, 1), ("CHN", DF, 1)}),
    ("Moscow and Beijing vetoed a US-drafted sanctions resolution on North Korea.",
     {("RUS", SANC, -1), ("CHN", SANC, -1), ("USA", SANC, 1)}),
    # the Security Council is nobody's stance; North Korea does not support the sanctions on it
    ("The Security Council imposed fresh sanctions on North Korea.", set()),
    ("Italy urged North Korea to comply with the sanctions resolutions.", {("ITA", SANC, 1)}),
    # a light verb's subject owns the stance noun after it
    ("China said it had made a proposal for a dual suspension.", {("CHN", DF, 1)}),
    # a speaker who mentions others asking for it does not hold their position
    ('"Some people keep asking us for the double freeze. We will not accept the double freeze," the Secretary '
     'of State, Rex Tillerson, said.', {("USA", DF, -1)}),
    # a resolution's owner drafted it; what the resolution does is not what its vetoers want
    ("Russia and China used their veto right during a Security Council vote on a US resolution to toughen "
     "sanctions against North Korea.", {("RUS", SANC, -1), ("CHN", SANC, -1), ("USA", SANC, 1)}),
    ("Russia and China circulated a Russian-Chinese draft to ease sanctions on North Korea.",
     {("RUS", SANC, -1), ("CHN", SANC, -1)}),
    # an agent named by its members
    ("The US-drafted resolution on North Korea was supported by all members of the Security Council, including "
     "Russia and China.", {("USA", SANC, 1), ("RUS", SANC, 1), ("CHN", SANC, 1)}),
    ("The draft resolution on North Korea was not approved by two permanent members, Russia and China.",
     {("RUS", SANC, -1), ("CHN", SANC, -1)}),
    # a judgement in a relative clause judges its antecedent, here not the resolution
    ('Lavrov said: "Russia supported resolution 2371. We want to halt the missile programme, which is '
     'unacceptable to us."', {("RUS", SANC, 1)}),
    # a panel of experts' renewal is the sanctions regime's
    ("North Korea's sanctions are watched by a panel of experts. Russia opposed the renewal.", {("RUS", SANC, -1)}),
    # "US" in capitals is the United States, never the pronoun "us"
    ("Russia vetoed a US resolution on North Korea.", {("RUS", SANC, -1), ("USA", SANC, 1)}),
])
def test_rules_for_real_text(text: str, expected: set) -> None:
    assert found(text) == expected


def test_a_list_of_voters_votes_for_what_the_sentence_before_named() -> None:
    text = ("Russia and China blocked a draft resolution that would have tightened the sanctions on North Korea.\n\n"
            "Everyone else on the Council - Britain and France, as well as Ghana, Gabon and Norway - voted in favour.")
    assert found(text) == {("RUS", SANC, -1), ("CHN", SANC, -1), ("GBR", SANC, 1), ("FRA", SANC, 1),
                           ("GHA", SANC, 1), ("GAB", SANC, 1), ("NOR", SANC, 1)}


def test_they_stands_for_the_last_joint_subject() -> None:
    text = ("Wang Yi and Sergey Lavrov met in Beijing on Monday.\n\n"
            "They also endorsed the suspension-for-suspension proposal.")
    assert found(text) == {("CHN", DF, 1), ("RUS", DF, 1)}


def test_no_recall_first_candidate_from_a_heading() -> None:
    heading = "Foreign Secretary's statement on the new sanctions resolution on North Korea"
    text = f"Statement from the Minister\n\n{heading}\n\nThe Obama administration dismissed the double freeze."
    result = extract(article_from_text(text), Options())
    assert {(p.actor, p.issue, p.stance, p.rule) for p in result.proposals} == {("USA", DF, -1, "subject")}
    # the same words ending in a full stop are a sentence, and a candidate
    assert ("GBR", SANC, 1) in found(text.replace(heading, heading + "."), recall_first=True)


def test_the_un_named_as_an_owner_is_no_candidate_and_a_quoted_they_is_not_the_speaker() -> None:
    veto = "Russia has vetoed the United Nations' renewal of a panel of UN experts monitoring North Korea."
    assert found(veto, recall_first=True) == {("RUS", SANC, -1)}
    quoted = '"Putin has expressed a view that they would support a freeze for freeze," Rex Tillerson said.'
    assert found(quoted) == set()


def test_a_draft_that_eases_the_sanctions_is_against_them_all_through_the_article() -> None:
    text = ("China and Russia submitted a draft resolution to the Security Council calling for the partial ease of "
            "sanctions against North Korea.\n\n"
            "The two countries had raised the need to lift or ease sanctions on North Korea before.\n\n"
            "Diplomats said the pair have scheduled talks on their draft resolution.")
    assert found(text) == {("CHN", SANC, -1), ("RUS", SANC, -1)}
    result = extract(article_from_text(text), Options(recall_first=False))
    assert {p.sentence_index for p in result.proposals} == {0, 1, 2}  # every sentence, not only the first


@pytest.mark.parametrize("text, expected", [
    # criticising a veto is support for the vetoed text (named in the sentence before)
    ("Russia vetoed a resolution renewing the sanctions on North Korea.\n\n"
     "Deputy US Ambassador to the UN Robert Wood criticized Russia's veto.",
     {("RUS", SANC, -1), ("USA", SANC, 1)}),
    # "a Russian and Chinese proposal" has two owners; wanting sanctions removed is against them
    ("Members met on a Russian and Chinese proposal to lift a raft of sanctions on North Korea.",
     {("RUS", SANC, -1), ("CHN", SANC, -1)}),
    ("China and Russia want the 15-member council to remove those sanctions on North Korea.",
     {("CHN", SANC, -1), ("RUS", SANC, -1)}),
    ("Russia and China called for some of the sanctions on Pyongyang to be lifted.",
     {("RUS", SANC, -1), ("CHN", SANC, -1)}),
    # "no choice but to" does not negate what follows it
    ('"We had no choice but to vote against the draft resolution on North Korea," the Chinese envoy said.',
     {("CHN", SANC, -1)}),
    # "the plan" refers back to a proposal, not to the sanctions named last
    ("Pyongyang is under sanctions on North Korea since 2006.\n\n"
     "Russia and China have proposed a plan that would see North Korea suspend its missile program and the United "
     "States and South Korea call a moratorium on large-scale exercises.\n\n"
     "The ambassador said the sanctions on North Korea were losing effect, but the plan proposed by Russia and China "
     "contains specific steps.", {("RUS", DF, 1), ("CHN", DF, 1)}),
])
def test_vetoes_easing_and_plans_on_real_text(text: str, expected: set) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("text, expected", [
    # how the Council decides is nobody's position, not even as a recall-first guess
    ("A resolution on North Korea needs nine votes in favor and no vetoes by the United States, France, Britain, "
     "Russia or China to pass.", set()),
    # the support of a government named with "of"; UNSCR with its number is a resolution
    ("With the support of Her Majesty's Government, the Security Council adopted UNSCR 1718 on North Korea.",
     {("GBR", SANC, 1)}),
    ("Susan Rice said strict enforcement of sanctions on North Korea is essential.", {("USA", SANC, 1)}),
    # the sponsors of a ban's lifting oppose the sanctions
    ("Russia and China proposed lifting a ban on North Korean workers abroad.", {("RUS", SANC, -1), ("CHN", SANC, -1)}),
])
def test_procedure_passives_and_measures_on_real_text(text: str, expected: set) -> None:
    assert found(text, recall_first=True) == expected


def test_a_short_name_is_the_namesake_named_before_and_a_reported_we_the_last_speaker() -> None:
    # two Chinese ambassadors are "Zhang"; the one named in the article is meant
    text = ("Zhang Jun, China's permanent representative to the United Nations, spoke after the vote on North "
            "Korea.\n\n"
            "Additional sanctions against the DPRK will not help resolve the problem, Zhang said.")
    result = extract(article_from_text(text), Options(date="2022-05-26", recall_first=False))
    assert [(p.actor, p.issue, p.sign, p.speaker) for p in result.proposals] == \
        [("CHN", SANC, -1, "Zhang Jun, UN ambassador")]
    # a news story's "we" outside quotation marks is the person who spoke last, not nobody
    story = ("Rex Tillerson spoke to reporters on Friday about North Korea.\n\n"
             "We do not accept any relaxation of the sanctions regime as a precondition of talks.")
    assert found(story) == {("USA", SANC, 1)}


@pytest.mark.parametrize("text, expected", [
    ("The Security Council adopted resolution 2397 on North Korea.\n\nChina and Russia voted with us.",
     {("CHN", SANC, 1), ("RUS", SANC, 1)}),
    ("Resolution 2397 on North Korea was adopted unanimously by the Security Council, with China and Russia "
     "voting for the resolution.", {("CHN", SANC, 1), ("RUS", SANC, 1)}),
    ("The new sanctions resolution on North Korea was spearheaded by the United States.", {("USA", SANC, 1)}),
    # a veto condemned in a sentence that names the resolution after it
    ("We strongly condemn the use of the veto by Russia, which blocked a resolution on North Korea.",
     {("RUS", SANC, -1)}),
    ("Nebenzia's deputy expressed skepticism regarding the panel of experts on North Korea.", set()),
    # a relative clause's subject is its antecedent, even after "by"; plural titles join their demonyms
    ("Japan condemned the use of the veto by Russia, which blocked a resolution on North Korea.",
     {("RUS", SANC, -1), ("JPN", SANC, 1)}),
    ("Russian and Chinese foreign ministers proposed in July a double freeze.", {("RUS", DF, 1), ("CHN", DF, 1)}),
    ("The ambassadors of Russia and China voted to veto the draft bill to impose more sanctions on North Korea.",
     {("RUS", SANC, -1), ("CHN", SANC, -1)}),
    # regretting a failure to adopt is support for the text; those agreed with share the stance
    ("The European Union deeply regrets that the Security Council failed to adopt a resolution on North Korea.",
     {("EU", SANC, 1)}),
    ("Taro Kono said he agreed with the Chinese and Russian ministers to implement the resolutions on North Korea.",
     {("JPN", SANC, 1), ("CHN", SANC, 1), ("RUS", SANC, 1)}),
])
def test_votes_and_drafters_on_real_text(text: str, expected: set) -> None:
    assert found(text) == expected


def test_an_office_named_again_is_the_official_named_last_and_a_title_picks_the_office() -> None:
    # "the ambassador" after Ambassador Cho is Cho; Ban Ki-moon beside "Secretary-General" is the UN's
    text = ("South Korean Ambassador Cho Hyun-dong spoke on Tuesday about North Korea.\n\n"
            "The ambassador denounced Moscow's veto of the resolution on North Korea.")
    assert found(text) == {("KOR", SANC, 1), ("RUS", SANC, -1)}
    assert found("UN Secretary-General Ban Ki-moon urged all countries to enforce the resolution on North Korea.") \
        == {("UN", SANC, 1)}


def test_a_bare_passive_credits_no_subject() -> None:
    # the sanctions are what is enforced; the states listed before are addressees, not enforcers
    text = ("Julie Bishop called on the permanent members - China, Russia and France - to ensure sanctions on North "
            "Korea are enforced.")
    assert found(text) == set()


def test_the_states_in_a_proposal_s_content_are_no_candidates() -> None:
    text = ("China has proposed what it calls a dual suspension, whereby North Korea would suspend nuclear and "
            "missile tests, and South Korea and the United States would suspend large military exercises.")
    assert found(text, recall_first=True) == {("CHN", DF, 1)}


def test_the_drills_of_a_described_proposal_and_their_agents_are_no_candidates() -> None:
    text = ("China has proposed that North Korea could suspend its nuclear and missile activities in exchange for a "
            "halt in joint military drills conducted by the U.S. and South Korea.")
    assert found(text, recall_first=True) == {("CHN", DF, 1)}


def test_a_proposal_noun_takes_the_issue_named_right_after_it() -> None:
    text = "Japan welcomed the sanctions on North Korea.\n\nChina said it had made a proposal for a dual suspension."
    assert found(text) == {("JPN", SANC, 1), ("CHN", DF, 1)}


def test_recall_first_proposes_issue_and_actor_without_a_cue_last_and_says_why() -> None:
    text = ("Japan welcomed resolution 2375 against North Korea.\n\n"
            "Italy's foreign minister discussed the sanctions on North Korea for an hour on Tuesday.")
    result = extract(article_from_text(text), Options())
    confident = [p for p in result.proposals if p.rule != "recall"]
    candidates = [p for p in result.proposals if p.rule == "recall"]
    assert [(p.actor, p.issue) for p in confident] == [("JPN", SANC)]
    assert [(p.actor, p.issue) for p in candidates] == [("ITA", SANC)]
    assert result.proposals[-1] is candidates[-1] and candidates[0].confidence <= 0.2
    assert "issue and actor, no stance cue" in candidates[0].notes and "check it" in candidates[0].notes
    assert found(text, recall_first=False) == {("JPN", SANC, 1)}


VETO = ("Russia and China vetoed a draft resolution that would have tightened the sanctions on North Korea.\n\n"
        "Britain regretted the outcome of the vote.")
WELCOME = "Statement by the Foreign Minister\n\nJapan welcomes the new Security Council resolution on North Korea."


def _gold(folder: Path) -> Path:
    """A gold set in tests/gold_real's form (labels by sentence number and fingerprint), three
    articles of which one is not saved."""
    folder.mkdir()
    (folder / "articles.csv").write_text(
        "id,part,url,outlet,speaker_actor,date,kind,cut\n"
        "veto,dev,https://example.org/veto,Wire,,2022-05-27,wire,whole\n"
        "welcome,locked,https://example.org/welcome,Ministry of Foreign Affairs of Japan,JPN,2017-09-12,ministry,"
        "whole\n"
        "unsaved,locked,https://example.org/unsaved,Wire,,2017-07-04,wire,whole\n", encoding="utf-8")
    veto = [s.text for s in extract(article_from_text(VETO), Options()).sentences]
    rows = [("veto", "RUS", -1, 1, veto[0], "veto; joint subject"), ("veto", "CHN", -1, 1, veto[0], "veto"),
            ("veto", "GBR", 1, 2, veto[1], "issue implied"),
            ("welcome", "JPN", 1, 1, WELCOME.split("\n\n")[1], "publisher voice"),
            ("unsaved", "CHN", 1, 1, "(not saved)", "joint subject")]
    lines = ["id,actor,issue,stance,date,sentence,sentence_sha1,case"]
    lines += [f"{i},{a},{SANC},{s},,{n},{fingerprint(text)},{case}" for i, a, s, n, text, case in rows]
    (folder / "labels.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_evaluate_breaks_figures_down_and_prints_each_miss_with_its_sentence(tmp_path: Path) -> None:
    gold, saved = _gold(tmp_path / "gold"), tmp_path / "saved"
    saved.mkdir()
    (saved / "veto.txt").write_text(VETO, encoding="utf-8")
    # a fuller copy of the page: the labelled sentence is found by its fingerprint, not its number
    (saved / "welcome.txt").write_text("Statement by the Foreign Minister\n\nNorth Korea fired a missile on Friday."
                                       "\n\n" + WELCOME.split("\n\n")[1], encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", "--evaluate", str(gold), "--articles", str(saved)],
                                catch_exceptions=False)
    out = result.output
    assert result.exit_code == 0
    assert f"1 of 3 articles not present locally; saved copies go in {saved}/" in out
    assert "gold set" in out and "2 articles, 4 labelled statements" in out
    assert re.search(r"^recall\s+0\.750 \(3/4\)", out, re.M)
    for heading in ("by issue:", "by publisher kind:", "by part:", "by hard case (recall):",
                    "confident proposals alone:"):
        assert heading in out
    for kind in ("wire", "ministry"):
        assert re.search(rf"^  {kind}\s+precision [01]\.\d{{3}} \(\d+/\d+\)\s+recall [01]\.\d{{3}}", out, re.M)
    assert re.search(r"^  locked\s+precision 1\.000 \(1/1\)\s+recall 1\.000 \(1/1\)", out, re.M)
    assert re.search(r"^  issue implied\s+0\.000 \(0/1\)", out, re.M)
    assert re.findall(r"^MISS .*", out, re.M) == [
        "MISS         veto.txt: GBR dprk-sanctions +1 [issue implied] sentence 2 in “Britain regretted the outcome "
        "of the vote.”"]


def test_evaluate_without_the_saved_articles_says_where_they_go_and_is_no_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["extract", "--evaluate", str(REAL), "--articles", str(tmp_path)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    listed = len(_rows(REAL / "articles.csv"))
    assert result.output.startswith(f"note: {listed} of {listed} articles not present locally; saved copies go in "
                                    f"{tmp_path}/")
    assert "0 articles, 0 labelled statements" in result.output and "nothing to score" in result.output
    assert "precision" not in result.output  # no figures from nothing


def test_verbs_file_errors_name_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "verbs.csv"
    path.write_text("word,kind,notes\nsaid,speech,\nhailed,shouting,\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"verbs.csv:3: kind 'shouting'"):
        _table(path)
