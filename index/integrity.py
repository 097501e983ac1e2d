"""Checksums of an index build's files, and the checks that keep damaged data out of answers.

A build's manifest records every file's size and sha256 (`describe_files`). `verify_files`
compares them with what is on disk and names the first damaged file in an `IndexCorrupt`:
sizes always (one `stat` per file), hashes when asked. Loading hashes an index of up to
`HASH_ON_LOAD_MAX_BYTES` on every start; a larger one is hashed by `racebot index` (before
reusing its vectors) and by `racebot status --verify`, and only its sizes at start-up.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from index.errors import REBUILD_INDEX, IndexCorrupt

MANIFEST_FILE = "manifest.json"
# sha256 reads about 1 GB/s on one core here, so this keeps hashing at start-up near 100 ms
# (`racebot bench` on the SQuAD half, a 43 MB index, prints what it costs).
HASH_ON_LOAD_MAX_BYTES = 128 * 1024 * 1024

FileRecord = dict[str, int | str]  # {"bytes": size, "sha256": hex digest}


def file_sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def describe_files(folder: Path) -> dict[str, FileRecord]:
    """Size and sha256 of every file under `folder` but the manifest, by path relative to it."""
    return {
        path.relative_to(folder).as_posix(): {"bytes": path.stat().st_size, "sha256": file_sha256(path)}
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != MANIFEST_FILE
    }


def total_bytes(files: dict[str, FileRecord]) -> int:
    return sum(int(record["bytes"]) for record in files.values())


def verify_files(folder: Path, files: dict[str, FileRecord], hashes: bool, only: tuple[str, ...] = ()) -> None:
    """Raise IndexCorrupt naming the first recorded file that is missing, resized or (with `hashes`) changed.

    `only` limits the check to files whose path starts with one of these prefixes.
    """
    for name, record in files.items():
        if only and not name.startswith(only):
            continue
        path = folder / name
        try:
            size = path.stat().st_size
        except OSError:
            raise IndexCorrupt(f"index file {path} is missing", REBUILD_INDEX) from None
        if size != record.get("bytes"):
            raise IndexCorrupt(
                f"index file {path} is damaged ({size} bytes, the build wrote {record.get('bytes')})", REBUILD_INDEX
            )
        if hashes and file_sha256(path) != record.get("sha256"):
            raise IndexCorrupt(f"index file {path} is damaged (its sha256 differs from the manifest's)", REBUILD_INDEX)


def finite_rows(vectors: np.ndarray) -> np.ndarray:
    """A boolean mask of the rows holding only finite numbers."""
    if vectors.size == 0:
        return np.ones(len(vectors), dtype=bool)
    return np.isfinite(vectors).all(axis=tuple(range(1, vectors.ndim)))


def require_finite(path: Path, vectors: np.ndarray) -> None:
    """Raise IndexCorrupt naming `path` when any vector holds a NaN or an infinity."""
    bad = int((~finite_rows(vectors)).sum())
    if bad:
        raise IndexCorrupt(f"index file {path} is damaged ({bad} vectors hold NaN or infinity)", REBUILD_INDEX)
