"""One builder per index folder, and no leftovers from builders that died.

`BuildLock` takes an exclusive `flock` on ``<index>/build.lock`` and writes its pid
there. The kernel drops the lock when its holder exits, however it exits, so a
lock is never stale: whoever holds it may remove every ``.tmp-*`` folder it finds,
since those were left by a build that was killed while it wrote.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
from pathlib import Path
from types import TracebackType

from index.errors import IndexBusy

logger = logging.getLogger(__name__)

LOCK_FILE = "build.lock"
TMP_PREFIX = ".tmp-"


class BuildLock:
    """Context manager: hold the index folder's build lock, or raise IndexBusy naming the holder."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self._fd: int | None = None

    def __enter__(self) -> BuildLock:
        self.index_dir.mkdir(parents=True, exist_ok=True)
        path = self.index_dir / LOCK_FILE
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise IndexBusy(
                f"another racebot process (pid {holder}) is building the index in {self.index_dir}",
                "wait for it to finish, then try again",
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        remove_leftovers(self.index_dir)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def remove_leftovers(index_dir: Path) -> None:
    """Remove the temporary folders of builds that died. Only call while holding the lock."""
    for child in index_dir.iterdir():
        if child.name.startswith(TMP_PREFIX):
            logger.info("removing %s, left by a build that did not finish", child.name)
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
