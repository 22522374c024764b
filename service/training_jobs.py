"""Training jobs started over HTTP: one at a time, each in a child process (`service.training_job`)
watched by a thread, progress in the database. Training in the serving process would hold its
GIL for minutes and keep its peak memory for good."""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from service.model_holder import ModelHolder
from service.storage import Storage
from training.corpus import BaseCorpus

log = logging.getLogger("fenliu.jobs")


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
        """Wait for the training child; the serving process keeps its own memory and GIL free."""
        try:
            extra = self._export_training_rows()
            command = [sys.executable, "-m", "service.training_job", "--job", job_id, "--split-file", str(self.base.split_file)]
            command += ["--promote"] if promote else []
            command += ["--force"] if force else []
            command += [arg for path in (self.base.files or ()) for arg in ("--base-file", str(path))]
            command += ["--extra", str(extra)] if extra else []
            env = {**os.environ, "FENLIU_HOME": str(self.home), "FENLIU_DATABASE_URL": self.storage.url}
            child = subprocess.run(command, env=env)  # its log lines go to the server's log
            job = self.storage.get_job(job_id)
            if child.returncode != 0 and job and job["status"] not in ("succeeded", "failed"):
                self.storage.update_job(job_id, status="failed",
                                        message=f"the training process ended with exit code {child.returncode}; see the server log")
            self.holder.load_active()  # this worker at once (a no-op if unchanged); others follow ACTIVE
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
