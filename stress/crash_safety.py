"""Crash safety: every acknowledged call survives a SIGKILL of the server, stored exactly once.

    python -m stress.crash_safety [--calls 2000] [--kill-after 800] [--workers 2] [--json out.json]

Sends a stream of `POST /v1/calls` from several concurrent desks, each with an idempotency
key (as the console does), kills the whole server with SIGKILL part-way, restarts it, retries
every call that got no answer (and, to prove de-duplication, every acknowledged one too) with
the same key, then checks the database: each acknowledged key is stored once. Needs an active
model in FENLIU_HOME. Loopback only; bounded by the call count.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import threading
import time
import uuid

import httpx

from benchmarks.servers import fenliu_command, start
from service.settings import load_settings
from service.storage import Storage

TEXTS = ["小区从早上开始停水了", "楼下有人占道摆摊卖水果", "工地晚上十二点还在打桩", "单元门口的路灯坏了一个星期",
         "老板拖欠我们三个月工资", "电梯困人，里面有两个老人", "菜市场的秤缺斤短两", "家里闻到很浓的煤气味"]


async def _desk(client: httpx.AsyncClient, url: str, jobs: asyncio.Queue, acked: dict, unanswered: dict) -> None:
    while True:
        try:
            key, body = jobs.get_nowait()
        except asyncio.QueueEmpty:
            return
        try:
            response = await client.post(f"{url}/v1/calls", json={**body, "idempotency_key": key})
        except httpx.HTTPError:
            unanswered[key] = body
            continue
        if response.status_code in (200, 201):
            acked[key] = response.json()["id"]
        else:
            unanswered[key] = body


async def _send(url: str, calls: dict, desks: int, acked: dict, unanswered: dict) -> None:
    jobs: asyncio.Queue = asyncio.Queue()
    for item in calls.items():
        jobs.put_nowait(item)
    async with httpx.AsyncClient(timeout=5) as client:
        await asyncio.gather(*[_desk(client, url, jobs, acked, unanswered) for _ in range(desks)])


def _kill_when(server, acked: dict, threshold: int) -> None:
    while len(acked) < threshold:
        time.sleep(0.005)
    os.killpg(server.process.pid, signal.SIGKILL)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--kill-after", type=int, default=800, help="acknowledged calls before the SIGKILL")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--desks", type=int, default=8, help="concurrent senders")
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    settings = load_settings()
    run = uuid.uuid4().hex[:8]
    calls = {f"crash-{run}-{n:05d}": {"text": f"{TEXTS[n % len(TEXTS)]}（第{n}次）", "operator_id": f"crash-{run}",
                                      "chosen": {"matter_type": "water_supply", "tier": "urgent"}} for n in range(args.calls)}
    env = {"FENLIU_RATE_LIMIT_PER_MINUTE": "10000000"}
    acked: dict[str, str] = {}
    unanswered: dict[str, dict] = {}

    server = start("crash", fenliu_command(args.workers), env, new_session=True)
    killer = threading.Thread(target=_kill_when, args=(server, acked, args.kill_after), daemon=True)
    killer.start()
    asyncio.run(_send(server.url, calls, args.desks, acked, unanswered))
    killer.join(timeout=10)
    server.process.wait(timeout=10)
    acked_before_kill = dict(acked)
    print(f"killed the server (SIGKILL) after {len(acked_before_kill)} acknowledged calls; "
          f"{len(unanswered)} got no answer", flush=True)

    server = start("crash-restarted", fenliu_command(args.workers), env, new_session=True)
    try:
        retry = {**unanswered, **{k: calls[k] for k in acked_before_kill}}
        unanswered.clear()
        asyncio.run(_send(server.url, retry, args.desks, acked, unanswered))
    finally:
        server.stop()

    storage = Storage.for_home(settings.home, settings.database_url)
    stored = [row["idempotency_key"] for row in storage.recent_calls(f"crash-{run}", limit=args.calls * 2)]
    counts: dict[str, int] = {}
    for key in stored:
        counts[key] = counts.get(key, 0) + 1
    lost = [k for k in acked_before_kill if counts.get(k, 0) == 0]
    doubled = [k for k, n in counts.items() if n > 1]
    changed_id = [k for k, call_id in acked_before_kill.items() if acked.get(k) != call_id]
    result = {"calls": args.calls, "acknowledged_before_kill": len(acked_before_kill), "stored": len(stored),
              "acknowledged_in_total": len(acked), "lost": len(lost), "stored_twice": len(doubled),
              "retry_answered_with_another_id": len(changed_id), "still_unanswered": len(unanswered)}
    print(json.dumps(result, ensure_ascii=False))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(result, handle)
    ok = not lost and not doubled and not changed_id and not unanswered and len(stored) == args.calls
    print("PASS: every acknowledged call stored exactly once" if ok else "FAIL", flush=True)
    if not ok:
        sys.exit(1)
    return result


if __name__ == "__main__":
    main()
