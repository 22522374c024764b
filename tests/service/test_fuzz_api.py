"""Schemathesis against the app's own OpenAPI schema: no 5xx, every response matches the schema.

Every operation of the schema is fuzzed (so a new route is fuzzed without touching this file),
with an admin token so the trainer and admin routes are reached past authentication.
"""
from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402
from hypothesis import HealthCheck, given, settings as hypothesis_settings  # noqa: E402

from service.app import create_app  # noqa: E402
from service.settings import Settings  # noqa: E402
from service.storage import Storage  # noqa: E402
from service.tokens import create_token  # noqa: E402

# Routes whose side effects would change what the rest of the fuzzing sees (retraining).
SLOW_SIDE_EFFECTS = {("POST", "/v1/admin/train")}
# What the schema cannot express, so a schema-valid request may rightly be refused with a 4xx:
# a JSONL upload is just a string to it (422 names the bad line), and a chosen unit must be a unit
# of the chosen profile (422 names both).
NOT_EXPRESSIBLE = {("POST", "/v1/admin/calls/import"), ("POST", "/v1/calls")}


@schemathesis.serializer("application/x-ndjson")
def _ndjson(context, value) -> bytes:
    """Uploads are JSONL text: send generated strings as UTF-8 bytes."""
    return value.encode("utf-8", "surrogatepass") if isinstance(value, str) else bytes(str(value), "utf-8")


@pytest.fixture(scope="module")
def fuzzed(model_home):
    from fastapi.testclient import TestClient

    app = create_app(Settings(home=model_home, rate_limit_per_minute=10**7))
    with TestClient(app):  # runs the lifespan: migrations, model loaded
        storage: Storage = app.state.storage
        token = create_token(storage, "admin", "fuzzing")
        yield schemathesis.openapi.from_asgi("/openapi.json", app), {"Authorization": f"Bearer {token}"}


def test_every_operation_answers_without_5xx_and_matches_the_schema(fuzzed):
    schema, headers = fuzzed
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10, "the schema lost its routes"
    failures = []
    for operation in operations:
        key = (operation.method.upper(), operation.path)
        if key in SLOW_SIDE_EFFECTS:
            continue

        excluded = [positive_data_acceptance] if key in NOT_EXPRESSIBLE else []

        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            case.call_and_validate(headers=headers, excluded_checks=excluded)  # noqa: B023 (run at once)

        try:
            run()
        except BaseException as exc:  # noqa: BLE001 (a FailureGroup); collect every operation's failure, then report them together
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)
