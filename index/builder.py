"""Build an index from the corpus: read, split, embed (reusing what it can), write, make current.

The layout and the loading live in index/store.py. A build is written to a `.tmp-` folder
under the build lock (index/build_lock.py), hashed into its manifest (index/integrity.py),
flushed, renamed, and only then named in CURRENT.
"""

from __future__ import annotations

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
from index.build_lock import TMP_PREFIX, BuildLock
from index.embedder import Embedder, TokenVectors
from index.errors import CorpusError, IndexCorrupt, IndexMissing, IndexProblem, IndexStale
from index.integrity import (
    describe_files,
    finite_rows,
    verify_files,
)
from index.models import Passage
from index.passages import content_hash, split_corpus
from index.soft_match import quantize
from index.store import (
    FORMAT_VERSION,
    BuildSettings,
    LoadedIndex,
    corpus_fingerprint,
    current_build,
    load_index,
    read_manifest,
    read_pieces,
    read_records,
    read_sentence_vectors,
)
from index.text import tokenize

logger = logging.getLogger(__name__)

_EMBED_CHUNK = 64  # small chunks let questions interleave with a background rebuild


def build_index(index_dir: Path, settings: BuildSettings, embedder: Embedder, progress: bool = False) -> LoadedIndex:
    """Build a fresh index for the corpus and make it current; returns it loaded.

    Embeddings of passages and sentences whose text did not change are reused from
    the previous build when it used the same model and its vector files verify
    (sha256 against its manifest; rows holding NaN or infinity are embedded again).
    Raises IndexBusy when another process is building in `index_dir`; removes what
    builds killed mid-write left behind; keeps the previous build beside the new one.
    """
    with BuildLock(index_dir):
        _write_build(index_dir, settings, embedder, progress)
        # Loaded once the build's articles and vectors are freed: that keeps the peak memory down.
        return load_index(index_dir, hashes=False)  # just written and hashed


def _write_build(index_dir: Path, settings: BuildSettings, embedder: Embedder, progress: bool) -> None:
    """Embed (reusing what it can), write the build, make it current. Call while holding the lock."""
    started = time.perf_counter()
    report = load_corpus(settings.corpus_dir, settings.pattern, settings.limits)
    passages = split_corpus(report.articles, settings.max_passage_chars)
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

    build_name = f"build-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
    tmp = index_dir / f"{TMP_PREFIX}{build_name}"
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
            "files": describe_files(tmp),
        }
        _write_json(tmp / "manifest.json", manifest)
        _fsync_tree(tmp)
        os.rename(tmp, index_dir / build_name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    previous = _current_name(index_dir)
    _point_current(index_dir, build_name)
    _remove_old_builds(index_dir, keep={build_name, previous})
    logger.info(
        "built index %s: %d articles, %d passages in %.1f s",
        index_dir,
        len(report.articles),
        len(passages),
        manifest["build_seconds"],
    )


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
    embedded = {k for k, _ in missing}
    reused = sum(1 for k in keys if k in cache.previous and k not in embedded)
    return rows, [cache.pieces[k] for k in keys] if with_pieces else [], reused


def _stored(tokens: TokenVectors) -> Pieces:
    return tokens.ids.astype(np.int32), quantize(tokens.vectors)


def _previous_embeddings(index_dir: Path, model: str) -> _EmbeddingCache:
    """The current build's vectors and pieces, if it used the same model; damage is never reused.

    Each vector file is used only if its sha256 matches the manifest, and only its finite
    rows: what is left out is embedded again, and the new build is written whole.
    """
    cache = _EmbeddingCache({}, {})
    try:
        manifest = read_manifest(index_dir)
        folder = current_build(index_dir)
        if manifest.get("model") != model:
            return cache
        verify_files(folder, manifest["files"], hashes=True, only=("records.json",))
        _, passages = read_records(folder)
    except IndexMissing:
        return cache
    except IndexProblem as e:  # stale after an upgrade is routine; damage deserves a warning
        logger.log(logging.INFO if isinstance(e, IndexStale) else logging.WARNING, "embedding every text: %s", e.what)
        return cache
    sentences = [s for p in passages for s in p.sentences]
    try:
        verify_files(folder, manifest["files"], hashes=True, only=("passages.faiss",))
        passage_faiss = faiss.read_index(str(folder / "passages.faiss"))
        vectors = passage_faiss.reconstruct_n(0, passage_faiss.ntotal)
        if len(vectors) == len(passages):
            for p, v, ok in zip(passages, vectors, finite_rows(vectors), strict=True):
                if ok:
                    cache.vectors[content_hash(dense_text(p))] = v
    except (IndexCorrupt, RuntimeError) as e:
        logger.warning("re-embedding the passages: %s", getattr(e, "what", e))
    try:
        verify_files(folder, manifest["files"], hashes=True, only=("sentences.npy", "pieces.npz"))
        vectors = read_sentence_vectors(folder)
        offsets, ids, piece_vectors = read_pieces(folder)
        if len(vectors) == len(sentences) == len(offsets) - 1:
            for row, (s, v, ok) in enumerate(zip(sentences, vectors, finite_rows(vectors), strict=True)):
                if ok:
                    key = content_hash(s.text)
                    cache.vectors[key] = v
                    start, end = offsets[row], offsets[row + 1]
                    cache.pieces[key] = (ids[start:end], piece_vectors[start:end])
    except IndexCorrupt as e:
        logger.warning("re-embedding the sentences: %s", e.what)
    cache.previous = frozenset(cache.vectors)
    return cache


def _records(report: CorpusReport, passages: list[Passage]) -> dict:
    return {
        "articles": [{"source": a.source, "title": a.title, "date": a.date, "text": a.text} for a in report.articles],
        "passages": [{"source": p.source, "sentences": [[s.start, s.end] for s in p.sentences]} for p in passages],
    }


def _write_json(path: Path, data: object) -> None:
    with path.open("w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)


def _current_name(index_dir: Path) -> str | None:
    try:
        return current_build(index_dir).name
    except IndexProblem:
        return None


def _point_current(index_dir: Path, build_name: str) -> None:
    tmp = index_dir / f"{TMP_PREFIX}CURRENT-{uuid.uuid4().hex[:6]}"
    tmp.write_text(build_name + "\n", encoding="utf-8")
    os.replace(tmp, index_dir / "CURRENT")


def _remove_old_builds(index_dir: Path, keep: set[str | None]) -> None:
    """Remove every build but `keep` (the new one and the one it replaced, for a look back)."""
    for child in index_dir.iterdir():
        if child.is_dir() and child.name.startswith("build-") and child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)


def _fsync_tree(folder: Path) -> None:
    """Flush a finished build to disk before CURRENT names it, so a power cut cannot leave it half-written."""
    for path in [*folder.rglob("*"), folder]:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
