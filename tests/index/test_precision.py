"""What `model.precision` means on this machine: the checks and the timing behind "auto"."""

import pytest

from index.precision import BFLOAT16_MIN_SPEEDUP, best_seconds, bfloat16_pays, check_precision, native_bfloat16


def test_precision_values_are_checked_by_name():
    assert [check_precision(p) for p in ("auto", "float32", "bfloat16")] == ["auto", "float32", "bfloat16"]
    with pytest.raises(ValueError, match="precision must be one of auto, float32, bfloat16, got 'half'"):
        check_precision("half")


def test_bfloat16_pays_only_when_clearly_faster():
    assert bfloat16_pays({"bfloat16": 1.0, "float32": BFLOAT16_MIN_SPEEDUP})
    assert not bfloat16_pays({"bfloat16": 1.0, "float32": BFLOAT16_MIN_SPEEDUP * 0.99})
    assert not bfloat16_pays({"bfloat16": 2.0, "float32": 1.0})


def test_best_seconds_warms_each_pass_then_alternates_and_keeps_the_fastest_run():
    calls = []
    seconds = best_seconds({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, rounds=3)
    assert calls == ["a", "b"] * 4  # one untimed run of each, then three alternating rounds
    assert set(seconds) == {"a", "b"} and all(0 <= s < 1 for s in seconds.values())


@pytest.mark.parametrize(
    ("capabilities", "native"),
    [
        ({"avx512_bf16": True, "amx_bf16": False}, True),  # AVX-512 BF16 without AMX (AMD EPYC, some Xeon VMs)
        ({"amx_bf16": True}, True),
        ({"bf16": True}, True),  # ARM
        ({"avx2": True, "avx512_bf16": False}, False),
        ({}, False),
    ],
)
def test_native_bfloat16_reads_the_cpus_bfloat16_flags(monkeypatch, capabilities, native):
    import torch

    monkeypatch.setattr(torch.cpu, "get_capabilities", lambda: capabilities, raising=False)
    assert native_bfloat16() is native
