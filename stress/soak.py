"""Soak: operators typing at a steady rate for minutes, with a training job and a model swap in
the middle. Counts failed requests and samples the server's memory.

    python -m stress.soak [--minutes 10] [--operators 50] [--workers 2] [--quick] [--json out.json]

50 operators at 4 keys a second is 200 requests/s. A third of the way in, an admin token starts
`POST /v1/admin/train` (promote, force); when it ends, the new model is swapped in by every
worker. Memory (all server processes) is sampled every few seconds; growth is the last sample
against the first one after warm-up. `--quick` runs 20 s and swaps by promoting a stored
version instead of training (for tests). Needs an active model in FENLIU_HOME; loopback only.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import threading
import time

import httpx

from benchmarks.common import corpus_split
from benchmarks.http_load import _level
from benchmarks.servers import fenliu_command, start
from service.settings import load_settings
from service.storage import Storage
from service.tokens import create_token
from training.registry import Registry


def _swap(url: str, token: str, quick: bool, events: list[str], other_version: str | None) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    if quick:
        answer = httpx.post(f"{url}/v1/admin/models/{other_version}/promote", headers=headers, timeout=60)
        events.append(f"promoted {other_version}: HTTP {answer.status_code}")
        return
    job = httpx.post(f"{url}/v1/admin/train", json={"promote": True, "force": True}, headers=headers, timeout=30).json()
    events.append(f"training job {job.get('job_id')} started")
    while True:
        time.sleep(5)
        status = httpx.get(f"{url}{job['status_url']}", headers=headers, timeout=30).json()
        if status["status"] in ("succeeded", "failed"):
            events.append(f"training job {status['status']}: {status.get('message')}")
            return


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--operators", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    seconds = 20.0 if args.quick else args.minutes * 60
    settings = load_settings()
    registry = Registry(settings.home, settings.signing_key.get_secret_value() if settings.signing_key else None)
    active = registry.active_version()
    other = next((v for v in reversed(registry.versions()) if v != active), active)
    storage = Storage.for_home(settings.home, settings.database_url)
    storage.migrate()
    token = create_token(storage, "admin", "soak test")
    texts = [c.call.text for c in corpus_split().test if len(c.call.text) >= 8]

    server = start("soak", fenliu_command(args.workers), {"FENLIU_RATE_LIMIT_PER_MINUTE": "10000000"})
    samples: list[tuple[float, float]] = []
    events: list[str] = []
    stop = threading.Event()

    def sample_memory() -> None:
        began = time.monotonic()
        while not stop.is_set():
            samples.append((round(time.monotonic() - began, 1), server.rss_mb()))
            stop.wait(2 if args.quick else 10)

    def swap_later() -> None:
        if not stop.wait(seconds / 3):
            _swap(server.url, token, args.quick, events, other)

    threads = [threading.Thread(target=sample_memory, daemon=True), threading.Thread(target=swap_later, daemon=True)]
    for thread in threads:
        thread.start()
    try:
        load = asyncio.run(_level(server.url, args.operators, seconds, texts, seed=11))
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=600)
        served_by = httpx.get(f"{server.url}/readyz", timeout=10).json().get("model_version")
        server.stop()
    warm = [mb for at, mb in samples if at >= min(30.0, seconds / 4)] or [mb for _, mb in samples]
    growth = round((warm[-1] - warm[0]) / warm[0] * 100, 1) if warm else None
    result = {"seconds": seconds, "operators": args.operators, "requests": load["n"], "failed": load["errors"],
              "failure_kinds": load["error_kinds"], "median_ms": load["median_ms"], "p99_ms": load["p99_ms"],
              "max_ms": load["max_ms"], "achieved_rps": load["achieved_rps"], "events": events,
              "model_before": active, "model_after": served_by, "rss_mb_first": warm[0] if warm else None,
              "rss_mb_last": warm[-1] if warm else None, "rss_growth_percent": growth, "rss_samples": samples}
    print(json.dumps({k: v for k, v in result.items() if k != "rss_samples"}, ensure_ascii=False, indent=1))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(result, handle, ensure_ascii=False)
    return result


if __name__ == "__main__":
    main()
