"""A damaged index is named, never used, and `racebot index` repairs it instead of copying the damage."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index.engine import Engine
from index.errors import IndexCorrupt
from index.integrity import describe_files, file_sha256, finite_rows
from index.store import check_index, current_build, load_index


def index_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json")


def overwrite_middle(path: Path, size: int = 64) -> None:
    data = bytearray(path.read_bytes())
    middle = max(0, len(data) // 2 - size // 2)
    data[middle : middle + size] = bytes((b + 1) % 256 for b in data[middle : middle + size])
    path.write_bytes(bytes(data))


def test_the_manifest_records_every_file_size_and_sha256(hash_engine: Engine):
    folder = current_build(hash_engine.config.index_path)
    files = hash_engine.index.manifest["files"]
    assert sorted(files) == [p.relative_to(folder).as_posix() for p in index_files(folder)]
    assert "bm25-sentences/vocab.index.json" in files
    for name, record in files.items():
        assert record == {"bytes": (folder / name).stat().st_size, "sha256": file_sha256(folder / name)}


def test_every_damaged_file_is_named_on_load(hash_engine: Engine):
    folder = current_build(hash_engine.config.index_path)
    for path in index_files(folder):
        original = path.read_bytes()
        overwrite_middle(path)
        with pytest.raises(IndexCorrupt, match=rf"index file {path} is damaged .*; run `racebot index`"):
            load_index(hash_engine.config.index_path)
        path.write_bytes(original)
    load_index(hash_engine.config.index_path)  # restored: loads again


def test_sizes_are_checked_even_without_hashing(hash_engine: Engine):
    path = current_build(hash_engine.config.index_path) / "sentences.npy"
    path.write_bytes(path.read_bytes()[:-8])
    with pytest.raises(IndexCorrupt, match=r"sentences\.npy is damaged \(\d+ bytes, the build wrote \d+\)"):
        check_index(hash_engine.config.index_path, hashes=False)


def test_a_missing_file_is_named(hash_engine: Engine):
    path = current_build(hash_engine.config.index_path) / "bm25-passages" / "params.index.json"
    path.unlink()
    with pytest.raises(IndexCorrupt, match=rf"index file {path} is missing"):
        load_index(hash_engine.config.index_path)


def poison_sentence_vectors(folder: Path, rows: list[int], keep_checksums: bool) -> None:
    vectors = np.load(folder / "sentences.npy")
    vectors[rows, 3] = np.nan
    np.save(folder / "sentences.npy", vectors)
    if keep_checksums:  # damage the checksums cannot see: written by a faulty build itself
        manifest = json.loads((folder / "manifest.json").read_text())
        manifest["files"] = describe_files(folder)
        (folder / "manifest.json").write_text(json.dumps(manifest))


def test_a_nan_in_the_vectors_is_refused_on_load(hash_engine: Engine):
    folder = current_build(hash_engine.config.index_path)
    poison_sentence_vectors(folder, [5], keep_checksums=True)
    with pytest.raises(IndexCorrupt, match=r"sentences\.npy is damaged \(1 vectors hold NaN or infinity\)"):
        Engine(hash_engine.config).warm_up()


def test_reindex_re_embeds_a_damaged_vector_file_instead_of_reusing_it(hash_engine: Engine):
    manifest = hash_engine.index.manifest
    poison_sentence_vectors(current_build(hash_engine.config.index_path), [0, 7], keep_checksums=False)
    report = Engine(hash_engine.config).build()
    assert report.reused_embeddings == manifest["passages"]  # the passages' vectors only
    repaired = load_index(hash_engine.config.index_path, hashes=True)
    assert finite_rows(repaired.sentence_vectors).all()
    np.testing.assert_allclose(repaired.sentence_vectors, hash_engine.index.sentence_vectors, atol=1e-6)


def test_reindex_re_embeds_only_the_rows_holding_nan_when_checksums_match(hash_engine: Engine):
    manifest = hash_engine.index.manifest
    poison_sentence_vectors(current_build(hash_engine.config.index_path), [0, 7], keep_checksums=True)
    report = Engine(hash_engine.config).build()
    assert report.reused_embeddings == manifest["passages"] + manifest["sentences"] - 2
    assert finite_rows(load_index(hash_engine.config.index_path).sentence_vectors).all()


def test_reindex_rebuilds_a_damaged_bm25_part(hash_engine: Engine):
    folder = current_build(hash_engine.config.index_path)
    overwrite_middle(folder / "bm25-sentences" / "data.csc.index.npy")
    Engine(hash_engine.config).build()
    rebuilt = load_index(hash_engine.config.index_path, hashes=True)
    assert rebuilt.folder != folder and rebuilt.manifest["files"] == hash_engine.index.manifest["files"]
