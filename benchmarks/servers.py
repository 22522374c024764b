"""Start a server as a subprocess on a free loopback port, time its start, read its memory."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen
    seconds_to_ready: float
    log: Path
    extra: dict = field(default_factory=dict)

    def rss_mb(self) -> float:
        """Resident memory of the server and all its worker processes."""
        root = psutil.Process(self.process.pid)
        total = 0
        for proc in [root, *root.children(recursive=True)]:
            try:
                total += proc.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        return round(total / 2**20, 1)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start(name: str, command: list[str], env: dict[str, str] | None = None, timeout: float = 300,
          new_session: bool = False) -> Server:
    """Run `command` (which must listen on the port passed as {port}) until /readyz answers 200.
    `new_session` puts it in its own process group, so a crash test can SIGKILL it whole."""
    port = free_port()
    log = Path(tempfile.mkstemp(prefix=f"fenliu-bench-{name}-", suffix=".log")[1])
    argv = [part.replace("{port}", str(port)) for part in command]
    started = time.perf_counter()
    process = subprocess.Popen(argv, env={**os.environ, **(env or {})}, stdout=log.open("w"), stderr=subprocess.STDOUT,
                               start_new_session=new_session)
    url = f"http://127.0.0.1:{port}"
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited during start-up:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/readyz", timeout=0.5).status_code == 200:
                return Server(name, url, process, round(time.perf_counter() - started, 3), log)
        except httpx.HTTPError:
            pass
        time.sleep(0.02)
    process.kill()
    raise RuntimeError(f"{name} was not ready after {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def uvicorn_command(app: str, workers: int, factory: bool = False) -> list[str]:
    return [sys.executable, "-m", "uvicorn", *(["--factory"] if factory else []), app, "--host", "127.0.0.1",
            "--port", "{port}", "--workers", str(workers), "--log-level", "warning", "--no-access-log"]


def fenliu_command(workers: int) -> list[str]:
    return [sys.executable, "-m", "service", "serve", "--port", "{port}", "--workers", str(workers)]
