"""Security promises a deployment relies on: no personal data in logs, CORS closed, browser
security headers on the console, secrets never stored in clear, revoked tokens refused."""
from __future__ import annotations

import sqlite3
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import Settings
from service.storage import Storage
from service.tokens import Principal, TokenCache, create_token
from tests.service.conftest import auth
from training.corpus import BaseCorpus

PHONE = "13987654321"
ID_NUMBER = "51302219850617423X"
CARD = "6222021234567890123"


def test_no_phone_or_id_number_reaches_the_log(live_server, model_home):
    text = f"我电话{PHONE}，身份证{ID_NUMBER}，银行卡{CARD}被骗了，家里还停水"
    assert httpx.post(f"{live_server}/v1/suggest", json={"text": text}).status_code == 200
    recorded = httpx.post(f"{live_server}/v1/calls", json={
        "text": text, "operator_id": "A1", "chosen": {"matter_type": "theft_fraud", "tier": "urgent"}})
    assert recorded.status_code == 201
    # Bad requests carrying the same data: their error answers and log lines must not echo it.
    httpx.post(f"{live_server}/v1/suggest", json={"text": text, "profile": PHONE})
    httpx.post(f"{live_server}/v1/suggest", content=f'{{"text": "{text}"'.encode(), headers={"content-type": "application/json"})
    httpx.get(f"{live_server}/v1/calls", params={"operator_id": PHONE})
    time.sleep(0.5)  # let the server flush its log lines
    log = (model_home / "server.log").read_text(encoding="utf-8")
    assert "/v1/suggest" in log, "the access log is missing: the test would prove nothing"
    for secret in (PHONE, ID_NUMBER, CARD, ID_NUMBER.lower()):
        assert secret not in log


def test_recorded_text_is_masked_at_rest(live_server, model_home):
    text = f"报警人手机{PHONE}称小区门口有人摆摊"
    assert httpx.post(f"{live_server}/v1/calls", json={
        "text": text, "operator_id": "A2", "chosen": {"matter_type": "street_vending", "tier": "routine"}}).status_code == 201
    database = model_home / "fenliu.sqlite3"
    with sqlite3.connect(database) as connection:
        dump = "\n".join(connection.iterdump())
    assert PHONE not in dump and "〔电话〕" in dump


def test_token_secrets_are_not_stored(client, tokens, settings):
    database = settings.home / "fenliu.sqlite3"
    with sqlite3.connect(database) as connection:
        dump = "\n".join(connection.iterdump())
    for token in tokens.values():
        secret = token.split("_", 2)[2]  # fl_<id>_<secret>; the secret itself may contain "_"
        assert len(secret) >= 40 and secret not in dump


@pytest.mark.parametrize("method", ["OPTIONS", "POST"])
def test_cors_is_closed_by_default(client, method):
    response = client.request(method, "/v1/suggest", json={"text": "停水"}, headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize("path", ["/", "/v1/taxonomy", "/static/console.js"])
def test_security_headers(client, path):
    headers = client.get(path).headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]


def _client(settings: Settings, tiny_split):
    from tests.conftest import TINY_CALLS

    return TestClient(create_app(settings, base_corpus=BaseCorpus(files=(TINY_CALLS,), split_file=tiny_split)))


def _trainer_token(home, name: str) -> str:
    storage = Storage.for_home(home)
    storage.migrate()
    return create_token(storage, "trainer", name)


def _revoke(settings: Settings, token: str) -> None:
    storage = Storage.for_home(settings.home)
    assert storage.revoke_token(token.split("_")[1])


def test_revoked_token_is_refused_at_once_without_a_cache(model_home, tiny_split, monkeypatch):
    settings = Settings(home=model_home, token_cache_seconds=0)
    token = _trainer_token(model_home, "revoked at once")
    with _client(settings, tiny_split) as client:
        assert client.get("/v1/admin/models", headers=auth(token)).status_code == 200
        _revoke(settings, token)
        assert client.get("/v1/admin/models", headers=auth(token)).status_code == 401


def test_revoked_token_stops_working_when_its_cache_entry_expires(model_home, tiny_split, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr("service.tokens.time.monotonic", lambda: clock[0])
    settings = Settings(home=model_home, token_cache_seconds=10)
    token = _trainer_token(model_home, "revoked later")
    with _client(settings, tiny_split) as client:
        assert client.get("/v1/admin/models", headers=auth(token)).status_code == 200
        _revoke(settings, token)
        clock[0] += 9  # still trusted from the cache: no database round trip per keystroke
        assert client.get("/v1/admin/models", headers=auth(token)).status_code == 200
        clock[0] += 2
        assert client.get("/v1/admin/models", headers=auth(token)).status_code == 401


def test_token_cache_keeps_no_token_and_stays_bounded():
    cache = TokenCache(seconds=60, max_entries=3)
    principal = Principal("abc", "desk", "operator")
    presented = [f"fl_abc_secret{i}" for i in range(5)]
    for token in presented:
        cache.put(token, principal)
    assert len(cache._entries) == 3
    assert not any(token in key or key in token for key in cache._entries for token in presented)
    assert cache.get(presented[-1]) == principal and cache.get(presented[0]) is None
