"""Corpus statistics for `fenliu corpus stats`: what the corpus covers and how varied it is."""
from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from classifier.prepare import prepare
from classifier.segment import Segmenter
from training.corpus import LoadedCall


def corpus_stats(calls: list[LoadedCall], segmenter: Segmenter | None = None) -> dict:
    segmenter = segmenter or Segmenter()
    per_type: dict[str, Counter] = defaultdict(Counter)
    scenarios: dict[str, set[str]] = defaultdict(set)
    boundary: Counter = Counter()
    vocabulary: set[str] = set()
    lengths = np.array([len(i.call.text) for i in calls]) if calls else np.array([0])
    for item in calls:
        call = item.call
        per_type[call.matter_type][f"style:{call.style or '-'}"] += 1
        per_type[call.matter_type][f"tier:{call.tier}"] += 1
        per_type[call.matter_type]["records"] += 1
        if call.boundary:
            boundary[call.matter_type] += 1
        if call.scenario:
            scenarios[call.matter_type].add(call.scenario)
        vocabulary.update(segmenter(prepare(call.text)))
    return {
        "records": len(calls),
        "matter_types": len(per_type),
        "scenarios": sum(len(s) for s in scenarios.values()),
        "vocabulary_words": len(vocabulary),
        "styles": dict(Counter(i.call.style or "-" for i in calls)),
        "tiers": dict(Counter(i.call.tier for i in calls)),
        "sources": dict(Counter(i.call.source or "hand" for i in calls)),
        "length": {"min": int(lengths.min()), "p10": int(np.percentile(lengths, 10)), "median": int(np.median(lengths)),
                   "p90": int(np.percentile(lengths, 90)), "max": int(lengths.max())},
        "per_type": {
            matter: {"records": counts["records"], "scenarios": len(scenarios[matter]),
                     "boundary_share": round(boundary[matter] / counts["records"], 3),
                     **{k: v for k, v in sorted(counts.items()) if k != "records"}}
            for matter, counts in sorted(per_type.items())
        },
    }
