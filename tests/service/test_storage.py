"""Storage on SQLite and, when FENLIU_TEST_DATABASE_URL points at one, on a real PostgreSQL."""
from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import text

from service.storage import MIGRATIONS, NewCall, Storage


def _postgres_url() -> str | None:
    return os.environ.get("FENLIU_TEST_DATABASE_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def storage(request, tmp_path):
    if request.param == "sqlite":
        store = Storage.for_home(tmp_path)
    else:
        url = _postgres_url()
        if not url:
            pytest.skip("FENLIU_TEST_DATABASE_URL not set (CI starts a PostgreSQL and sets it)")
        schema = f"t_{uuid.uuid4().hex[:10]}"
        admin = Storage(url)
        with admin.engine.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        store = Storage(url + ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}")
    store.migrate()
    yield store
    store.engine.dispose()


def _call(**overrides) -> NewCall:
    values = dict(text="小区停水了，我电话13912345678", operator_id="op-1", profile="chengkou", model_version="v1",
                  suggestion={"matter_type": "water_supply", "tier": "urgent", "department": {"name": "县惠民公司"}},
                  chosen_matter_type="water_supply", chosen_unit="县惠民公司", chosen_department="water_utility", chosen_tier="urgent")
    values.update(overrides)
    return NewCall(**values)


def test_migrations_are_recorded_and_idempotent(storage):
    assert storage.schema_version() == max(v for v, _, _ in MIGRATIONS)
    assert storage.migrate() == []


def test_recorded_call_is_masked_and_readable(storage):
    call_id, created = storage.record_call(_call())
    assert created
    row = storage.get_call(call_id)
    assert row["text_masked"] == "小区停水了，我电话〔电话〕"
    assert row["corrected"] is False and row["chosen_unit"] == "县惠民公司"
    assert row["suggestion"]["matter_type"] == "water_supply"


def test_idempotency_key_stores_once(storage):
    first = storage.record_call(_call(idempotency_key="key-00000001"))
    second = storage.record_call(_call(idempotency_key="key-00000001"))
    assert first[0] == second[0] and first[1] and not second[1]
    assert storage.count_calls() == 1


def test_correction_is_detected_and_exported(storage):
    storage.record_call(_call(text="楼上漏水", chosen_matter_type="property_housing", chosen_unit="县国土房管局",
                              chosen_department="natural_resources", chosen_tier="routine"))
    storage.record_call(_call())
    corrections = list(storage.corrections())
    assert len(corrections) == 1
    assert corrections[0]["matter_type"] == "property_housing" and corrections[0]["source"] == "operator_correction"


def test_recent_calls_by_operator(storage):
    storage.record_call(_call(operator_id="a"))
    storage.record_call(_call(operator_id="b"))
    assert [c["operator_id"] for c in storage.recent_calls("a")] == ["a"]
    assert len(storage.recent_calls()) == 2


def test_import_is_one_transaction(storage):
    storage.import_labelled([{"text": "有人摆摊 13912345678", "matter_type": "street_vending", "tier": "routine"}])
    rows = storage.labelled()
    assert len(rows) == 1 and "13912345678" not in rows[0]["text"]
    with pytest.raises(Exception):
        storage.import_labelled([{"text": "ok", "matter_type": "gas", "tier": "urgent"}, {"text": None, "matter_type": "gas", "tier": "x"}])
    assert len(storage.labelled()) == 1


def test_tokens_and_jobs(storage):
    storage.add_token("abc123", "desk", "operator", "0" * 64)
    assert storage.find_token("abc123")["role"] == "operator"
    assert storage.revoke_token("abc123") and not storage.revoke_token("abc123")
    job = storage.create_job("train")
    storage.update_job(job, status="succeeded", progress=1.0, result={"version": "v"})
    assert storage.get_job(job)["result"] == {"version": "v"} and storage.get_job(job)["finished_at"]
