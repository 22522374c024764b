"""The HTTP API through TestClient: every route, the error shape, auth, limits."""
from __future__ import annotations

import json

import pytest

from tests.service.conftest import auth

WATER = "我们小区一整天都没水了，水龙头一滴都没有"


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"])
    return body["error"]


def test_suggest_returns_the_prediction_object(client):
    response = client.post("/v1/suggest", json={"text": WATER, "profile": "chengkou"})
    assert response.status_code == 200
    body = response.json()
    assert body["matter_type"] == "water_supply"
    assert body["department"]["name"] == "县惠民公司"
    assert response.headers["x-request-id"]


def test_suggest_uses_the_default_profile(client):
    assert client.post("/v1/suggest", json={"text": WATER}).json()["profile"] == "default"


@pytest.mark.parametrize("request_kwargs, status, code", [
    ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 400, "invalid_json"),
    ({"json": {"txt": "停水"}}, 422, "invalid_fields"),
    ({"json": {"text": 12}}, 422, "invalid_fields"),
    ({"json": {"text": "停水", "profile": "atlantis"}}, 404, "unknown_profile"),
    ({"json": {"text": "！！！"}}, 422, "unusable_text"),
    ({"json": {"text": "水" * 2001}}, 413, "text_too_long"),
    ({"content": b'{"text": "\xff\xfe"}', "headers": {"content-type": "application/json"}}, 400, "invalid_json"),
    ({"content": b'{"text": "' + b"a" * 70000 + b'"}', "headers": {"content-type": "application/json"}}, 413, "body_too_large"),
])
def test_suggest_errors(client, request_kwargs, status, code):
    response = client.post("/v1/suggest", **request_kwargs)
    assert response.status_code == status
    assert error_of(response)["code"] == code


def test_wrong_content_type_is_a_4xx(client):
    response = client.post("/v1/suggest", content="text=停水", headers={"content-type": "application/x-www-form-urlencoded"})
    assert 400 <= response.status_code < 500
    error_of(response)


def test_contract_routes(client):
    taxonomy = client.get("/v1/taxonomy").json()
    assert len(taxonomy["matter_types"]) == 50 and len(taxonomy["departments"]) == 24
    profiles = client.get("/v1/profiles").json()
    assert {p["code"] for p in profiles["profiles"]} >= {"default", "huangchuan", "yongjia", "liangzhou", "chengkou", "ziyang"}
    chengkou = client.get("/v1/profiles/chengkou").json()
    assert chengkou["routes"]["water_supply"]["unit"] == "县惠民公司"
    assert error_of(client.get("/v1/profiles/atlantis"))["code"] == "unknown_profile"


def test_health_ready_metrics_docs(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["model_version"]
    client.post("/v1/suggest", json={"text": WATER})
    metrics = client.get("/metrics").text
    assert "fenliu_request_seconds_bucket" in metrics and "fenliu_predictions_total" in metrics
    assert client.get("/docs").status_code == 200
    assert "/v1/suggest" in client.get("/openapi.json").json()["paths"]


def _record(client, text=WATER, chosen=None, key=None, **extra):
    suggestion = client.post("/v1/suggest", json={"text": text, "profile": "chengkou"}).json()
    body = {"text": text, "operator_id": "op-7", "profile": "chengkou", "suggestion": suggestion,
            "chosen": chosen or {"matter_type": suggestion["matter_type"], "tier": suggestion["tier"]}, **extra}
    if key:
        body["idempotency_key"] = key
    return client.post("/v1/calls", json=body), suggestion


def test_recording_a_call_stores_masked_text_and_the_route(client):
    response, suggestion = _record(client, text=WATER + "，我电话13912345678")
    assert response.status_code == 201
    call_id = response.json()["id"]
    stored = client.get("/v1/calls", params={"operator_id": "op-7"}).json()["calls"]
    row = next(c for c in stored if c["id"] == call_id)
    assert "13912345678" not in row["text_masked"] and "〔电话〕" in row["text_masked"]
    assert row["chosen_unit"] == "县惠民公司" and row["corrected"] is False
    assert row["model_version"] == suggestion["model_version"]


def test_a_retried_confirm_is_stored_once(client):
    first, _ = _record(client, key="confirm-123456")
    second, _ = _record(client, key="confirm-123456")
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["id"] == second.json()["id"]


def test_a_different_route_is_a_correction_and_is_exported(client, tokens):
    response, _ = _record(client, text="楼道里电动车烧起来了冒黑烟", chosen={"matter_type": "fire", "tier": "emergency"})
    assert response.status_code == 201
    _record(client, text="楼上漏水滴到我家天花板", chosen={"matter_type": "property_housing", "tier": "routine"})
    export = client.get("/v1/admin/corrections/export", headers=auth(tokens["trainer"]))
    assert export.status_code == 200
    rows = [json.loads(line) for line in export.text.splitlines()]
    assert any(r["matter_type"] == "property_housing" and r["source"] == "operator_correction" for r in rows)


def test_recording_an_unknown_matter_type_is_refused(client):
    response, _ = _record(client, chosen={"matter_type": "gass", "tier": "urgent"})
    assert response.status_code == 422 and "gass" in error_of(response)["message"]


ADMIN_ROUTES = [("post", "/v1/admin/calls/import"), ("get", "/v1/admin/corrections/export"), ("post", "/v1/admin/train"),
                ("get", "/v1/admin/jobs/x"), ("get", "/v1/admin/models"), ("post", "/v1/admin/models/x/promote"),
                ("post", "/v1/admin/models/rollback"), ("get", "/v1/admin/reports/2026Q3")]


def test_every_admin_route_is_listed_here(client):
    """A new trainer/admin route must be added to ADMIN_ROUTES so the auth tests cover it."""
    paths = client.app.openapi()["paths"]
    app_routes = {(method, path) for path, operations in paths.items() if path.startswith("/v1/admin") for method in operations}
    listed = {(m, p.replace("/jobs/x", "/jobs/{job_id}").replace("/models/x/", "/models/{version}/")
              .replace("/reports/2026Q3", "/reports/{quarter}")) for m, p in ADMIN_ROUTES}
    assert app_routes == listed


@pytest.mark.parametrize("method, path", ADMIN_ROUTES)
def test_admin_routes_need_a_trainer_token(client, tokens, method, path):
    assert error_of(client.request(method, path))["code"] == "unauthorized"
    assert client.request(method, path).status_code == 401
    assert client.request(method, path, headers={"Authorization": "Bearer fl_nope_nope"}).status_code == 401
    assert client.request(method, path, headers={"Authorization": "Basic abc"}).status_code == 401
    forbidden = client.request(method, path, headers=auth(tokens["operator"]))
    assert forbidden.status_code == 403 and error_of(forbidden)["code"] == "forbidden"


def test_import_is_all_or_nothing(client, tokens):
    good = [{"text": f"县城{n}号路口有人摆摊卖{fruit}，占了半条人行道", "matter_type": "street_vending", "tier": "routine"}
            for n, fruit in [(1, "西瓜"), (2, "葡萄"), (3, "桃子")]]
    lines = [json.dumps(g, ensure_ascii=False) for g in good]
    bad = lines[:2] + ['{"text": "有人摆摊", "matter_type": "street_vendor", "tier": "routine"}'] + lines[2:]
    response = client.post("/v1/admin/calls/import", content="\n".join(bad).encode(), headers=auth(tokens["trainer"]))
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["code"] == "invalid_records" and body["problems"][0]["line"] == 3
    assert client.app.state.storage.labelled() == []
    ok = client.post("/v1/admin/calls/import", content="\n".join(lines).encode(), headers=auth(tokens["trainer"]))
    assert ok.status_code == 201 and ok.json()["imported"] == 3
    assert len(client.app.state.storage.labelled()) == 3


def test_one_bad_line_among_thousands_imports_nothing_and_is_named(client, tokens):
    import random

    rng = random.Random(5)
    characters = [chr(c) for c in range(0x4E00, 0x9FA5)]
    lines = [json.dumps({"text": f"第{n}条：" + "".join(rng.choices(characters, k=24)), "matter_type": "street_vending",
                         "tier": "routine"}, ensure_ascii=False) for n in range(3000)]
    lines[2468] = lines[2468].replace('"routine"', '"routinely"')
    before = len(client.app.state.storage.labelled())
    response = client.post("/v1/admin/calls/import", content="\n".join(lines).encode(), headers=auth(tokens["trainer"]))
    assert response.status_code == 422
    problem = response.json()["error"]["problems"][0]
    assert problem["line"] == 2469 and problem["field"] == "tier"
    assert len(client.app.state.storage.labelled()) == before


@pytest.mark.parametrize("text", [
    "'); DROP TABLE calls; -- 小区停水",
    "<script>alert('停水')</script>楼下停水",
    '" OR 1=1 -- <img src=x onerror=alert(1)> 路灯坏了',
])
def test_hostile_strings_are_stored_verbatim(client, text):
    response, _ = _record(client, text=text, chosen={"matter_type": "water_supply", "tier": "urgent"})
    assert response.status_code == 201
    stored = client.get("/v1/calls", params={"limit": 1}).json()["calls"][0]
    assert stored["text_masked"] == text
    assert client.app.state.storage.count_calls() >= 1


def test_import_of_invalid_utf8_names_the_line(client, tokens):
    response = client.post("/v1/admin/calls/import", content=b'{"text": "ok"}\n\xff\xfe', headers=auth(tokens["trainer"]))
    assert response.status_code == 400 and "line 2" in error_of(response)["message"]


def test_models_promote_and_rollback_routes(client, tokens, tiny_model):
    registry = client.app.state.holder.registry
    before = registry.active_version()
    new = registry.save(tiny_model, {"note": "second"})
    promoted = client.post(f"/v1/admin/models/{new}/promote", headers=auth(tokens["trainer"]))
    assert promoted.status_code == 200 and promoted.json()["active"] == new
    assert client.post("/v1/suggest", json={"text": WATER}).json()["model_version"] == new
    rolled = client.post("/v1/admin/models/rollback", headers=auth(tokens["admin"]))
    assert rolled.json()["active"] == before
    assert client.post("/v1/suggest", json={"text": WATER}).json()["model_version"] == before
    assert error_of(client.post("/v1/admin/models/nonexistent/promote", headers=auth(tokens["trainer"])))["code"] == "not_found"


def test_training_job_runs_in_the_background(client, tokens):
    import time

    started = client.post("/v1/admin/train", json={"promote": False}, headers=auth(tokens["trainer"]))
    assert started.status_code == 202
    job_url = started.json()["status_url"]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = client.get(job_url, headers=auth(tokens["trainer"])).json()
        if job["status"] in ("succeeded", "failed"):
            break
        time.sleep(0.5)
    assert job["status"] == "succeeded", job
    assert job["progress"] == 1.0 and job["result"]["version"]


def test_rate_limit_answers_429(settings, tiny_split):
    from fastapi.testclient import TestClient

    from service.app import create_app

    app = create_app(settings.model_copy(update={"rate_limit_per_minute": 4}))
    with TestClient(app) as limited:
        statuses = [limited.post("/v1/suggest", json={"text": WATER}).status_code for _ in range(6)]
    assert statuses[0] == 200 and 429 in statuses


def test_operator_token_required_when_configured(settings, tokens):
    from fastapi.testclient import TestClient

    from service.app import create_app

    app = create_app(settings.model_copy(update={"require_operator_token": True}))
    with TestClient(app) as strict:
        assert strict.post("/v1/suggest", json={"text": WATER}).status_code == 401
        assert strict.post("/v1/suggest", json={"text": WATER}, headers=auth(tokens["operator"])).status_code == 200


def test_operator_tokens_default_on_for_a_public_host():
    from service.settings import Settings

    assert Settings(host="0.0.0.0").operator_token_required is True
    assert Settings(host="127.0.0.1").operator_token_required is False
