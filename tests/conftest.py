"""Shared fixtures: the seed corpus, fast hash-embedder engines, and one real-model engine."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import SEEDS, make_config

from index.config import parse_config
from index.engine import Engine


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy of the seed articles that a test may change."""
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    return folder


@pytest.fixture
def hash_engine(corpus: Path, tmp_path: Path) -> Engine:
    engine = Engine(make_config(corpus, tmp_path / "index"))
    engine.warm_up()
    return engine


@pytest.fixture(scope="session")
def real_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The bundled sentence-transformers model, real FAISS and bm25s, on the seed articles."""
    index = tmp_path_factory.mktemp("real") / "index"
    config = parse_config({"corpus": {"dir": str(SEEDS)}, "index": {"dir": str(index)}}, index.parent)
    engine = Engine(config)
    engine.warm_up()
    return engine
