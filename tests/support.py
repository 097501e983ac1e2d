"""Helpers shared by test modules (importable as `support`: tests/ is on pytest's pythonpath)."""

from __future__ import annotations

from pathlib import Path

from index.config import Config, parse_config

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def make_config(corpus: Path, index_dir: Path, **sections: dict) -> Config:
    """A config for `corpus` with its index in `index`, the hash stand-in embedder, and overrides."""
    data: dict = {"corpus": {"dir": str(corpus)}, "index": {"dir": str(index_dir)}, "model": {"name": "hash"}}
    for key, value in sections.items():
        data[key] = {**data.get(key, {}), **value}
    return parse_config(data, index_dir.parent)
