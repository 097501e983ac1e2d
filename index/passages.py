"""Turn `Article`s into retrievable `Passage`s of clean sentences with offsets, each paragraph once."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable

from index.articles import body_start, title_span
from index.boilerplate import is_boilerplate_paragraph, is_boilerplate_sentence
from index.models import Article, Passage, Sentence
from index.splitter import paragraph_spans, sentence_spans


def content_hash(*parts: str) -> str:
    """A stable id for text content (never Python's salted `hash()`)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()[:24]


def split_corpus(articles: Iterable[Article], max_chars: int = 1200) -> list[Passage]:
    """The passages of every article, in order, each paragraph indexed once per corpus.

    A paragraph whose text (whitespace runs collapsed, case kept) was already indexed,
    earlier in the same article or in an earlier one, adds no passages: its first
    occurrence is the one retrieved and cited. An article of one paragraph printed
    100,000 times then costs what one paragraph costs.
    """
    indexed: set[str] = set()
    return [p for article in articles for p in split_article(article, max_chars, indexed)]


def split_article(article: Article, max_chars: int = 1200, indexed: set[str] | None = None) -> list[Passage]:
    """Passages of consecutive kept sentences from one paragraph, each under `max_chars`.

    Boilerplate paragraphs and sentences are left out; a passage never spans a
    removed sentence, so `article.text[p.start:p.end]` is exactly `p.text`.
    A paragraph already indexed (see `split_corpus`; `indexed` holds their keys and
    gains this article's) is left out too.
    """
    indexed = set() if indexed is None else indexed
    text = article.text
    skip = title_span(article)
    body = body_start(text)
    paragraphs = [(max(s, body), e) for s, e in paragraph_spans(text) if e > body and (skip is None or s >= skip[1])]
    # Keys are hashes, not texts: `indexed` spans the corpus and would hold its text a second time.
    keys = [content_hash(" ".join(text[s:e].split())) for s, e in paragraphs]
    repeats = Counter(keys)
    passages: list[Passage] = []
    for (p_start, p_end), key in zip(paragraphs, keys, strict=True):
        if key in indexed or is_boilerplate_paragraph(text[p_start:p_end], repeats[key]):
            continue
        indexed.add(key)
        run: list[tuple[int, int]] = []
        for s, e in sentence_spans(text, p_start, p_end):
            if is_boilerplate_sentence(text[s:e]):
                passages += _chunk(article, run, max_chars)
                run = []
            else:
                run.append((s, e))
        passages += _chunk(article, run, max_chars)
    return passages


def _chunk(article: Article, spans: list[tuple[int, int]], max_chars: int) -> list[Passage]:
    groups: list[list[tuple[int, int]]] = []
    for span in spans:
        if groups and span[1] - groups[-1][0][0] <= max_chars:
            groups[-1].append(span)
        else:
            groups.append([span])
    return [make_passage(article, group) for group in groups]


def make_passage(article: Article, spans: list[tuple[int, int]]) -> Passage:
    start, end = spans[0][0], spans[-1][1]
    text = article.text[start:end]
    passage_id = content_hash(article.source, str(start), text)
    sentences = tuple(
        Sentence(article.source, s, e, article.text[s:e], passage_id, i) for i, (s, e) in enumerate(spans)
    )
    return Passage(passage_id, article.source, article.title, start, end, text, sentences)
