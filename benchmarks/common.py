"""Shared helpers for benchmark scripts: the bundled corpus split, timing summaries, output."""
from __future__ import annotations

import json
import platform
import statistics
import time
from pathlib import Path

import numpy as np

from training.corpus import load_bundled
from training.split import split_calls


def corpus_split():
    return split_calls(load_bundled())


def summarize(seconds: list[float]) -> dict:
    values = sorted(seconds)
    return {"n": len(values), "median_ms": round(statistics.median(values) * 1000, 4),
            "p99_ms": round(float(np.percentile(values, 99)) * 1000, 4), "max_ms": round(values[-1] * 1000, 4)}


def timed(action, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        out.append(time.perf_counter() - started)
    return out


def machine() -> dict:
    import os

    return {"python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(), "platform": platform.platform()}


def write_json(result: dict, path: Path | None) -> None:
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
