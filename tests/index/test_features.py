"""What the question's wording tells the sentence scorer, and how an answer span is widened."""

from pathlib import Path

import pytest
from support import make_config

from index.engine import Engine
from index.features import (
    FEATURE_NAMES,
    _is_shouting,
    _names_head,
    feature_row,
    names_missing,
    question_shape,
    sentence_facts,
)


@pytest.mark.parametrize(
    ("question", "heads"),
    [
        ("Which university's medical school does she attend?", ("university",)),
        ("Which Republican candidate is a former state senator?", ("candidate",)),
        ("Which polling average showed a tight race?", ("polling", "average")),
        ("Which committee has been funneling money?", ("committee",)),
        ("Who won?", ()),
    ],
)
def test_which_questions_name_the_kind_of_thing_asked_for(question: str, heads: tuple[str, ...]):
    assert question_shape(question).heads == heads


def test_a_new_proper_name_built_on_the_asked_noun_is_recognised():
    shape = question_shape("Which university's medical school does his girlfriend attend?")
    assert _names_head("His girlfriend is an Emory University medical student.", shape)
    assert not _names_head("University officials declined to comment.", shape)  # no name before it
    assert not _names_head("She studies medicine at a state university.", shape)


def test_shouting_is_a_banner_not_a_statement():
    assert _is_shouting("KAREN HANDEL FOR CONGRESS.")
    assert not _is_shouting("The U.S. House race in Georgia's 6th district.")
    assert not _is_shouting("OK.")


def _engine_for(tmp_path: Path, text: str) -> Engine:
    corpus = tmp_path / "articles"
    corpus.mkdir()
    (corpus / "mayor.txt").write_text(text, encoding="utf-8")
    engine = Engine(make_config(corpus, tmp_path / "index"))
    engine.warm_up()
    return engine


@pytest.mark.parametrize(
    ("introduced", "ending"),
    [
        ("Forty million dollars will rebuild the piers.", "rebuild the piers."),
        ("REBUILD THE PIERS NOW. Forty million dollars will do it.", "will do it."),  # on past a banner
    ],
)
def test_a_sentence_ending_in_a_colon_brings_what_it_introduces(tmp_path: Path, introduced: str, ending: str):
    engine = _engine_for(
        tmp_path,
        "Mayor's letter\n\nThe council met on Monday.\n\n"
        f"The mayor announced the harbour budget in a letter reading:\n\n{introduced}\n\nResidents cheered.\n",
    )
    answerer = engine.answerer
    rows = [i for i, s in enumerate(engine.index.sentences) if s.text.endswith("reading:")]
    start, end = answerer.answer_span(rows[0])
    quote = engine.index.articles["mayor.txt"].text[start:end]
    assert quote.startswith("The mayor announced") and quote.endswith(ending)


def test_a_sentence_after_an_introduction_brings_the_introduction(tmp_path: Path):
    engine = _engine_for(
        tmp_path,
        "Mayor's letter\n\nThe mayor wrote in a letter reading:\n\nTAXES WILL FALL.\n\nResidents cheered.\n",
    )
    answerer = engine.answerer
    row = next(i for i, s in enumerate(engine.index.sentences) if s.text == "TAXES WILL FALL.")
    start, end = answerer.answer_span(row)
    assert (
        engine.index.articles["mayor.txt"].text[start:end] == "The mayor wrote in a letter reading:\n\nTAXES WILL FALL."
    )


def test_a_citations_passage_holds_a_quote_widened_into_the_paragraph_before(tmp_path: Path):
    engine = _engine_for(
        tmp_path,
        "Mayor's race\n\nThe mayor won the harbour seat in 2010 by a wide margin.\n\n"
        "But she lost it in 2014 to a fisherman.\n\nResidents cheered.\n",
    )
    answerer = engine.answerer
    row = next(i for i, s in enumerate(engine.index.sentences) if s.text.startswith("But she lost"))
    start, end = answerer.answer_span(row)
    passage = answerer.passage_of(row)
    assert start < passage.start  # the quote reaches into the paragraph before
    citation = answerer.citation(1, "mayor.txt", start, end, passage)
    text = engine.index.articles["mayor.txt"].text
    assert citation.passage_start <= citation.start < citation.end <= citation.passage_end
    assert citation.passage_text == text[citation.passage_start : citation.passage_end]
    assert citation.quote in citation.passage_text and citation.passage_text.endswith("to a fisherman.")


def test_widening_stops_at_max_sentences_and_at_the_article_edge(tmp_path: Path):
    engine = _engine_for(
        tmp_path,
        (
            "Notes\n\nThe storm reached the coast on Monday night:\n\nThe fishermen left the harbour at dawn:\n\n"
            "The fishermen came back at noon with empty nets:\n\nThe storm ended late on Tuesday evening:\n"
        ),
    )
    answerer = engine.answerer
    start, end = answerer.answer_span(0)
    spanned = [s for s in engine.index.sentences if start <= s.start and s.end <= end]
    assert len(spanned) == answerer.max_sentences
    last = len(engine.index.sentences) - 1
    start, end = answerer.answer_span(last)
    assert end == engine.index.sentences[last].end


@pytest.mark.parametrize(
    ("sentence", "points_back"),
    [
        ("He called the runoff a big win.", True),
        ("This is more than double the early vote.", True),
        ("But Mr Ossoff was undeterred.", True),
        ("That primary is June 13 - a week before the runoff.", False),  # names its own subject
        ("This Tuesday it was another special election.", False),
        ("Voters have already cast 140,308 early ballots.", False),
    ],
)
def test_only_sentences_that_lean_on_the_one_before_are_widened(sentence: str, points_back: bool):
    from index.answerer import _points_back

    assert _points_back(sentence) is points_back


def test_a_question_is_about_its_capitalised_words_past_the_first():
    assert question_shape("How much money did Karen Handel's campaign raise?").names == {"karen", "handel"}
    assert question_shape("Who is Georgia's Secretary of State?").names == {"georgia", "secretary", "state"}
    assert question_shape("What is the best pizza place?").names == frozenset()


def test_names_left_out_of_the_sentence_and_its_predecessor_are_counted():
    names = question_shape("How much money did Karen Handel raise?").names

    def missing(sentence: str, previous: str = "") -> tuple[float, float]:
        return names_missing(names, sentence_facts(sentence).names, sentence_facts(previous).names)

    assert missing("Handel's campaign raised $4 million.") == (0.5, 0.5)
    assert missing("She raised $4 million.", previous="Karen Handel spoke.") == (1.0, 0.0)
    assert names_missing(frozenset(), sentence_facts("Anything.").names, frozenset()) == (0.0, 0.0)


def test_a_feature_row_is_built_by_name_in_the_fitted_order():
    values = {name: float(i) for i, name in enumerate(reversed(FEATURE_NAMES))}
    row = feature_row(values)
    assert [row[FEATURE_NAMES.index(name)] for name in values] == list(values.values())
    with pytest.raises(ValueError, match=r"missing \['cos'\], unknown \['cosine'\]"):
        feature_row({("cosine" if name == "cos" else name): 0.0 for name in FEATURE_NAMES})
