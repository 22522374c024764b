"""Through a real `fenliu serve` on a loopback port: the same contract as over TestClient."""
from __future__ import annotations

import threading
from pathlib import Path

import httpx
import psutil
import pytest

from service.storage import Storage
from service.tokens import create_token
from training.registry import Registry


def test_suggest_over_real_http(live_server):
    response = httpx.post(f"{live_server}/v1/suggest", json={"text": "东门路口自来水管爆了水冲到马路上", "profile": "yongjia"})
    assert response.status_code == 200
    body = response.json()
    assert body["department"]["name"] in {"县水务集团", "燃气公司", "县质监局", "县人劳社保局", "县规划建设局", "县公安局"}
    assert response.headers["content-type"].startswith("application/json")


def test_errors_and_auth_over_real_http(live_server, model_home):
    assert httpx.post(f"{live_server}/v1/suggest", json={"text": "水" * 5000}).status_code == 413
    assert httpx.post(f"{live_server}/v1/suggest", content=b"{", headers={"content-type": "application/json"}).status_code == 400
    assert httpx.get(f"{live_server}/v1/admin/models").status_code == 401
    storage = Storage.for_home(model_home)
    operator = create_token(storage, "operator", "live")
    trainer = create_token(storage, "trainer", "live")
    assert httpx.get(f"{live_server}/v1/admin/models", headers={"Authorization": f"Bearer {operator}"}).status_code == 403
    assert httpx.get(f"{live_server}/v1/admin/models", headers={"Authorization": f"Bearer {trainer}"}).status_code == 200


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads Linux /proc memory maps")
def test_the_server_serves_the_signed_export_without_unpickling(live_server_process):
    """The model reaches the server as plain arrays (serving.npz), not as a pickle: scikit-learn
    and SciPy, whose compiled parts would show in its memory maps, are never loaded into it.
    That is also what keeps its start under 3 s."""
    process, url = live_server_process
    assert httpx.get(f"{url}/readyz").json()["status"] == "ready"
    loaded = Path(f"/proc/{process.pid}/maps").read_text() + "".join(
        Path(f"/proc/{child.pid}/maps").read_text() for child in psutil.Process(process.pid).children(recursive=True))
    assert "numpy" in loaded, "no numpy in the memory maps: the check would prove nothing"
    assert "/sklearn/" not in loaded and "/scipy/" not in loaded


def test_metrics_and_readiness_over_real_http(live_server):
    assert httpx.get(f"{live_server}/readyz").json()["status"] == "ready"
    assert "fenliu_request_seconds" in httpx.get(f"{live_server}/metrics").text


def test_model_swap_during_a_burst_drops_nothing(live_server, model_home, tiny_model):
    """Promote and roll back repeatedly while 4 clients send suggestions: every request succeeds."""
    registry = Registry(model_home)
    original = registry.active_version()
    other = registry.save(tiny_model, {"note": "swap target"})
    storage = Storage.for_home(model_home)
    trainer = {"Authorization": f"Bearer {create_token(storage, 'trainer', 'swap')}"}
    statuses: list[int] = []
    versions: set[str] = set()
    stop = threading.Event()

    def client() -> None:
        with httpx.Client(base_url=live_server, timeout=10) as http:
            while not stop.is_set():
                response = http.post("/v1/suggest", json={"text": "小区停水了，整栋楼都没水"})
                statuses.append(response.status_code)
                if response.status_code == 200:
                    versions.add(response.json()["model_version"])

    workers = [threading.Thread(target=client) for _ in range(4)]
    for worker in workers:
        worker.start()
    with httpx.Client(base_url=live_server, timeout=30, headers=trainer) as admin:
        for _ in range(3):
            assert admin.post(f"/v1/admin/models/{other}/promote").status_code == 200
            assert admin.post("/v1/admin/models/rollback").status_code == 200
    stop.set()
    for worker in workers:
        worker.join()
    assert statuses and set(statuses) == {200}
    assert versions == {original, other}
    assert registry.active_version() == original
