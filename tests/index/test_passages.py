"""Splitting articles into passages: each paragraph indexed once per corpus."""

from pathlib import Path

from support import make_config

from index.articles import parse_article
from index.engine import Engine
from index.passages import split_article, split_corpus

RUNOFF = "Ossoff raised $23 million for the runoff, his campaign said on Tuesday."
TURNOUT = "Turnout in the early vote passed 140,000, county officials reported."


def test_a_paragraph_seen_earlier_in_the_corpus_adds_no_passages():
    first = parse_article("a.txt", f"First story\n\n{RUNOFF}\n\n{TURNOUT}\n\nOnly the first story says this.")
    spaced = TURNOUT.replace(" ", "  \n", 2)  # the same words, wrapped and spaced differently
    second = parse_article("b.txt", f"Second story\n\n{RUNOFF}\n\n{spaced}\n\nOnly the second story says this.")
    passages = split_corpus([first, second])
    assert [(p.source, p.text) for p in passages] == [
        ("a.txt", RUNOFF),
        ("a.txt", TURNOUT),
        ("a.txt", "Only the first story says this."),
        ("b.txt", "Only the second story says this."),
    ]
    assert len(split_article(second)) == 3  # on its own, the second article keeps them all


def test_case_still_tells_paragraphs_apart():
    first = parse_article("a.txt", f"First story\n\n{RUNOFF}")
    second = parse_article("b.txt", f"Second story\n\n{RUNOFF.upper()}")
    assert len(split_corpus([first, second])) == 2


def test_a_paragraph_repeated_within_an_article_is_indexed_at_its_first_occurrence():
    article = parse_article("a.txt", f"Story\n\n{RUNOFF}\n\n{TURNOUT}\n\n{RUNOFF}\n\n{TURNOUT}")
    passages = split_article(article)
    assert [p.text for p in passages] == [RUNOFF, TURNOUT]
    assert passages[0].start == article.text.index(RUNOFF)


def test_the_answer_cites_the_article_where_the_paragraph_first_appears(tmp_path: Path):
    corpus = tmp_path / "articles"
    corpus.mkdir()
    (corpus / "a.txt").write_text(f"First story\n\n{RUNOFF}\n\nA line about the weather.", encoding="utf-8")
    rewrapped = RUNOFF.replace(" for ", "\nfor  ")
    (corpus / "b.txt").write_text(f"Second story\n\n{rewrapped}\n\n\n{RUNOFF}\n", encoding="utf-8")
    engine = Engine(make_config(corpus, tmp_path / "index"))
    engine.warm_up()
    assert engine.index.manifest["passages"] == 2
    answer = engine.ask("How much did Ossoff raise for the runoff?")
    assert answer.citations[0].source == "a.txt" and answer.citations[0].quote == RUNOFF


def test_a_large_article_of_repeated_paragraphs_indexes_each_paragraph_once(tmp_path: Path):
    corpus = tmp_path / "articles"
    corpus.mkdir()
    block = "\n\n".join(
        f"In precinct {i}, Ossoff said the race was close and Handel said turnout would decide it." for i in range(40)
    )
    copies = 2_000_000 // len(block) + 1
    (corpus / "scrape.txt").write_text("Scraped page\n\n" + "\n\n".join([block] * copies), encoding="utf-8")
    engine = Engine(make_config(corpus, tmp_path / "index"))
    engine.warm_up()
    manifest = engine.index.manifest
    assert copies > 500 and manifest["articles"] == 1
    assert manifest["passages"] == manifest["sentences"] == 40
    assert max(p.end for p in engine.index.passages) < len("Scraped page\n\n") + len(block) + 1  # first copy
