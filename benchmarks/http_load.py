"""Operators typing over HTTP: fenliu against the plain pipeline and an empty endpoint, same run.

    python -m benchmarks.http_load [--quick] [--operators 25,50,100,150,200] [--seconds 15]
                                   [--workers 1] [--json out.json]

Each simulated operator types test calls at 4 characters a second and sends one
`POST /v1/suggest` per character (open loop: a slow answer does not slow the typing). Every
level runs for a bounded time against each server in turn, on loopback only. Prints latency
(median, p99, max), errors, the highest rate held with p99 under 50 ms, server memory after
the load, the time to /readyz, and each fenliu figure as a ratio to both baselines.
Needs an active model in FENLIU_HOME (`fenliu train --promote`).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import time

from benchmarks.common import corpus_split, machine, summarize, write_json
from benchmarks.servers import Server, fenliu_command, start, uvicorn_command
from service.settings import load_settings
from training.registry import Registry

KEYS_PER_SECOND = 4
HELD_P99_MS = 50.0


class Connection:
    """One operator's keep-alive HTTP/1.1 connection on plain asyncio streams: a load generator
    built on a full client library spends more CPU per request than the server it measures."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post_json(self, path: str, payload: dict) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        body = json.dumps(payload, ensure_ascii=False).encode()
        self.writer.write(f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\n"
                          f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        await self.writer.drain()
        status = int((await self.reader.readline()).split()[1])
        length = None
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if length is None:
            raise ConnectionError("response without Content-Length")
        await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


async def _operator(host: str, port: int, calls: list[str], until: float, offset: float,
                    latencies: list[float], errors: list[str]) -> None:
    """Types `calls` at KEYS_PER_SECOND. Latency counts from when the key was due, so a slow answer
    that delays the next keystroke is charged to the server (no coordinated omission)."""
    connection = Connection(host, port)
    due = time.perf_counter() + offset
    try:
        while True:
            for text in calls:
                for end in range(1, len(text) + 1):
                    if due >= until:
                        return
                    delay = due - time.perf_counter()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    try:
                        status = await connection.post_json("/v1/suggest", {"text": text[:end]})
                    except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
                        errors.append(type(exc).__name__)
                        connection.close()
                    else:
                        if status >= 500 or status in (413, 429):
                            errors.append(f"HTTP {status}")
                        else:
                            latencies.append(time.perf_counter() - due)
                    due += 1 / KEYS_PER_SECOND
    finally:
        connection.close()


async def _level(url: str, operators: int, seconds: float, texts: list[str], seed: int) -> dict:
    rng = random.Random(seed)
    host, port = url.removeprefix("http://").split(":")
    latencies: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(*[
        _operator(host, int(port), rng.sample(texts, min(len(texts), 30)), until, rng.random() / KEYS_PER_SECOND,
                  latencies, errors)
        for _ in range(operators)])
    elapsed = time.perf_counter() - started
    stats = summarize(latencies) if latencies else {"n": 0, "median_ms": None, "p99_ms": None, "max_ms": None}
    return {"operators": operators, "offered_rps": operators * KEYS_PER_SECOND,
            "achieved_rps": round(len(latencies) / elapsed, 1), "errors": len(errors),
            "error_kinds": sorted(set(errors))[:5], **stats}


def measure(server: Server, levels: list[int], seconds: float, texts: list[str]) -> dict:
    asyncio.run(_level(server.url, 4, min(2.0, seconds), texts, seed=0))  # warm every worker
    results = [asyncio.run(_level(server.url, n, seconds, texts, seed=n)) for n in levels]
    held = [r["achieved_rps"] for r in results if r["errors"] == 0 and r["p99_ms"] is not None and r["p99_ms"] < HELD_P99_MS]
    return {"levels": results, "held_rps_p99_under_50ms": max(held) if held else 0.0,
            "rss_mb_after_load": server.rss_mb(), "seconds_to_ready": server.seconds_to_ready}


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}" if a and b else "-"


def print_table(result: dict) -> None:
    names = ["fenliu", "plain_pipeline", "empty_endpoint"]
    print(f"\n{'level':<12}{'server':<16}{'rps':>8}{'median':>10}{'p99':>10}{'max':>10}{'errors':>8}")
    for index, level in enumerate(result["fenliu"]["levels"]):
        for name in names:
            row = result[name]["levels"][index]
            print(f"{str(level['operators']) + ' ops':<12}{name:<16}{row['achieved_rps']:>8}"
                  f"{row['median_ms'] or 0:>8.2f}ms{row['p99_ms'] or 0:>8.2f}ms{row['max_ms'] or 0:>8.1f}ms{row['errors']:>8}")
    f, p, e = (result[n] for n in names)
    print(f"\n{'':<28}{'fenliu':>10}{'plain':>10}{'empty':>10}{'÷plain':>8}{'÷empty':>8}")
    for label, key in (("held rps (p99 < 50 ms)", "held_rps_p99_under_50ms"), ("RSS after load, MB", "rss_mb_after_load"),
                       ("seconds to /readyz", "seconds_to_ready")):
        print(f"{label:<28}{f[key]:>10}{p[key]:>10}{e[key]:>10}{_ratio(f[key], p[key]):>8}{_ratio(f[key], e[key]):>8}")
    for index, level in enumerate(f["levels"]):
        pl, el = p["levels"][index], e["levels"][index]
        print(f"{'median at ' + str(level['operators']) + ' ops':<28}{level['median_ms'] or 0:>10}{pl['median_ms'] or 0:>10}"
              f"{el['median_ms'] or 0:>10}{_ratio(level['median_ms'], pl['median_ms']):>8}{_ratio(level['median_ms'], el['median_ms']):>8}")
    print(f"model artifact: {result['model_artifact_mb']} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="two small levels of one second (for tests)")
    parser.add_argument("--operators", default="25,50,100,150,200", help="comma-separated operator counts")
    parser.add_argument("--seconds", type=float, default=15.0, help="duration of each level")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers of every server")
    parser.add_argument("--json", default=None, help="also write the results to this file")
    args = parser.parse_args()
    levels = [2, 4] if args.quick else [int(n) for n in args.operators.split(",")]
    seconds = 1.0 if args.quick else args.seconds
    settings = load_settings()
    registry = Registry(settings.home, settings.signing_key.get_secret_value() if settings.signing_key else None)
    version = registry.active_version()
    artifact_mb = round(sum(p.stat().st_size for p in (registry.root / version).rglob("*") if p.is_file()) / 2**20, 2)
    texts = [c.call.text for c in corpus_split().test if len(c.call.text) >= 8]

    result: dict = {"machine": machine(), "model_version": version, "model_artifact_mb": artifact_mb,
                    "keys_per_second": KEYS_PER_SECOND, "seconds_per_level": seconds, "workers": args.workers}
    commands = {
        # Every simulated operator comes from 127.0.0.1: lift the per-client rate limit, which is
        # meant for one operator's desk, not for a whole room behind one address.
        "fenliu": (fenliu_command(args.workers), {"FENLIU_RATE_LIMIT_PER_MINUTE": "10000000"}),
        "plain_pipeline": (uvicorn_command("benchmarks.baseline_apps:plain_app", args.workers, factory=True),
                           {"FENLIU_BENCH_TRAIN_LIMIT": "400"} if args.quick else {}),
        "empty_endpoint": (uvicorn_command("benchmarks.baseline_apps:empty_app", args.workers), {}),
    }
    for name, (command, env) in commands.items():
        server = start(name, command, env)
        try:
            print(f"{name}: ready in {server.seconds_to_ready:.2f} s; running {len(levels)} levels of {seconds:.0f} s …", flush=True)
            result[name] = measure(server, levels, seconds, texts)
        finally:
            server.stop()
    print_table(result)
    write_json(result, args.json)


if __name__ == "__main__":
    main()
