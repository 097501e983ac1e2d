"""`racebot bench`: speed and memory figures for the configured corpus, printed as plain text.

The user's index is never touched: the corpus is built from scratch (no embeddings reused)
into a temporary folder, measured there, and deleted. Printed next to the project's targets
(2-core machine: first answer <= 6 s after process start, warm p50 <= 60 ms on the seed corpus,
peak memory <= 800 MB):
build time and passages/s, first answer of a fresh `racebot ask` process, in-process warm-up,
warm latency p50/p95 and each stage's share of it, latency per torch thread count (`--threads 1,2`) and peak memory.
Times are wall-clock on a possibly shared CPU: run it twice if they look noisy.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

from index.config import Config
from index.engine import Engine
from index.errors import UsageError
from index.evaluate import load_questions, sample
from index.integrity import HASH_ON_LOAD_MAX_BYTES, total_bytes, verify_files
from index.store import check_index, current_build

WARM_UP_QUESTIONS = 5
THREAD_ROUNDS = 3
TARGET_P50_MS = 60.0
TARGET_FIRST_ANSWER_S = 6.0
TARGET_PEAK_MIB = 800.0


def run_bench(config: Config, args: argparse.Namespace, process_start: float) -> int:
    """Print the figures; returns the exit code. Raises UsageError for unusable arguments.

    `args` needs `.questions` (Path or None), `.limit` (int), `.threads` ("1,2" or None)
    and `.config` (the config file the `ask` child process should read, or None for the
    default). `process_start` is `time.perf_counter()` taken when the CLI was imported.
    An optional `args.first_answer = False` skips the child process (for quick runs).
    """
    print(f"corpus: {config.corpus_dir}  (model {config.model.name}, model.threads {config.model.threads})", flush=True)
    print(f"CLI import to bench start: {time.perf_counter() - process_start:.2f} s")
    thread_counts = _thread_counts(args.threads)
    if thread_counts is None:
        raise UsageError(
            f"--threads must be positive whole numbers separated by commas, got {args.threads!r}", "e.g. --threads 1,2"
        )
    try:
        questions = [q.q for q in sample(load_questions(args.questions), args.limit)] if args.questions else None
    except (OSError, ValueError, yaml.YAMLError) as e:
        raise UsageError(
            f"cannot read the question file {args.questions} ({e})", "give a file in the schema of eval/dev.yaml"
        ) from None
    tmp = Path(tempfile.mkdtemp(prefix="racebot-bench-"))
    child_mib = None
    try:
        tmp_config = dataclasses.replace(config, index_dir=tmp / "index")
        engine = _bench_build(tmp_config)
        questions = questions or generated_questions(engine, args.limit)
        if not questions:
            raise UsageError(
                "no question to time (empty question file or corpus, or --limit 0)",
                "give questions or a larger --limit",
            )
        embedder = engine.embedder
        del engine  # drop the built index, so the warm-up below loads the only copy
        gc.collect()
        if getattr(args, "first_answer", True):
            child_mib = _bench_first_answer(tmp_config, args.config, questions[0])
        engine = _bench_warm_up(Engine(tmp_config, embedder=embedder), questions[0])
        ms = _latencies_ms(engine, questions)
        _report_stages(engine, questions)
        verdict = "met" if np.percentile(ms, 50) <= TARGET_P50_MS else "not met"
        print(f"warm latency over {len(questions)} questions (after {WARM_UP_QUESTIONS} warm-up): {_describe(ms)}")
        print(f"  target (set for the seed corpus): p50 <= {TARGET_P50_MS:.0f} ms; this run: {verdict}", flush=True)
        if thread_counts:
            _bench_threads(engine, questions, thread_counts, config.model.threads)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _report_memory(child_mib)
    return 0


def _thread_counts(text: str | None) -> list[int] | None:
    """`"1,2"` -> [1, 2]; None when malformed."""
    parts = (text or "").replace(" ", "").split(",") if text else []
    if not all(p.isdigit() and int(p) > 0 for p in parts):
        return None
    return [int(p) for p in parts]


def generated_questions(engine: Engine, limit: int) -> list[str]:
    """Up to `limit` question-like strings from sentences spread evenly over the index (deterministic)."""
    if limit <= 0:
        return []
    sentences = engine.index.sentences
    step = max(1, len(sentences) // max(limit, 1))
    out = []
    for sentence in sentences[::step]:
        words = re.findall(r"\w[\w'’-]*", sentence.text)
        if len(words) >= 4:
            out.append(f"What does the article say about {' '.join(words[:7])}?")
        if len(out) == limit:
            break
    return out


def _bench_build(config: Config) -> Engine:
    engine = Engine(config)
    started = time.perf_counter()
    engine.embedder.warm_up()
    print(f"model load: {time.perf_counter() - started:.2f} s", flush=True)
    report = engine.build()
    m = engine.index.manifest
    print(
        f"index build (cold, no embeddings reused): {report.seconds:.1f} s for {m['articles']} articles, "
        f"{m['passages']} passages, {m['sentences']} sentences = {m['passages'] / report.seconds:.1f} passages/s, "
        f"{m['sentences'] / report.seconds:.1f} sentences/s",
        flush=True,
    )
    _report_index_check(config.index_path, m)
    return engine


def _report_index_check(index_dir: Path, manifest: dict) -> None:
    """What checking the index against its manifest costs at start-up (index/integrity.py)."""
    started = time.perf_counter()
    check_index(index_dir, hashes=False)
    sizes_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    verify_files(current_build(index_dir), manifest["files"], hashes=True)
    hashes_ms = (time.perf_counter() - started) * 1000
    size = total_bytes(manifest["files"])
    hashed_at_load = "yes" if size <= HASH_ON_LOAD_MAX_BYTES else "no, sizes only"
    print(
        f"index check: sizes {sizes_ms:.1f} ms, sha256 of all {size / 1e6:.1f} MB {hashes_ms:.1f} ms "
        f"(hashed at every load: {hashed_at_load}; limit {HASH_ON_LOAD_MAX_BYTES / 1e6:.0f} MB)",
        flush=True,
    )


# The child runs the real CLI, then reports its own peak RSS. VmHWM, not getrusage: on Linux
# ru_maxrss of an exec'd child (seen from either side) starts at the parent's size at fork.
_CHILD = """import sys
from bot.cli import main
code = main(sys.argv[1:])
try:
    kib = [line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM:')]
except OSError:
    kib = []
print('racebot-bench-peak-kib', *kib, file=sys.stderr)
sys.exit(code)
"""


def _bench_first_answer(config: Config, config_file: Path | None, question: str) -> float | None:
    """Launch a fresh `racebot ask` on the built index and time it until its answer appears.

    Returns the child's peak resident memory in MiB (None when unknown).
    """
    paths = ["--corpus", str(config.corpus_dir.resolve()), "--index", str(config.index_path.resolve())]
    if config_file is not None:
        paths += ["--config", str(config_file)]
    command = [sys.executable, "-c", _CHILD, "ask", *paths, "--", question]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}  # so the answer's first byte marks the answer
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors, env=env)
        assert child.stdout is not None
        first_byte = child.stdout.read(1)
        seconds = time.perf_counter() - started
        child.stdout.read()
        child.stdout.close()
        code = child.wait()
        total = time.perf_counter() - started
        errors.seek(0)
        lines = errors.read().decode(errors="replace").strip().splitlines()
    if code != 0 or not first_byte:
        print(f"first answer after process start: FAILED (exit {code}): {(lines or ['no output'])[-1]}")
        return None
    verdict = "met" if seconds <= TARGET_FIRST_ANSWER_S else "not met"
    print(
        f"first answer after process start (fresh `racebot ask`, built index): {seconds:.2f} s "
        f"(process exit {total:.2f} s); target <= {TARGET_FIRST_ANSWER_S:.0f} s ({verdict})",
        flush=True,
    )
    peak = [line.split()[1:] for line in lines if line.startswith("racebot-bench-peak-kib")]
    return int(peak[-1][0]) / 1024 if peak and peak[-1] else None


def _bench_warm_up(engine: Engine, question: str) -> Engine:
    """Warm up a fresh engine whose model is loaded: times the index load and a first answer."""
    started = time.perf_counter()
    engine.warm_up()
    loaded = time.perf_counter() - started
    engine.ask(question)
    first = time.perf_counter() - started - loaded
    print(
        f"in-process warm-up: index load {loaded:.2f} s, then first answer {first * 1000:.0f} ms "
        f"(add model load above for a cold start)",
        flush=True,
    )
    return engine


def _latencies_ms(engine: Engine, questions: list[str]) -> np.ndarray:
    for question in questions[:WARM_UP_QUESTIONS]:
        engine.ask(question)
    out = []
    for question in questions:
        started = time.perf_counter()
        engine.ask(question)
        out.append((time.perf_counter() - started) * 1000)
    return np.array(out)


def _report_stages(engine: Engine, questions: list[str]) -> None:
    """Each stage's share of the answer time: embed, retrieve, rank, read, judge, compose."""
    totals: dict[str, float] = {}
    for question in questions:
        for stage, seconds in engine.ask_explained(question)[1].seconds.items():
            totals[stage] = totals.get(stage, 0.0) + seconds
    whole = sum(totals.values()) or 1.0
    shares = ", ".join(
        f"{stage} {seconds / len(questions) * 1000:.1f} ms ({seconds / whole:.0%})" for stage, seconds in totals.items()
    )
    print(f"  per stage (mean): {shares}", flush=True)


def _describe(ms: np.ndarray) -> str:
    p50, p95 = np.percentile(ms, 50), np.percentile(ms, 95)
    return f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, mean {ms.mean():.1f} ms, max {ms.max():.1f} ms"


def _bench_threads(engine: Engine, questions: list[str], counts: list[int], configured: int) -> None:
    """Latency per torch thread count, then restore the thread count that was in use.

    The counts take turns over THREAD_ROUNDS rounds (order reversed every round), so load
    from other processes on a shared CPU falls on all of them alike.
    """
    import torch

    before = torch.get_num_threads()
    samples: dict[int, list[np.ndarray]] = {n: [] for n in counts}
    try:
        for round_ in range(THREAD_ROUNDS):
            for n in counts if round_ % 2 == 0 else counts[::-1]:
                torch.set_num_threads(n)
                samples[n].append(_latencies_ms(engine, questions))
    finally:
        torch.set_num_threads(before)
    print(f"latency per torch thread count ({THREAD_ROUNDS} interleaved rounds each):")
    for n in counts:
        print(f"  {n} thread(s): {_describe(np.concatenate(samples[n]))}")
    best = min(counts, key=lambda n: np.percentile(np.concatenate(samples[n]), 50))
    print(f"fastest p50 with {best} torch thread(s); config model.threads is {configured}", flush=True)


def _report_memory(child_mib: float | None) -> None:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    child = "not measured" if child_mib is None else f"{child_mib:.0f} MiB"
    print(f"peak memory: this process {own:.0f} MiB (build + queries); `racebot ask` child process {child}")
    if child_mib is not None:
        verdict = "met" if child_mib <= TARGET_PEAK_MIB else "not met"
        print(f"  target for the `racebot ask` process: <= {TARGET_PEAK_MIB:.0f} MiB ({verdict})")
