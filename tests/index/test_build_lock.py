"""One builder per index folder; what a killed build leaves is gone at the next build; two builds kept."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.build_lock import LOCK_FILE, BuildLock
from index.engine import Engine
from index.errors import IndexBusy
from index.store import current_build, load_index

# A child that builds the index and kills itself (SIGKILL: no cleanup runs) while writing passages.faiss.
_KILLED_MID_WRITE = """
import json, os, signal, sys
import faiss
from index.config import parse_config
from index.engine import Engine
from pathlib import Path

def write_half_then_die(index, path):
    Path(path).write_bytes(b"half a file")
    os.kill(os.getpid(), signal.SIGKILL)

faiss.write_index = write_half_then_die
Engine(parse_config(json.loads(sys.argv[1]), Path("."))).build()
"""

# A child that holds the build lock until its stdin closes.
_HOLDS_THE_LOCK = """
import sys
from pathlib import Path
from index.build_lock import BuildLock
with BuildLock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.read()
"""


def config_data(engine: Engine) -> str:
    c = engine.config
    return json.dumps(
        {"corpus": {"dir": str(c.corpus_dir)}, "index": {"dir": str(c.index_path)}, "model": {"name": "hash"}}
    )


def test_a_build_killed_mid_write_leaves_nothing_after_the_next_build(hash_engine: Engine, corpus: Path):
    index_dir = hash_engine.config.index_path
    before = current_build(index_dir)
    (corpus / "005_new.txt").write_text("New article\n\nA council vote was held on Monday.", encoding="utf-8")
    child = subprocess.run([sys.executable, "-c", _KILLED_MID_WRITE, config_data(hash_engine)], timeout=120)
    assert child.returncode == -9
    assert list(index_dir.glob(".tmp-*")), "the killed build should have left its folder"
    assert current_build(index_dir) == before  # the old index stays in use
    Engine(hash_engine.config).build()  # the lock died with its holder: no wait, no IndexBusy
    assert not list(index_dir.glob(".tmp-*"))
    assert load_index(index_dir).manifest["articles"] == 6


def test_a_second_builder_is_told_who_holds_the_lock(hash_engine: Engine):
    index_dir = hash_engine.config.index_path
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDS_THE_LOCK, str(index_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        with pytest.raises(
            IndexBusy, match=rf"another racebot process \(pid {holder.pid}\) is building .*; wait for it"
        ):
            Engine(hash_engine.config).build()
    finally:
        holder.communicate("", timeout=30)
    Engine(hash_engine.config).build()  # released


def test_the_lock_is_released_and_keeps_no_stale_pid(tmp_path: Path):
    with BuildLock(tmp_path):
        assert (tmp_path / LOCK_FILE).read_text().strip().isdigit()
    with BuildLock(tmp_path):
        pass
    assert (tmp_path / LOCK_FILE).read_text() == ""  # no stale pid once released


def test_the_current_and_the_previous_build_are_kept(hash_engine: Engine):
    index_dir = hash_engine.config.index_path
    names = [current_build(index_dir).name]
    for _ in range(3):
        time.sleep(0.01)
        Engine(hash_engine.config).build()
        names.append(current_build(index_dir).name)
    assert sorted(p.name for p in index_dir.glob("build-*")) == sorted(names[-2:])
