"""The answering engine: one object that owns the model, the index and the answerer.

Typical use::

    engine = Engine(load_config("config.yaml"))
    engine.warm_up()                      # loads the model; builds the index if missing
    answer = engine.ask("Who is the Democratic candidate?")

`ask` is safe to call from several threads. `reindex` builds a new index while
`ask` keeps using the old one, then swaps them in one assignment.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time

import faiss

from index.answerer import Answerer, Scored, Scorer
from index.builder import build_index
from index.chat import normalise_chat
from index.config import Config
from index.embedder import Embedder, make_embedder
from index.errors import IndexMissing, IndexStale
from index.followup import Turn, names_someone_else, read_follow_up
from index.models import Answer, Reading, ReindexReport
from index.reader import Reader
from index.retriever import Query, make_query
from index.spelling import SpellingMender
from index.store import (
    BuildSettings,
    LoadedIndex,
    check_fresh,
    check_index,
    load_index,
    read_manifest,
)

logger = logging.getLogger(__name__)


class Engine:
    """Answers questions about the corpus named in the config. The constructor is cheap."""

    def __init__(
        self,
        config: Config,
        embedder: Embedder | None = None,
        reader: Reader | None = None,
        scorer: Scorer | None = None,
    ) -> None:
        """`embedder`, `reader` and `scorer` default to the configured model, the shipped reader and
        index/scorer.json; scripts pass their own to share one model or to refit the scorer."""
        self.config = config
        self.scorer = scorer
        self.embedder = embedder or make_embedder(config.model.name, config.model.batch_size, config.model.threads)
        self.reader = reader or Reader.shared(threads=config.model.threads, precision=config.model.precision)
        self._answerer: Answerer | None = None
        self._warm_lock = threading.Lock()
        self._build_lock = threading.Lock()

    @property
    def build_settings(self) -> BuildSettings:
        return BuildSettings(
            self.config.corpus_dir,
            self.config.corpus_glob,
            self.embedder.name,
            self.config.retrieval.max_passage_chars,
            self.config.corpus_limits,
        )

    @property
    def index(self) -> LoadedIndex:
        """The loaded index (loading or building it on first use, as `warm_up` does)."""
        return self._ready().index

    @property
    def answerer(self) -> Answerer:
        """The answerer over the loaded index, for scripts that score questions themselves
        (training data, scorer fitting). Loads or builds the index on first use."""
        return self._ready()

    def warm_up(self, progress: bool = False) -> None:
        """Load the model and the index (building it if missing or stale). Idempotent."""
        self._ready(progress)

    def ask(self, question: str, previous: Turn | None = None) -> Answer:
        """Answer one question (already cleaned by the caller).

        `previous` is the conversation's last turn (`Turn.after(answer)`), or None: a follow-up
        ("how old is she", "what about the dnc") is then read against it, and the
        answer's `reading` says how (index/followup.py). Keep turns per conversation
        and let them expire; never pass one conversation's turn to another.
        """
        return self.ask_explained(question, previous)[0]

    def ask_explained(self, question: str, previous: Turn | None = None) -> tuple[Answer, Scored]:
        """The answer and the scored candidates behind it (for evaluation and debugging)."""
        answerer = self._ready()
        started = time.perf_counter()
        # Mended first, so that a follow-up is read with the names spelt right and the note says both.
        mended = _mended_spelling(question, answerer.spelling)
        reading = _both(mended, read_follow_up(mended.question if mended else question, previous, answerer.names))
        query = self.queries([reading.question if reading else question])[0]
        embedded = time.perf_counter()
        scored = answerer.score(query)
        composed = time.perf_counter()
        answer = answerer.answer_scored(scored)
        if answer.text is not None and names_someone_else(question, answer.text, answerer.names):
            answer = answerer.abstention(scored)  # "how old is she" answered with a sentence about a "he"
        answer = dataclasses.replace(answer, question=question, reading=reading)
        seconds = {"embed": embedded - started, **scored.seconds, "compose": time.perf_counter() - composed}
        return answer, dataclasses.replace(scored, seconds=seconds)

    def queries(self, questions: list[str]) -> list[Query]:
        """Questions as the answerer scores them: chat spellings read (index/chat.py), misspelt words
        mended (index/spelling.py), acronyms the articles only write in full spelled out
        (index/acronyms.py), then embedded in one batch."""
        answerer = self._ready()
        texts = [answerer.acronyms.expand(answerer.spelling.mend(normalise_chat(q))) for q in questions]
        vectors, tokens = self.embedder.embed_with_tokens(texts)
        return [make_query(*args) for args in zip(texts, vectors, tokens, strict=True)]

    def build(self, progress: bool = False) -> ReindexReport:
        """Build the index now (reusing unchanged embeddings) and start answering from it.

        The model is loaded only if some text needs embedding: re-indexing an unchanged
        corpus from the command line takes a fraction of a second.
        """
        with self._build_lock:
            started = time.perf_counter()
            index = build_index(self.config.index_path, self.build_settings, self.embedder, progress)
            self._install(index)
            m = index.manifest
            return ReindexReport(
                articles=m["articles"],
                passages=m["passages"],
                reused_embeddings=m["reused_embeddings"],
                seconds=time.perf_counter() - started,
                skipped=tuple(f"{name}: {why}" for name, why in sorted(m.get("skipped", {}).items())),
            )

    reindex = build  # the name the chat command core uses

    def status(self, verify: bool = False) -> dict:
        """The current index's manifest after checking it is intact and fresh; never loads the model.

        Raises IndexMissing, IndexCorrupt (naming the file) or IndexStale. `verify`
        hashes every file and loads the index (see `store.check_index`).
        """
        manifest = check_index(self.config.index_path, hashes=verify)
        check_fresh(manifest, self.build_settings)
        return manifest

    def _ready(self, progress: bool = False) -> Answerer:
        answerer = self._answerer
        if answerer is not None:
            return answerer
        with self._warm_lock:
            if self._answerer is None:
                # Flat search over a few thousand vectors is fastest on one thread, and
                # FAISS's OpenMP pool otherwise competes with torch's for the two cores.
                faiss.omp_set_num_threads(1)
                self.embedder.warm_up()
                if self.config.answer.read_candidates:
                    self.reader.warm_up()
                self._install(self._load_or_build(progress))
            assert self._answerer is not None
            return self._answerer

    def _load_or_build(self, progress: bool) -> LoadedIndex:
        path = self.config.index_path
        try:
            check_fresh(read_manifest(path), self.build_settings)
        except IndexMissing:
            logger.info("no index in %s yet; building it", path)
            return self._build_index(progress)
        except IndexStale as e:
            if self.config.on_stale_index == "refuse":
                raise IndexStale(e.what, "run `racebot index` to rebuild it (index.on_stale is 'refuse')") from None
            logger.info("%s; rebuilding the index", e)
            return self._build_index(progress)
        return load_index(path)

    def _build_index(self, progress: bool) -> LoadedIndex:
        with self._build_lock:
            return build_index(self.config.index_path, self.build_settings, self.embedder, progress)

    def _install(self, index: LoadedIndex) -> None:
        a = self.config.answer
        answerer = Answerer(
            index,
            self.scorer or Scorer.load(),
            self.reader,
            self.config.retrieval.top_k,
            self.config.retrieval.rrf_k,
            a.min_confidence,
            a.max_sentences,
            a.max_citations,
            a.read_candidates,
            a.read_more,
        )
        answerer.warm_up()
        self._answerer = answerer  # one assignment: readers see the old or the new, never a mix


def _mended_spelling(question: str, spelling: SpellingMender) -> Reading | None:
    """`question` with its misspelt words mended and a note saying so ('reading “ossof” as “Ossoff”'),
    so that the user sees what was looked up and a follow-up leans on the mended question; None when
    nothing is misspelt."""
    text, changed = spelling.mended(question)
    if not changed:
        return None
    return Reading(text, "reading " + " and ".join(f"“{typed}” as “{word}”" for typed, word in changed))


def _both(mended: Reading | None, follow_up: Reading | None) -> Reading | None:
    """The reading of a question whose spelling was `mended` and which was then read as a `follow_up`."""
    if mended is None or follow_up is None:
        return follow_up or mended
    return Reading(follow_up.question, f"{mended.note}; {follow_up.note}")
