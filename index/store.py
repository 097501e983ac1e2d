"""The on-disk index: its layout, its manifest, loading and checking it (building: index/builder.py).

Layout of an index folder::

    CURRENT                 name of the active build folder (replaced atomically)
    build.lock              held (flock) by the process building; holds its pid
    build-<id>/manifest.json        settings, counts, and every file's size and sha256
    build-<id>/records.json         articles (with text) and passage/sentence spans
    build-<id>/passages.faiss       passage vectors (inner product = cosine)
    build-<id>/sentences.npy        sentence vectors, same row order as records
    build-<id>/pieces.npz           each sentence's word-piece ids and int8 vectors (index/soft_match.py)
    build-<id>/bm25-passages/       bm25s index over passages
    build-<id>/bm25-sentences/      bm25s index over sentences

A build is written to a `.tmp-` folder, flushed, renamed, and only then named in
CURRENT, so a crash mid-build leaves the previous index in use; the next build
removes the leftover. The current build and the one before it are kept.
Loading checks every file against the manifest (index/integrity.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import bm25s
import faiss
import numpy as np

from index.articles import CorpusLimits, corpus_digest
from index.errors import REBUILD_INDEX as REBUILD
from index.errors import IndexCorrupt, IndexMissing, IndexStale
from index.integrity import (
    HASH_ON_LOAD_MAX_BYTES,
    require_finite,
    total_bytes,
    verify_files,
)
from index.models import Article, Passage, Sentence
from index.passages import make_passage

logger = logging.getLogger(__name__)


FORMAT_VERSION = 4  # 4: the manifest records every file's size and sha256


@dataclass(frozen=True)
class BuildSettings:
    corpus_dir: Path
    pattern: str
    model: str
    max_passage_chars: int
    limits: CorpusLimits = CorpusLimits()


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
    """Hash of what the corpus loader reads (index/articles.py) plus the settings that shape passages."""
    digest = hashlib.sha256(f"v{FORMAT_VERSION}|{settings.pattern}|{settings.max_passage_chars}".encode())
    digest.update(corpus_digest(settings.corpus_dir, settings.pattern, settings.limits).encode())
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
    if manifest.get("format_version") != FORMAT_VERSION or not isinstance(manifest.get("files"), dict):
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


def load_index(index_dir: Path, hashes: bool | None = None) -> LoadedIndex:
    """Load the active build; raises IndexMissing, IndexStale or IndexCorrupt (naming the bad file).

    Every file is checked against the manifest first: its size always, its sha256 when
    `hashes` is true (None: when the index is small enough, see index/integrity.py).
    Vectors holding NaN or infinity are refused too.
    """
    manifest = read_manifest(index_dir)
    folder = current_build(index_dir)
    files = manifest["files"]
    verify_files(folder, files, hashes if hashes is not None else total_bytes(files) <= HASH_ON_LOAD_MAX_BYTES)
    articles, passages = read_records(folder)
    passage_faiss, passage_vectors = _load_passage_vectors(folder)
    sentence_vectors = _load_sentence_vectors(folder)
    piece_offsets, piece_ids, piece_vectors = read_pieces(folder)
    bm25 = {name: _load_bm25(folder, name) for name in ("bm25-passages", "bm25-sentences")}
    sentences = [s for p in passages for s in p.sentences]
    sentence_passage = np.array([i for i, p in enumerate(passages) for _ in p.sentences], dtype=np.int64)
    if len(passage_vectors) != len(passages) or sentence_vectors.shape[0] != len(sentences):
        raise _corrupt(folder, "passages.faiss", ValueError("row counts do not match records.json"))
    if len(piece_offsets) != len(sentences) + 1 or piece_offsets[-1] != len(piece_ids) != len(piece_vectors):
        raise _corrupt(folder, "pieces.npz", ValueError("row counts do not match records.json"))
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


def check_index(index_dir: Path, hashes: bool) -> dict:
    """Check the active build without loading the model; returns its manifest.

    Without `hashes`: the manifest reads and every file has the size it was written
    with (cheap enough for a health check). With `hashes`: every file's sha256 matches
    and the whole index loads, vectors finite (`racebot status --verify`).
    Raises like `load_index`.
    """
    if hashes:
        return load_index(index_dir, hashes=True).manifest
    manifest = read_manifest(index_dir)
    verify_files(current_build(index_dir), manifest["files"], hashes=False)
    return manifest


def _corrupt(folder: Path, name: str, e: Exception) -> IndexCorrupt:
    return IndexCorrupt(f"index file {folder / name} is corrupt ({e.__class__.__name__})", REBUILD)


def read_records(folder: Path) -> tuple[dict[str, Article], list[Passage]]:
    """The articles and passages of a build folder; IndexCorrupt naming records.json if unreadable."""
    try:
        records = json.loads((folder / "records.json").read_text(encoding="utf-8"))
        articles = {
            a["source"]: Article(a["source"], a["title"], a["text"], a.get("date")) for a in records["articles"]
        }
        return articles, [_passage_from_record(articles[r["source"]], r) for r in records["passages"]]
    except (OSError, ValueError, KeyError, TypeError, IndexError) as e:
        raise _corrupt(folder, "records.json", e) from e


def _load_passage_vectors(folder: Path) -> tuple[faiss.Index, np.ndarray]:
    """The FAISS index and a copy of its vectors (checked finite)."""
    try:
        passage_faiss = faiss.read_index(str(folder / "passages.faiss"))
        vectors = passage_faiss.reconstruct_n(0, passage_faiss.ntotal)
    except RuntimeError as e:
        raise _corrupt(folder, "passages.faiss", e) from e
    require_finite(folder / "passages.faiss", vectors)
    return passage_faiss, vectors


def _load_sentence_vectors(folder: Path) -> np.ndarray:
    vectors = read_sentence_vectors(folder)
    require_finite(folder / "sentences.npy", vectors)
    return vectors


def read_sentence_vectors(folder: Path) -> np.ndarray:
    """The sentence vectors as stored, not checked finite (`load_index` checks them)."""
    try:
        return np.load(folder / "sentences.npy", allow_pickle=False)
    except (OSError, ValueError) as e:
        raise _corrupt(folder, "sentences.npy", e) from e


def read_pieces(folder: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Offsets, word-piece ids and int8 vectors of every sentence (see `LoadedIndex.sentence_pieces`)."""
    try:
        with np.load(folder / "pieces.npz", allow_pickle=False) as npz:
            return npz["offsets"], npz["ids"], npz["vectors"]
    except Exception as e:  # a damaged zip raises BadZipFile, KeyError, OSError or ValueError
        raise _corrupt(folder, "pieces.npz", e) from e


def _load_bm25(folder: Path, name: str) -> bm25s.BM25:
    try:
        return bm25s.BM25.load(str(folder / name), show_progress=False)
    except Exception as e:  # bm25s raises many kinds on damaged files
        raise _corrupt(folder, name, e) from e


def _passage_from_record(article: Article, record: dict) -> Passage:
    return make_passage(article, [(int(s), int(e)) for s, e in record["sentences"]])
