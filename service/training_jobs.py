"""Training jobs started over HTTP: one at a time, in a background thread, progress in the database."""
from __future__ import annotations

import json
import logging
import tempfile
import threading
from pathlib import Path

from service.model_holder import ModelHolder
from service.storage import Storage
from training.workflow import BaseCorpus, train_and_register

log = logging.getLogger("fenliu.jobs")
STEPS = 12


class TrainingJobs:
    def __init__(self, storage: Storage, holder: ModelHolder, home: Path, base: BaseCorpus = BaseCorpus()):
        self.base = base
        self.storage = storage
        self.holder = holder
        self.home = Path(home)
        self._running = threading.Lock()

    def busy(self) -> bool:
        return self._running.locked()

    def start(self, promote: bool, force: bool) -> str | None:
        """Start a job, or None if one is already running."""
        if not self._running.acquire(blocking=False):
            return None
        job_id = self.storage.create_job("train")
        thread = threading.Thread(target=self._run, args=(job_id, promote, force), name=f"train-{job_id[:8]}", daemon=True)
        thread.start()
        return job_id

    def _run(self, job_id: str, promote: bool, force: bool) -> None:
        done = [0]

        def progress(message: str) -> None:
            done[0] += 1
            self.storage.update_job(job_id, status="running", progress=min(0.99, done[0] / STEPS), message=message)

        try:
            extra = self._export_training_rows()
            outcome = train_and_register(self.holder.registry, [extra] if extra else [], promote=promote, force=force,
                                         progress=progress, base=self.base)
            if outcome.promoted:
                self.holder.load_active()
            metrics = outcome.result.metrics
            self.storage.update_job(job_id, status="succeeded", progress=1.0, message=outcome.reason,
                                    result={"version": outcome.version, "promoted": outcome.promoted, "reason": outcome.reason,
                                            "macro_f1": metrics.get("macro_f1"), "under_triage_rate": metrics.get("under_triage_rate"),
                                            "misrouting_rate": metrics.get("misrouting_rate")})
        except Exception as exc:  # noqa: BLE001 - a job reports its failure instead of dying silently
            log.exception("training job %s failed", job_id)
            self.storage.update_job(job_id, status="failed", message=f"{type(exc).__name__}: {exc}")
        finally:
            self._running.release()

    def _export_training_rows(self) -> Path | None:
        """Imported labelled calls and operators' corrections, as one JSONL file for the trainer."""
        rows = self.storage.labelled() + [
            {k: v for k, v in c.items() if k in ("text", "matter_type", "tier", "source", "profile", "department")}
            for c in self.storage.corrections()]
        if not rows:
            return None
        folder = self.home / "jobs"
        folder.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile("w", suffix=".jsonl", dir=folder, delete=False, encoding="utf-8")
        with handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        return Path(handle.name)
