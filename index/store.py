"""Build, save and load the on-disk index: FAISS + bm25s + a manifest.

Layout of an index folder::

    CURRENT                 name of the active build folder (replaced atomically)
    build-<id>/manifest.json
    build-<id>/records.json         articles (with text) and passage/sentence spans
    build-<id>/passages.faiss       passage vectors (inner product = cosine)
    build-<id>/sentences.npy        sentence vectors, same row order as records
    build-<id>/pieces.npz           each sentence's word-piece ids and int8 vectors (index/soft_match.py)
    build-<id>/bm25-passages/       bm25s index over passages
    build-<id>/bm25-sentences/      bm25s index over sentences

A build is written to a new folder and only then named in CURRENT, so a crash
mid-build leaves the previous index in use.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import bm25s
import faiss
import numpy as np
from tqdm import tqdm

from index.articles import CorpusReport, load_corpus
from index.embedder import Embedder, TokenVectors
from index.errors import CorpusError, IndexCorrupt, IndexMissing, IndexProblem, IndexStale
from index.models import Article, Passage, Sentence
from index.passages import content_hash, make_passage, split_article
from index.soft_match import quantize
from index.text import tokenize

logger = logging.getLogger(__name__)

FORMAT_VERSION = 3
REBUILD = "run `racebot index` to rebuild it"
_EMBED_CHUNK = 64  # small chunks let questions interleave with a background rebuild


@dataclass(frozen=True)
class BuildSettings:
    corpus_dir: Path
    pattern: str
    model: str
    max_passage_chars: int


@dataclass(frozen=True)
class LoadedIndex:
    """Everything the retriever needs, loaded in memory."""

    folder: Path
    manifest: dict
    articles: dict[str, Article]
    passages: list[Passage]
    sentences: list[Sentence]
    sentence_passage: np.ndarray  # row of each sentence's passage
    passage_faiss: faiss.Index
    sentence_vectors: np.ndarray
    bm25_passages: bm25s.BM25
    bm25_sentences: bm25s.BM25
    piece_offsets: np.ndarray  # sentence i's pieces are rows piece_offsets[i]:piece_offsets[i + 1]
    piece_ids: np.ndarray  # int32
    piece_vectors: np.ndarray  # int8, see index/soft_match.py

    def sentence_pieces(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        """The word-piece ids and int8 vectors of sentence `row`."""
        start, end = self.piece_offsets[row], self.piece_offsets[row + 1]
        return self.piece_ids[start:end], self.piece_vectors[start:end]


def corpus_fingerprint(settings: BuildSettings) -> str:
    """Hash of every corpus file's name and bytes plus the settings that shape passages."""
    digest = hashlib.sha256(f"v{FORMAT_VERSION}|{settings.pattern}|{settings.max_passage_chars}".encode())
    for path in sorted(p for p in settings.corpus_dir.glob(settings.pattern) if p.is_file()):
        digest.update(path.name.encode() + b"\x00")
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            digest.update(b"<unreadable>")
    return digest.hexdigest()


def current_build(index_dir: Path) -> Path:
    """The active build folder; raises IndexMissing or IndexCorrupt."""
    pointer = index_dir / "CURRENT"
    if not pointer.exists():
        raise IndexMissing(f"no index in {index_dir} yet", "run `racebot index` to build it")
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as e:
        raise IndexCorrupt(f"index file {pointer} is unreadable ({e.__class__.__name__})", REBUILD) from e
    folder = index_dir / name
    if not name or "/" in name or not folder.is_dir():
        raise IndexCorrupt(f"index file {pointer} names a missing build {name!r}", REBUILD)
    return folder


def read_manifest(index_dir: Path) -> dict:
    folder = current_build(index_dir)
    path = folder / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as e:
        raise IndexCorrupt(f"index file {path} is corrupt ({e.__class__.__name__})", REBUILD) from e
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexStale(
            f"the index in {index_dir} has format {manifest.get('format_version')!r}, "
            f"this version reads {FORMAT_VERSION}",
            REBUILD,
        )
    return manifest


def check_fresh(manifest: dict, settings: BuildSettings) -> None:
    """Raise IndexStale when the index no longer matches the corpus or the model."""
    if manifest.get("model") != settings.model:
        raise IndexStale(
            f"the index was built with model {manifest.get('model')!r}, the config names {settings.model!r}", REBUILD
        )
    if manifest.get("corpus_hash") != corpus_fingerprint(settings):
        raise IndexStale(f"the articles in {settings.corpus_dir} changed since the index was built", REBUILD)


def load_index(index_dir: Path) -> LoadedIndex:
    """Load the active build; raises IndexMissing or IndexCorrupt (naming the bad file)."""
    manifest = read_manifest(index_dir)
    folder = current_build(index_dir)

    def corrupt(name: str, e: Exception) -> IndexCorrupt:
        return IndexCorrupt(f"index file {folder / name} is corrupt ({e.__class__.__name__})", REBUILD)

    try:
        records = json.loads((folder / "records.json").read_text(encoding="utf-8"))
        articles = {
            a["source"]: Article(a["source"], a["title"], a["text"], a.get("date")) for a in records["articles"]
        }
        passages = [_passage_from_record(articles[r["source"]], r) for r in records["passages"]]
    except (OSError, ValueError, KeyError, TypeError, IndexError) as e:
        raise corrupt("records.json", e) from e
    try:
        passage_faiss = faiss.read_index(str(folder / "passages.faiss"))
    except RuntimeError as e:
        raise corrupt("passages.faiss", e) from e
    try:
        sentence_vectors = np.load(folder / "sentences.npy", allow_pickle=False)
    except (OSError, ValueError) as e:
        raise corrupt("sentences.npy", e) from e
    try:
        with np.load(folder / "pieces.npz", allow_pickle=False) as npz:
            piece_offsets, piece_ids, piece_vectors = npz["offsets"], npz["ids"], npz["vectors"]
    except Exception as e:  # a damaged zip raises BadZipFile, KeyError, OSError or ValueError
        raise corrupt("pieces.npz", e) from e
    bm25 = {}
    for name in ("bm25-passages", "bm25-sentences"):
        try:
            bm25[name] = bm25s.BM25.load(str(folder / name), show_progress=False)
        except Exception as e:  # bm25s raises many kinds on damaged files
            raise corrupt(name, e) from e
    sentences = [s for p in passages for s in p.sentences]
    sentence_passage = np.array([i for i, p in enumerate(passages) for _ in p.sentences], dtype=np.int64)
    if passage_faiss.ntotal != len(passages) or sentence_vectors.shape[0] != len(sentences):
        raise corrupt("passages.faiss", ValueError("row counts do not match records.json"))
    if len(piece_offsets) != len(sentences) + 1 or piece_offsets[-1] != len(piece_ids) != len(piece_vectors):
        raise corrupt("pieces.npz", ValueError("row counts do not match records.json"))
    return LoadedIndex(
        folder,
        manifest,
        articles,
        passages,
        sentences,
        sentence_passage,
        passage_faiss,
        sentence_vectors,
        bm25["bm25-passages"],
        bm25["bm25-sentences"],
        piece_offsets,
        piece_ids,
        piece_vectors,
    )


def build_index(index_dir: Path, settings: BuildSettings, embedder: Embedder, progress: bool = False) -> LoadedIndex:
    """Build a fresh index for the corpus and make it current; returns it loaded.

    Embeddings of passages and sentences whose text did not change are reused
    from the previous build when it used the same model.
    """
    started = time.perf_counter()
    report = load_corpus(settings.corpus_dir, settings.pattern)
    passages = [p for a in report.articles for p in split_article(a, settings.max_passage_chars)]
    if not passages:
        raise CorpusError(
            f"no readable article with indexable text in {settings.corpus_dir} (pattern {settings.pattern!r})",
            "put UTF-8 text files there, or point corpus.dir and corpus.glob in config.yaml at your articles",
        )
    sentences = [s for p in passages for s in p.sentences]
    cache = _previous_embeddings(index_dir, settings.model)
    # Sentences first: a one-sentence paragraph then reuses its sentence's vector.
    sentence_vectors, pieces, reused_s = _embed_with_cache(
        embedder, [s.text for s in sentences], cache, progress, "sentences", with_pieces=True
    )
    passage_vectors, _, reused_p = _embed_with_cache(
        embedder, [dense_text(p) for p in passages], cache, progress, "passages"
    )

    index_dir.mkdir(parents=True, exist_ok=True)
    build_name = f"build-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
    tmp = index_dir / f".tmp-{build_name}"
    tmp.mkdir()
    try:
        passage_faiss = faiss.IndexFlatIP(passage_vectors.shape[1])
        passage_faiss.add(passage_vectors)
        faiss.write_index(passage_faiss, str(tmp / "passages.faiss"))
        np.save(tmp / "sentences.npy", sentence_vectors, allow_pickle=False)
        np.savez(
            tmp / "pieces.npz",
            offsets=np.cumsum([0] + [len(ids) for ids, _ in pieces], dtype=np.int64),
            ids=np.concatenate([ids for ids, _ in pieces]),
            vectors=np.concatenate([v for _, v in pieces]).reshape(-1, sentence_vectors.shape[1]),
        )
        for name, texts in (
            ("bm25-passages", [p.text for p in passages]),
            ("bm25-sentences", [s.text for s in sentences]),
        ):
            retriever = bm25s.BM25()
            retriever.index([tokenize(t) for t in texts], show_progress=False)
            retriever.save(str(tmp / name), show_progress=False)
        _write_json(tmp / "records.json", _records(report, passages))
        manifest = {
            "format_version": FORMAT_VERSION,
            "model": settings.model,
            "dimension": int(passage_vectors.shape[1]),
            "corpus_dir": str(settings.corpus_dir),
            "corpus_hash": corpus_fingerprint(settings),
            "articles": len(report.articles),
            "skipped": report.skipped,
            "passages": len(passages),
            "sentences": len(sentences),
            "reused_embeddings": reused_p + reused_s,
            "build_seconds": round(time.perf_counter() - started, 3),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        _write_json(tmp / "manifest.json", manifest)
        os.rename(tmp, index_dir / build_name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _point_current(index_dir, build_name)
    _remove_old_builds(index_dir, keep=build_name)
    logger.info(
        "built index %s: %d articles, %d passages in %.1f s",
        index_dir,
        len(report.articles),
        len(passages),
        manifest["build_seconds"],
    )
    return load_index(index_dir)


def dense_text(passage: Passage) -> str:
    """What the passage embedding sees. Titles are left out: news headlines of one
    story look alike and drowned short passages (measured on eval/dev.yaml)."""
    return passage.text


Pieces = tuple[np.ndarray, np.ndarray]  # one sentence's word-piece ids (int32) and int8 vectors


@dataclass
class _EmbeddingCache:
    """Vectors (and sentences' pieces) keyed by text hash: the previous build's, then this build's too.

    `previous` holds the keys that came from the previous build: only those count as reused.
    """

    vectors: dict[str, np.ndarray]
    pieces: dict[str, Pieces]
    previous: frozenset[str] = frozenset()


def _embed_with_cache(
    embedder: Embedder, texts: list[str], cache: _EmbeddingCache, progress: bool, label: str, with_pieces: bool = False
) -> tuple[np.ndarray, list[Pieces], int]:
    """Vectors for `texts` (and their pieces if asked), embedding only what the cache lacks."""
    keys = [content_hash(t) for t in texts]
    known = cache.pieces if with_pieces else cache.vectors  # a text with pieces always has its vector too
    missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in known}.items())
    bar = tqdm(total=len(missing), desc=f"embedding {label}", unit="text", disable=not progress or not missing)
    for i in range(0, len(missing), _EMBED_CHUNK):
        chunk = missing[i : i + _EMBED_CHUNK]
        if with_pieces:
            vectors, tokens = embedder.embed_with_tokens([t for _, t in chunk])
            cache.pieces.update({k: _stored(tv) for (k, _), tv in zip(chunk, tokens, strict=True)})
        else:
            vectors = embedder.embed([t for _, t in chunk])
        cache.vectors.update({k: v for (k, _), v in zip(chunk, vectors, strict=True)})
        bar.update(len(chunk))
    bar.close()
    rows = np.ascontiguousarray(np.vstack([cache.vectors[k] for k in keys]), dtype=np.float32)
    return rows, [cache.pieces[k] for k in keys] if with_pieces else [], sum(1 for k in keys if k in cache.previous)


def _stored(tokens: TokenVectors) -> Pieces:
    return tokens.ids.astype(np.int32), quantize(tokens.vectors)


def _previous_embeddings(index_dir: Path, model: str) -> _EmbeddingCache:
    """The current build's vectors and pieces, if it used the same model."""
    cache = _EmbeddingCache({}, {})
    try:
        old = load_index(index_dir)
    except IndexProblem:
        return cache
    if old.manifest.get("model") != model:
        return cache
    passage_vectors = old.passage_faiss.reconstruct_n(0, old.passage_faiss.ntotal)
    for p, v in zip(old.passages, passage_vectors, strict=True):
        cache.vectors[content_hash(dense_text(p))] = v
    for row, (s, v) in enumerate(zip(old.sentences, old.sentence_vectors, strict=True)):
        cache.vectors[content_hash(s.text)] = v
        cache.pieces[content_hash(s.text)] = old.sentence_pieces(row)
    cache.previous = frozenset(cache.vectors)
    return cache


def _records(report: CorpusReport, passages: list[Passage]) -> dict:
    return {
        "articles": [{"source": a.source, "title": a.title, "date": a.date, "text": a.text} for a in report.articles],
        "passages": [{"source": p.source, "sentences": [[s.start, s.end] for s in p.sentences]} for p in passages],
    }


def _passage_from_record(article: Article, record: dict) -> Passage:
    return make_passage(article, [(int(s), int(e)) for s, e in record["sentences"]])


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _point_current(index_dir: Path, build_name: str) -> None:
    tmp = index_dir / f".CURRENT-{uuid.uuid4().hex[:6]}"
    tmp.write_text(build_name + "\n", encoding="utf-8")
    os.replace(tmp, index_dir / "CURRENT")


def _remove_old_builds(index_dir: Path, keep: str) -> None:
    for child in index_dir.iterdir():
        stale_tmp = child.name.startswith(".tmp-") and time.time() - child.stat().st_mtime > 3600
        if child.is_dir() and child.name != keep and (child.name.startswith("build-") or stale_tmp):
            shutil.rmtree(child, ignore_errors=True)
