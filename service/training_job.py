"""One training job, run as a child process of a serving worker (see service/training_jobs.py).

    python -m service.training_job --job ID [--promote] [--force] [--extra FILE]
                                   [--base-file FILE ...] [--split-file FILE]

Reports progress and the outcome in the jobs table; exit 0 when the job ran (promoted or not).
"""
from __future__ import annotations

import argparse
import logging
from pathlib import Path

from service.logging_setup import configure_json_logging
from service.settings import load_settings
from service.storage import Storage
from training.registry import Registry
from training.corpus import BaseCorpus
from training.workflow import train_and_register

log = logging.getLogger("fenliu.jobs")
STEPS = 12


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--job", required=True)
    parser.add_argument("--promote", action="store_true")
    parser.add_argument("--force", action="store_true")
    parser.add_argument("--extra", type=Path, default=None)
    parser.add_argument("--base-file", type=Path, action="append", default=None)
    parser.add_argument("--split-file", type=Path, required=True)
    args = parser.parse_args(argv)
    settings = load_settings()
    configure_json_logging(settings.log_level)
    storage = Storage.for_home(settings.home, settings.database_url)
    registry = Registry(settings.home, settings.signing_key.get_secret_value() if settings.signing_key else None)
    base = BaseCorpus(files=tuple(args.base_file) if args.base_file else None, split_file=args.split_file)
    done = [0]

    def progress(message: str) -> None:
        done[0] += 1
        storage.update_job(args.job, status="running", progress=min(0.99, done[0] / STEPS), message=message)

    try:
        outcome = train_and_register(registry, [args.extra] if args.extra else [], promote=args.promote, force=args.force,
                                     progress=progress, base=base)
    except Exception as exc:  # noqa: BLE001 - the job row carries the reason to the trainer
        log.exception("training job %s failed", args.job)
        storage.update_job(args.job, status="failed", message=f"{type(exc).__name__}: {exc}")
        return 1
    metrics = outcome.result.metrics
    storage.update_job(args.job, status="succeeded", progress=1.0, message=outcome.reason,
                       result={"version": outcome.version, "promoted": outcome.promoted, "reason": outcome.reason,
                               "macro_f1": metrics.get("macro_f1"), "under_triage_rate": metrics.get("under_triage_rate"),
                               "misrouting_rate": metrics.get("misrouting_rate")})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
