"""What the reader's `model.precision` setting means on this machine: float32 or bfloat16.

"auto" runs the reader in bfloat16 only where it is both native (the CPU has bfloat16
instructions; elsewhere torch emulates them, slowly) and measured faster at load time: native
instructions are no promise of speed, as bfloat16 was much faster than float32 on one CPU with
AVX-512 BF16 and slower on another (docs/experiments.md, "Precision", has the figures).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from index.config import PRECISIONS

# "auto" takes bfloat16 only when a pass in it is at least this many times faster than in float32:
# a clear margin, so that a machine where the two are close keeps to one precision from start to start.
BFLOAT16_MIN_SPEEDUP = 1.25
TIMING_ROUNDS = 3  # timed passes in each precision, interleaved; the best of each counts
# What the timed pass reads: a question and candidate sentences of a news article's usual length.
TIMING_QUESTION = "how many votes did the mayor get in the first round of the election"
TIMING_SENTENCES = (
    "The mayor won 48 percent of the vote in the first round, short of the majority needed to avoid a runoff.",
    "Turnout was higher than in any local election of the past decade, officials said on Tuesday evening.",
    "Her opponent, a former state senator, finished second with about a fifth of the ballots cast.",
    "Both campaigns spent heavily on television advertising in the final weeks of the race.",
    "The runoff will be held in June, and early voting begins three weeks before election day.",
    "Analysts said the result would be read nationally as a test of the president's popularity.",
)


def native_bfloat16() -> bool:
    """Whether this CPU has bfloat16 matrix instructions (else torch emulates them, slowly)."""
    import torch

    capabilities: dict[str, object] = dict(getattr(torch.cpu, "get_capabilities", dict)())
    return any(capabilities.get(flag) for flag in ("amx_bf16", "avx512_bf16", "bf16", "sve_bf16"))


def check_precision(precision: str) -> str:
    """`precision` if it is a `model.precision` value; ValueError naming the choices otherwise."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
    return precision


def best_seconds(passes: Mapping[str, Callable[[], object]], rounds: int = TIMING_ROUNDS) -> dict[str, float]:
    """The fastest of `rounds` timed runs of each pass, after one untimed run of each (which sets up
    its kernels). Rounds alternate between the passes, so a busy moment of the host hits them alike."""
    for run in passes.values():
        run()
    best = dict.fromkeys(passes, float("inf"))
    for _ in range(rounds):
        for name, run in passes.items():
            started = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - started)
    return best


def bfloat16_pays(seconds: Mapping[str, float]) -> bool:
    """Whether the bfloat16 pass beat the float32 one by BFLOAT16_MIN_SPEEDUP (`seconds` holds both)."""
    return seconds["bfloat16"] * BFLOAT16_MIN_SPEEDUP <= seconds["float32"]
