"""The shared training schedule: warm-up, then linear decay by steps or, with a time limit, by the clock."""

import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from training import Trainer  # noqa: E402


def trainer(total_steps: int, minutes: float | None) -> Trainer:
    weight = torch.nn.Parameter(torch.zeros(2))
    return Trainer([weight], lr=1.0, total_steps=total_steps, warmup_share=0.1, minutes=minutes)


def test_warm_up_then_decay_to_zero_by_steps():
    t = trainer(total_steps=100, minutes=None)
    assert abs(t.lr_factor() - 0.1) < 1e-9  # one step's share of the warm-up
    t.step = 10
    assert t.lr_factor() == 1.0
    t.step = 55
    assert abs(t.lr_factor() - 0.5) < 1e-9
    t.step = 100
    assert t.lr_factor() == 0.0 and not t.running()


def test_a_time_limit_decays_by_the_clock():
    t = trainer(total_steps=1_000_000, minutes=10.0)
    t.step = 20  # far from the step count ...
    t.started -= 5.5 * 60  # ... but 55% of the time is spent
    assert abs(t.lr_factor() - 0.5) < 0.01
    t.started -= 5 * 60
    assert t.lr_factor() == 0.0 and not t.running()


def test_the_optimiser_follows_the_schedule():
    t = trainer(total_steps=10, minutes=None)
    lrs = []
    for _ in range(10):
        t.update(t.params[0].sum())
        lrs.append(t.optimiser.param_groups[0]["lr"])
    assert lrs[0] == 1.0 and lrs[-1] == 0.0 and lrs == sorted(lrs, reverse=True)
