"""Training time and peak memory as the corpus grows, fenliu against the plain pipeline.

    python -m benchmarks.training_scale [--quick] [--sizes 2000,8000,32000,128000] [--json out.json]

Sizes above the corpus are reached by resampling its training side with a fixed seed (for
timing only: duplicated records teach nothing new). Every fit runs in its own process so its
peak resident memory is its own. Prints seconds and peak MB per size and the fitted growth
exponent (time ∝ records^k; k ≤ 1 means no worse than linear).
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time

import numpy as np

from benchmarks.common import corpus_split, machine, write_json


def _sample(size: int, seed: int = 7):
    train = corpus_split().train
    rng = random.Random(seed)
    if size <= len(train):
        return rng.sample(train, size)
    return [*train, *(rng.choice(train) for _ in range(size - len(train)))]


def fit_once(kind: str, size: int) -> dict:
    """Runs in a child process: fit one model on `size` records; time and peak memory."""
    from classifier.model import RouteModel
    from classifier.prepare import prepare
    from training.baseline import PlainBaseline
    from training.fit import default_params

    calls = [c.call for c in _sample(size)]
    started = time.perf_counter()
    if kind == "fenliu":
        # Resampled copies keep their scenario id, so duplicates stay in one calibration fold.
        RouteModel(**default_params()).fit([prepare(c.text) for c in calls], [c.matter_type for c in calls],
                                           [c.tier for c in calls], [c.scenario for c in calls])
    else:
        PlainBaseline().fit([c.text for c in calls], [c.matter_type for c in calls], [c.tier for c in calls])
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"kind": kind, "records": size, "seconds": round(seconds, 2), "peak_mb": round(peak_mb, 1)}


def growth_exponent(rows: list[dict]) -> float | None:
    if len(rows) < 2:
        return None
    slope, _ = np.polyfit(np.log([r["records"] for r in rows]), np.log([max(r["seconds"], 1e-3) for r in rows]), 1)
    return round(float(slope), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="two tiny sizes (for tests)")
    parser.add_argument("--sizes", default="2000,8000,32000,128000")
    parser.add_argument("--json", default=None)
    parser.add_argument("--one", nargs=2, metavar=("KIND", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(fit_once(args.one[0], int(args.one[1]))))
        return
    sizes = [200, 400] if args.quick else [int(s) for s in args.sizes.split(",")]
    result: dict = {"machine": machine(), "runs": []}
    for kind in ("fenliu", "plain_pipeline"):
        for size in sizes:
            print(f"fitting {kind} on {size} records …", flush=True)
            out = subprocess.run([sys.executable, "-m", "benchmarks.training_scale", "--one", kind, str(size)],
                                 capture_output=True, text=True, check=True)
            result["runs"].append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"\n{'records':>9}{'fenliu s':>11}{'peak MB':>9}{'plain s':>10}{'peak MB':>9}{'time ratio':>12}")
    for size in sizes:
        f = next(r for r in result["runs"] if r["kind"] == "fenliu" and r["records"] == size)
        p = next(r for r in result["runs"] if r["kind"] == "plain_pipeline" and r["records"] == size)
        print(f"{size:>9}{f['seconds']:>11}{f['peak_mb']:>9}{p['seconds']:>10}{p['peak_mb']:>9}{f['seconds'] / max(p['seconds'], 1e-3):>12.2f}")
    for kind in ("fenliu", "plain_pipeline"):
        result[f"{kind}_growth_exponent"] = growth_exponent([r for r in result["runs"] if r["kind"] == kind])
        print(f"{kind}: time grows as records^{result[f'{kind}_growth_exponent']}")
    write_json(result, args.json)


if __name__ == "__main__":
    main()
