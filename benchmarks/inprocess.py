"""In-process prediction latency of the active model against the plain baseline, same run.

    python -m benchmarks.inprocess [--quick] [--json out.json]

Measures (median, p99): a ~100-character call, every prefix of every test call (the keystroke
stream) through the scorer a server loads (the signed serving export); a batch of 1,000 calls
through the full model, as `fenliu predict` runs batches; and, each in a fresh interpreter,
the time to import and load the serving export against the full scikit-learn model.
Needs an active model in FENLIU_HOME (`fenliu train --promote`).
"""
from __future__ import annotations

import argparse
import subprocess
import sys

from benchmarks.common import corpus_split, machine, summarize, timed, write_json
from classifier.prepare import prepare
from classifier.route import Router
from corpus.jurisdiction import load_profile
from service.settings import load_settings
from training.baseline import PlainBaseline
from training.registry import Registry


_LOAD = """
import time
started = time.perf_counter()
from service.settings import load_settings
from training.registry import Registry
settings = load_settings()
key = settings.signing_key.get_secret_value() if settings.signing_key else None
Registry(settings.home, key).{method}()
print(time.perf_counter() - started)
"""


def fresh_load_seconds(method: str, repeat: int) -> float:
    """Median seconds to import what loading needs and load the active model, in a new interpreter
    each time (as a server starts), without jieba's dictionary, which both ways build the same."""
    runs = [float(subprocess.run([sys.executable, "-c", _LOAD.format(method=method)], check=True, capture_output=True,
                                 text=True).stdout.split()[-1]) for _ in range(repeat)]
    return round(sorted(runs)[len(runs) // 2], 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="few calls and repeats (for tests)")
    parser.add_argument("--json", type=str, default=None)
    args = parser.parse_args()
    settings = load_settings()
    registry = Registry(settings.home, settings.signing_key.get_secret_value() if settings.signing_key else None)
    loaded = registry.load_scorer()
    full = registry.load(loaded.version)
    export_seconds = fresh_load_seconds("load_scorer", 1 if args.quick else 5)
    full_seconds = fresh_load_seconds("load", 1 if args.quick else 5)
    loaded.model.use_cache_dir(settings.cache_dir)
    full.model.use_cache_dir(settings.cache_dir)
    router = Router(loaded.model, loaded.version)
    profile = load_profile("default")
    split = corpus_split()
    test = [c.call.text for c in split.test]
    long_calls = sorted(test, key=lambda t: abs(len(t) - 100))[:20]
    hundred = long_calls[0]
    calls = test[:20] if args.quick else test
    repeat = 20 if args.quick else 2000
    batch = (test * 10)[: (50 if args.quick else 1000)]

    router.suggest(hundred, profile)
    single = summarize(timed(lambda: router.suggest(hundred, profile), repeat))
    prepared = prepare(hundred)
    fast_scoring = summarize(timed(lambda: loaded.model.score_texts([prepared]), repeat))
    generic_scoring = summarize(timed(lambda: full.model.score_generic([prepared]), repeat))
    prefixes = [t[:n] for t in calls for n in range(1, len(t) + 1)]
    stream = []
    for prefix in prefixes:
        try:
            stream.extend(timed(lambda p=prefix: router.suggest(p, profile), 1))
        except ValueError:
            continue  # unusable prefixes ("喂，") answer with an error, as the API does
    batch_router = Router(full.model, full.version)
    batch_seconds = timed(lambda: batch_router.suggest_many(batch, profile), 3 if not args.quick else 1)

    train = split.train if not args.quick else split.train[:400]
    baseline = PlainBaseline().fit([c.call.text for c in train], [c.call.matter_type for c in train], [c.call.tier for c in train])
    baseline.predict([hundred])
    base_single = summarize(timed(lambda: baseline.predict([hundred]), repeat))
    base_stream = summarize([s for p in prefixes[:2000] for s in timed(lambda p=p: baseline.predict([p]), 1)])
    base_batch = timed(lambda: baseline.predict(batch), 3 if not args.quick else 1)

    result = {"machine": machine(), "model_version": loaded.version, "call_chars": len(hundred),
              "load_seconds": {"serving_export": round(export_seconds, 3), "full_model": round(full_seconds, 3)},
              "scoring_one_call": {"fast_path": fast_scoring, "scikit_learn_path": generic_scoring},
              "fenliu": {"one_call": single, "keystroke_stream": summarize(stream),
                         "batch": {"calls": len(batch), "seconds": round(min(batch_seconds), 4)}},
              "baseline": {"one_call": base_single, "keystroke_stream": base_stream,
                           "batch": {"calls": len(batch), "seconds": round(min(base_batch), 4)}}}
    print(f"{'':<22}{'fenliu median':>14}{'p99':>9}{'baseline median':>17}{'p99':>9}{'ratio':>8}")
    for key in ("one_call", "keystroke_stream"):
        f, b = result["fenliu"][key], result["baseline"][key]
        print(f"{key:<22}{f['median_ms']:>12.3f}ms{f['p99_ms']:>7.3f}ms{b['median_ms']:>15.3f}ms{b['p99_ms']:>7.3f}ms"
              f"{f['median_ms'] / b['median_ms']:>8.2f}")
    fb, bb = result["fenliu"]["batch"], result["baseline"]["batch"]
    print(f"{'batch of ' + str(fb['calls']):<22}{fb['seconds']:>13.3f}s{'':>9}{bb['seconds']:>16.3f}s{'':>9}{fb['seconds'] / bb['seconds']:>8.2f}")
    fast, generic = result["scoring_one_call"]["fast_path"], result["scoring_one_call"]["scikit_learn_path"]
    print(f"scoring one call: serving scorer {fast['median_ms']:.3f} ms (p99 {fast['p99_ms']:.3f}) vs scikit-learn path "
          f"{generic['median_ms']:.3f} ms (p99 {generic['p99_ms']:.3f}): {generic['median_ms'] / fast['median_ms']:.1f}x faster")
    print(f"importing and loading the model in a fresh interpreter (median): serving export {export_seconds:.3f} s, "
          f"full scikit-learn model {full_seconds:.3f} s")
    write_json(result, args.json)


if __name__ == "__main__":
    main()
