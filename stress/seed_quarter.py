"""Seed a quarter of simulated hand-over records (for trying `fenliu report` and the dispatch board).

    python -m stress.seed_quarter --quarter 2026Q3 --profile chengkou [--calls 400] [--seed 7]

Writes into FENLIU_HOME's database: calls spread over the quarter, each dispatched to its
profile unit, most arrived and closed within the limits, some late, some sent back and
re-routed, some followed up with 三满意 answers. Simulated data, marked with operator ids
`seed-…`; never mix it into a production database.
"""
from __future__ import annotations

import argparse
import random
from datetime import timedelta, timezone

import service.storage as storage_module
from corpus.jurisdiction import load_profile
from service.lifecycle import Event
from service.reports import quarter_bounds
from service.settings import load_settings
from service.storage import NewCall, Storage

CALLS = [("water_supply", "urgent", "小区停水一天了"), ("price", "routine", "停车场乱收费"),
         ("street_vending", "routine", "路口占道摆摊"), ("living_noise", "routine", "楼上装修太吵"),
         ("labor_wage", "routine", "老板拖欠工资"), ("power", "urgent", "整条街停电"),
         ("food_drug", "routine", "超市卖过期食品"), ("construction_noise", "urgent", "工地夜里打桩"),
         ("consumer_rights", "routine", "预付卡退不了钱"), ("municipal_facility", "urgent", "路面塌了个坑")]
WRONG_FIRST = {"price": "consumer_rights", "food_drug": "consumer_rights", "living_noise": "construction_noise"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quarter", required=True)
    parser.add_argument("--profile", required=True)
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    settings = load_settings()
    profile = load_profile(args.profile, settings.county_profiles_dir)
    storage = Storage.for_home(settings.home, settings.database_url)
    storage.migrate()
    rng = random.Random(args.seed)
    start, end = quarter_bounds(args.quarter)
    span = (end - start).total_seconds()
    for n in range(args.calls):
        matter, tier, text = rng.choice(CALLS)
        started = (start + timedelta(seconds=rng.uniform(0, span - 8 * 86400))).astimezone(timezone.utc)
        recorded_at = started + timedelta(seconds=rng.choice([60, 90, 120, 150, 170, 200, 260]))
        first = WRONG_FIRST.get(matter) if rng.random() < 0.12 else None
        chosen = first or matter
        storage_module.now = lambda at=recorded_at: at  # the record's own clock
        call_id, _ = storage.record_call(NewCall(
            text=f"{text}（模拟{n}）", operator_id=f"seed-{rng.randint(1, 6)}", profile=profile.code, model_version="seed",
            suggestion=None, chosen_matter_type=chosen, chosen_unit=profile.route(chosen).unit,
            chosen_department=profile.route(chosen).department, chosen_tier=tier, started_at=started))
        at = recorded_at
        if first:
            at += timedelta(hours=rng.uniform(1, 20))
            storage.add_event(call_id, Event("sent_back", at, unit=profile.route(first).unit, reason="不属本单位职责"))
            at += timedelta(minutes=rng.uniform(5, 60))
            storage.add_event(call_id, Event("dispatched", at, unit=profile.route(matter).unit, matter_type=matter))
        at += timedelta(minutes=rng.uniform(20, 180))
        storage.add_event(call_id, Event("arrived", at))
        if rng.random() < 0.9:
            at += timedelta(hours=rng.choice([2, 4, 6, 20, 24, 28, 44, 70]))
            storage.add_event(call_id, Event("closed", at, result="已处置"))
            if rng.random() < 0.6:
                at += timedelta(days=rng.uniform(1, 5))
                satisfied = {key: rng.random() < p for key, p in (("result", 0.85), ("efficiency", 0.8), ("attitude", 0.92))}
                storage.add_event(call_id, Event("followed_up", at, detail={"satisfied": satisfied}))
    print(f"seeded {args.calls} simulated calls for {profile.code} in {args.quarter} into {storage.url}")


if __name__ == "__main__":
    main()
