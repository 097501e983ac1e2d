"""The training loop the model scripts share: batches, schedule, optimiser step, time limit, code version."""

from __future__ import annotations

import random
import subprocess
import time
from collections.abc import Iterator
from typing import TypeVar

import torch

T = TypeVar("T")


def batches(items: list[T], size: int, rng: random.Random) -> Iterator[list[T]]:
    """Endless batches of `size`, the items reshuffled each time the previous order runs low."""
    order: list[T] = []
    while True:
        if len(order) < size:
            order += rng.sample(items, len(items))
        batch, order = order[:size], order[size:]
        yield batch


class Trainer:
    """AdamW with a linear warm-up and decay, gradient clipping, and an optional time limit."""

    def __init__(self, params: list, lr: float, total_steps: int, warmup_share: float, minutes: float | None):
        self.params = params
        self.total_steps = total_steps
        self.minutes = minutes
        self.step = 0
        self.started = time.monotonic()
        self.optimiser = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
        self.warmup_share = warmup_share
        self.schedule = torch.optim.lr_scheduler.LambdaLR(self.optimiser, lambda _step: self.lr_factor())

    def progress(self) -> float:
        """How far training is, 0 to 1: by steps, or by time when the time limit comes first."""
        done = self.step / self.total_steps
        if self.minutes is not None:
            done = max(done, self.seconds / (self.minutes * 60))
        return min(done, 1.0)

    def lr_factor(self) -> float:
        """Linear warm-up over the first `warmup_share` of training, then linear decay to 0 at its end.

        With a time limit the decay follows the clock, so a run cut short by `minutes` still
        ends at a learning rate near 0 instead of stopping mid-schedule.
        """
        done = self.progress()
        if done < self.warmup_share:
            return max(done, 1 / self.total_steps) / self.warmup_share
        return max(0.0, (1.0 - done) / (1.0 - self.warmup_share))

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    def running(self) -> bool:
        """False once every step is taken or the time limit is reached (then it says so)."""
        if self.minutes is not None and self.seconds > self.minutes * 60:
            print(f"time limit reached after {self.step} of {self.total_steps} steps", flush=True)
            return False
        return self.step < self.total_steps

    def update(self, loss: torch.Tensor) -> None:
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.params, 1.0)
        self.optimiser.step()
        self.optimiser.zero_grad()
        self.step += 1
        self.schedule.step()  # the next step's learning rate, from the progress made so far


def code_version() -> str:
    """The git commit the training ran from, for the model's manifest."""
    return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
