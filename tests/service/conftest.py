"""Service fixtures: a home with the tiny model active, a TestClient, tokens, a live server."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import Settings
from service.storage import Storage
from service.tokens import create_token
from training.registry import Registry
from training.corpus import BaseCorpus


@pytest.fixture(scope="module")
def model_home(tmp_path_factory, tiny_model) -> Path:
    home = tmp_path_factory.mktemp("home")
    registry = Registry(home)
    registry.promote(registry.save(tiny_model, {"metrics": {"macro_f1": 0.9}}))
    return home


@pytest.fixture
def settings(model_home: Path) -> Settings:
    return Settings(home=model_home)


@pytest.fixture
def client(settings: Settings, tiny_split: Path):
    from tests.conftest import TINY_CALLS

    app = create_app(settings, base_corpus=BaseCorpus(files=(TINY_CALLS,), split_file=tiny_split))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def tokens(settings: Settings) -> dict[str, str]:
    storage = Storage.for_home(settings.home)
    storage.migrate()
    return {role: create_token(storage, role, f"test {role}") for role in ("operator", "trainer", "admin")}


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def live_server_process(model_home: Path):
    """A real `fenliu serve` on a free loopback port; yields (process, base URL)."""
    port = free_port()
    # One test client stands for a whole room of desks: lift the per-client rate limit.
    env = {**os.environ, "FENLIU_HOME": str(model_home), "FENLIU_LOG_LEVEL": "info", "FENLIU_RATE_LIMIT_PER_MINUTE": "1000000"}
    log = open(model_home / "server.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "service", "serve", "--port", str(port), "--workers", "1"],
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise RuntimeError((model_home / "server.log").read_text())
        time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError("server did not become ready: " + (model_home / "server.log").read_text())
    yield process, url
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture(scope="module")
def live_server(live_server_process) -> str:
    """The live server's base URL."""
    return live_server_process[1]
