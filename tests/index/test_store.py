"""Index building, atomic replacement, reuse of embeddings, stale and corrupt indexes."""

from pathlib import Path

import faiss
import pytest
from support import make_config

from index.engine import Engine
from index.errors import CorpusError, IndexCorrupt, IndexStale
from index.store import current_build, load_index, read_manifest


def test_missing_index_is_built_on_first_use_with_a_manifest(hash_engine: Engine):
    manifest = hash_engine.index.manifest
    assert manifest["format_version"] >= 1 and manifest["model"] == "hash"
    assert manifest["dimension"] == 256 and len(manifest["corpus_hash"]) == 64
    assert manifest["articles"] == 5 and manifest["passages"] > 50 and manifest["sentences"] >= manifest["passages"]
    assert manifest["build_seconds"] >= 0
    assert manifest["reused_embeddings"] == 0  # a first build has nothing to reuse
    folder = current_build(hash_engine.config.index_path)
    for name in ("passages.faiss", "sentences.npy", "records.json", "bm25-passages", "bm25-sentences"):
        assert (folder / name).exists()


def test_reindex_reuses_embeddings_of_unchanged_passages(hash_engine: Engine, corpus: Path):
    before = hash_engine.index.manifest["passages"]
    path = corpus / "000_87f512e21ea3dd41.txt"
    path.write_text(
        path.read_text(encoding="utf-8") + "\n\nA brand new closing paragraph about turnout.", encoding="utf-8"
    )
    report = hash_engine.reindex()
    assert report.passages == before + 1
    total = hash_engine.index.manifest["passages"] + hash_engine.index.manifest["sentences"]
    # Only the new one-sentence paragraph was embedded, once for its passage and sentence rows.
    assert report.reused_embeddings == total - 2
    assert (
        "brand new closing paragraph"
        in hash_engine.ask("What is the new closing paragraph about turnout?").citations[0].passage_text
    )


def test_reindexing_an_unchanged_corpus_never_touches_the_model(hash_engine: Engine, monkeypatch):
    def no_model(*args, **kwargs):
        raise AssertionError("the model was used although every embedding could be reused")

    for method in ("warm_up", "embed", "embed_with_tokens"):
        monkeypatch.setattr(hash_engine.embedder, method, no_model)
    report = hash_engine.reindex()
    assert report.reused_embeddings == hash_engine.index.manifest["passages"] + hash_engine.index.manifest["sentences"]


def test_a_crash_mid_build_leaves_the_previous_index_usable(hash_engine: Engine, corpus: Path, monkeypatch):
    old_build = current_build(hash_engine.config.index_path)
    (corpus / "005_new.txt").write_text("New article\n\nSomething happened.", encoding="utf-8")

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(faiss, "write_index", crash)
    with pytest.raises(OSError, match="disk full"):
        hash_engine.reindex()
    assert current_build(hash_engine.config.index_path) == old_build
    assert not list(hash_engine.config.index_path.glob(".tmp-*"))
    assert load_index(hash_engine.config.index_path).manifest["articles"] == 5  # what a restart would load
    assert hash_engine.ask("Who is the Democratic candidate?").citations


def test_a_corrupt_file_is_named_and_a_rebuild_fixes_it(hash_engine: Engine):
    folder = current_build(hash_engine.config.index_path)
    (folder / "passages.faiss").write_bytes(b"garbage")
    with pytest.raises(IndexCorrupt, match=r"passages\.faiss.*racebot index"):
        Engine(hash_engine.config).warm_up()
    Engine(hash_engine.config).build()
    assert Engine(hash_engine.config).index.manifest["articles"] == 5


def test_a_corrupt_manifest_is_named(hash_engine: Engine):
    (current_build(hash_engine.config.index_path) / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexCorrupt, match=r"manifest\.json"):
        read_manifest(hash_engine.config.index_path)


def test_a_stale_index_is_rebuilt_or_refused_by_config(hash_engine: Engine, corpus: Path, tmp_path: Path):
    (corpus / "005_new.txt").write_text("New article\n\nA council vote was held on Monday.", encoding="utf-8")
    refusing = make_config(corpus, hash_engine.config.index_path, index={"on_stale": "refuse"})
    with pytest.raises(IndexStale, match="changed since the index was built.*racebot index"):
        Engine(refusing).warm_up()
    rebuilding = Engine(make_config(corpus, hash_engine.config.index_path))
    assert rebuilding.index.manifest["articles"] == 6


def test_an_empty_corpus_is_a_clear_error(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="no readable article"):
        Engine(make_config(tmp_path / "empty", tmp_path / "index")).warm_up()


def test_each_corpus_gets_its_own_default_index_folder(tmp_path: Path):
    from index.config import parse_config

    a = parse_config({"corpus": {"dir": "seeds"}}, tmp_path)
    b = a.with_paths(corpus=tmp_path / "other-articles")
    assert a.index_path != b.index_path and a.index_path.parent == b.index_path.parent
