"""Prometheus metrics. With several workers, `fenliu serve` sets PROMETHEUS_MULTIPROC_DIR and
/metrics aggregates every worker's files."""
from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess

REQUEST_SECONDS = Histogram("fenliu_request_seconds", "Request latency by route", ["route", "method", "status"],
                            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10))
PREDICTIONS = Counter("fenliu_predictions_total", "Suggestions by matter type and tier", ["matter_type", "tier"])
NEEDS_HUMAN = Counter("fenliu_needs_human_total", "Suggestions marked for a human")
CALLS_RECORDED = Counter("fenliu_calls_recorded_total", "Calls recorded by operators")
CORRECTIONS = Counter("fenliu_corrections_total", "Recorded calls whose route differed from the suggestion")


def render() -> tuple[bytes, str]:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
