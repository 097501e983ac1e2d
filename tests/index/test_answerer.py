"""Answers from the real bundled model, real FAISS and real bm25s on the seed articles."""

from pathlib import Path

import numpy as np
import pytest
from support import SEEDS

from index.articles import read_article_text
from index.engine import Engine
from index.evaluate import load_questions, run_eval

DEV = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev.yaml"
SEED_QUESTIONS = Path(__file__).resolve().parents[2] / "eval" / "seeds.yaml"
HELD_OUT_QUESTIONS = Path(__file__).resolve().parents[2] / "eval" / "holdout.yaml"
CHAT_QUESTIONS = Path(__file__).resolve().parents[2] / "eval" / "chat.yaml"
UNSEEN_QUESTIONS = Path(__file__).resolve().parents[2] / "eval" / "unseen.yaml"
TYPO_QUESTIONS = Path(__file__).resolve().parents[2] / "eval" / "typos.yaml"
DISAGREEMENTS = Path(__file__).resolve().parents[2] / "eval" / "disagreements.yaml"


def test_answers_are_verbatim_and_cited(real_engine: Engine):
    answer = real_engine.ask("Which polling average showed a tight runoff race?")
    assert not answer.abstained and "Real Clear Politics" in answer.text
    assert answer.text == answer.citations[0].quote
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    for c in answer.citations:
        text = read_article_text(SEEDS / c.source)
        assert text[c.start : c.end] == c.quote
        assert text[c.passage_start : c.passage_end] == c.passage_text
        assert c.passage_start <= c.start < c.end <= c.passage_end
    assert len({c.source for c in answer.citations}) == len(answer.citations)


def test_json_contract(real_engine: Engine):
    data = real_engine.ask("Who is the Democratic candidate?").to_json()
    assert set(data) == {"question", "answer", "abstained", "confidence", "citations"}
    assert 0.0 <= data["confidence"] <= 1.0 and data["answer"] == data["citations"][0]["quote"]
    assert set(data["citations"][0]) == {"n", "source", "title", "start", "end", "quote", "date"}


def test_when_articles_disagree_both_values_are_quoted_and_cited(real_engine: Engine):
    """Early returns (51 percent with 97 of 210 precincts reporting) and the final 48.1 percent."""
    answer = real_engine.ask("what percent of the vote did ossoff get")
    assert answer.disagreement is not None and answer.disagreement.kind == "percent"
    shown = answer.differing
    assert len(shown) == 2 and len({c.source for c in shown}) == 2
    assert any("48.1 percent" in c.quote for c in shown) and any("51 percent" in c.quote for c in shown)
    assert answer.text == answer.citations[0].quote and 1 in answer.disagreement.citations
    for c in shown:
        assert read_article_text(SEEDS / c.source)[c.start : c.end] == c.quote
    data = answer.to_json()
    assert data["answer"] == data["citations"][0]["quote"]
    values = [v for quote in data["disagreement"]["quotes"] for v in quote["values"]]
    assert "48.1 percent" in values and "51 percent" in values


@pytest.mark.parametrize(
    "question",
    [
        "when is the runoff",
        "how many candidates ran",
        "how much did ossoff raise",
        "Which polling average showed a tight runoff race?",
    ],
)
def test_articles_that_agree_or_answer_other_questions_show_no_disagreement(real_engine: Engine, question: str):
    answer = real_engine.ask(question)
    assert answer.disagreement is None and answer.differing == ()
    assert "disagreement" not in answer.to_json()


@pytest.mark.parametrize("question", ["What is the best pizza place in Atlanta?", "What is Jon Ossoff's middle name?"])
def test_unanswerable_questions_are_abstained_with_closest_sources(real_engine: Engine, question: str):
    answer = real_engine.ask(question)
    assert answer.abstained and answer.text is None
    assert answer.citations and answer.confidence < real_engine.config.answer.min_confidence


def test_the_runoff_winner_is_never_invented(real_engine: Engine):
    """The articles predate the runoff: quote what they say about it, or say they don't say."""
    answer = real_engine.ask("who won the runoff primary")
    text = (answer.text or "").lower()
    assert answer.abstained or "runoff" in text
    for claim in (
        "ossoff won the runoff",
        "handel won the runoff",
        "won the june 20",
        "defeated ossoff",
        "defeated handel",
    ):
        assert claim not in text


# Regression floors, under what `racebot eval` reports (the eval command has the real figures).
# The held-out, chat and unseen files are ones no fitting or training has seen. With the 6-layer reader's
# fourth run, the second reading when unsure (answer.read_more) and the chat spellings of December (gf,
# tues, nov...) they measure (answer / citation / unanswerables abstained) 0.79 / 0.88 / 0.61 (held-out;
# 0.76 / 0.88 / 0.56 after the third run, 0.71 / 0.83 / 0.50 after the second, 0.71 / 0.81 / 0.33 after
# the first), 0.83 / 0.91 / 0.88 (chat; 0.79 / 0.89 / 0.88 before those spellings, then 0.77 / 0.91 /
# 0.78, 0.74 / 0.88 / 0.66, 0.68 / 0.88 / 0.59) and 0.73 / 0.85 / 0.60 (unseen; 0.73 / 0.85 / 0.62,
# 0.71 / 0.80 / 0.53, 0.66 / 0.79 / 0.49); seeds 0.99 / 1.00 / 1.00; dev 0.95 / 0.86 / 3 of 3.
QUALITY_FLOORS = [
    pytest.param(
        DEV,
        {"answer_accuracy": 0.85, "abstention_on_unanswerable": 2 / 3, "hit@3": 0.7},
        id="dev",
        marks=pytest.mark.skipif(not DEV.exists(), reason="../shared/eval/dev.yaml is not beside the repository"),
    ),
    pytest.param(
        SEED_QUESTIONS,
        {"answer_accuracy": 0.9, "citation_accuracy": 0.9, "abstention_on_unanswerable": 0.8, "hit@3": 0.8},
        id="our seed questions",
    ),
    pytest.param(
        HELD_OUT_QUESTIONS,
        {"answer_accuracy": 0.7, "citation_accuracy": 0.8, "abstention_on_unanswerable": 0.5, "hit@3": 0.8},
        id="held-out questions",
    ),
    pytest.param(
        CHAT_QUESTIONS,
        {"answer_accuracy": 0.75, "citation_accuracy": 0.85, "abstention_on_unanswerable": 0.8, "hit@3": 0.8},
        id="chat-style questions",
    ),
    pytest.param(
        UNSEEN_QUESTIONS,
        {"answer_accuracy": 0.68, "citation_accuracy": 0.78, "abstention_on_unanswerable": 0.5, "hit@3": 0.8},
        id="unseen questions",
    ),
    pytest.param(  # measured 0.83 / 0.89 / 0.64, and 0.56 answered right with the spelling left as typed
        TYPO_QUESTIONS,
        {"answer_accuracy": 0.75, "citation_accuracy": 0.8, "abstention_on_unanswerable": 0.5, "hit@3": 0.8},
        id="chat questions with typos",
    ),
]


@pytest.mark.parametrize(("questions", "floors"), QUALITY_FLOORS)
def test_question_set_quality_floor(real_engine: Engine, questions: Path, floors: dict[str, float]):
    summary = run_eval(real_engine, load_questions(questions)).summary()
    below = {name: summary[name] for name, floor in floors.items() if summary[name] < floor}
    assert not below, f"below the floor on {questions.name}: {below}"
    assert summary["unexpected_disagreement_rate"] <= 1 / 20, "more than 1 answer in 20 shows a false disagreement"


def test_the_disagreement_set_floor(real_engine: Engine):
    """`racebot eval eval/disagreements.yaml` measures 0.21 found and shown (4 of 19; 8 before the reader's
    second run and 5 before its fourth, which find the other article's figure less likely to answer: "Early
    returns ... 51 percent" for "What share of the vote did Jon Ossoff receive?" is no longer a strong candidate)."""
    summary = run_eval(real_engine, load_questions(DISAGREEMENTS)).summary()
    assert summary["disagreements_expected"] >= 15
    assert summary["disagreement_found"] >= 0.2 and summary["disagreement_shown"] >= 0.2


def test_the_reader_reads_the_rankers_best_candidates(real_engine: Engine):
    answer, scored = real_engine.ask_explained("ossoff age")
    assert answer.text and scored.confidence >= real_engine.config.answer.min_confidence  # sure: no second reading
    read = real_engine.config.answer.read_candidates
    assert len(scored.reader_logits) == len(scored.logits) == min(read, len(scored.rows))
    assert list(scored.logits) == sorted(scored.logits, reverse=True)  # the read ones, best combined score first
    assert set(scored.seconds) == {"embed", "retrieve", "rank", "read", "judge", "compose"}


def test_when_the_first_reading_leaves_it_unsure_the_reader_reads_the_next_candidates(real_engine: Engine):
    answer = real_engine.config.answer
    _abstained, scored = real_engine.ask_explained("handel age")  # the articles don't say
    assert scored.confidence < answer.min_confidence
    assert len(scored.reader_logits) == len(scored.logits) == answer.read_candidates + answer.read_more
    assert list(scored.logits) == sorted(scored.logits, reverse=True)
    ranker_order = np.argsort(-scored.ranker_logits, kind="stable")
    first_read = set(scored.rows[ranker_order][: len(scored.reader_logits)].tolist())
    assert set(scored.rows[: len(scored.reader_logits)].tolist()) == first_read  # the ranker's best 12, re-ordered


def test_with_read_more_0_the_reader_reads_once(corpus: Path, tmp_path: Path):
    from support import make_config

    engine = Engine(make_config(corpus, tmp_path / "index", answer={"read_more": 0}))
    _answer, scored = engine.ask_explained("What is the capital of Mongolia?")
    assert scored.confidence < engine.config.answer.min_confidence  # unsure, yet read once
    assert len(scored.reader_logits) == min(engine.config.answer.read_candidates, len(scored.rows))


def test_with_read_candidates_0_the_ranker_alone_answers(corpus: Path, tmp_path: Path):
    from support import make_config

    from index.reader import Reader

    unloaded = Reader(tmp_path / "no-reader-here")  # would fail to load: it must not be needed
    engine = Engine(make_config(corpus, tmp_path / "index", answer={"read_candidates": 0}), reader=unloaded)
    answer, scored = engine.ask_explained("Which polling average showed a tight runoff race?")
    assert len(scored.reader_logits) == 0 and answer.citations
