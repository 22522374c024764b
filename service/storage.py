"""Storage of recorded calls, imported labelled calls, tokens and jobs (SQLite or PostgreSQL).

One schema, created and migrated by the program: an ordered list of migrations, each applied
with its record in one transaction. Every write of call text goes through `mask`, here and
nowhere else. SQLite runs in WAL mode with a busy timeout (one writer at a time).
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import (Boolean, Column, DateTime, Float, Integer, MetaData, String, Table, Text, create_engine, event,
                        func, insert, select, update)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from classifier.mask import mask
from service.lifecycle import Event, check_event, send_backs

metadata = MetaData()
schema_migrations = Table("schema_migrations", metadata,
                          Column("version", Integer, primary_key=True), Column("description", String(200)),
                          Column("applied_at", DateTime(timezone=True), nullable=False))
calls = Table("calls", metadata,
              Column("id", String(36), primary_key=True),
              Column("created_at", DateTime(timezone=True), nullable=False),
              Column("started_at", DateTime(timezone=True)),
              Column("operator_id", String(100), nullable=False),
              Column("profile", String(64), nullable=False),
              Column("model_version", String(64)),
              Column("text_masked", Text, nullable=False),
              Column("suggestion", Text),
              Column("suggested_matter_type", String(40)),
              Column("suggested_tier", String(16)),
              Column("suggested_unit", String(200)),
              Column("chosen_matter_type", String(40), nullable=False),
              Column("chosen_unit", String(200), nullable=False),
              Column("chosen_department", String(40), nullable=False),
              Column("chosen_tier", String(16), nullable=False),
              Column("corrected", Boolean, nullable=False),
              Column("idempotency_key", String(100), unique=True))
labelled_calls = Table("labelled_calls", metadata,
                       Column("id", Integer, primary_key=True, autoincrement=True),
                       Column("batch_id", String(36), nullable=False, index=True),
                       Column("created_at", DateTime(timezone=True), nullable=False),
                       Column("text", Text, nullable=False), Column("matter_type", String(40), nullable=False),
                       Column("tier", String(16), nullable=False), Column("scenario", String(200)),
                       Column("style", String(40)), Column("source", String(100)),
                       Column("profile", String(64)), Column("department", String(40)))
tokens = Table("tokens", metadata,
               Column("id", String(16), primary_key=True), Column("name", String(100), nullable=False),
               Column("role", String(16), nullable=False), Column("secret_sha256", String(64), nullable=False),
               Column("created_at", DateTime(timezone=True), nullable=False),
               Column("revoked_at", DateTime(timezone=True)))
jobs = Table("jobs", metadata,
             Column("id", String(36), primary_key=True), Column("kind", String(40), nullable=False),
             Column("status", String(16), nullable=False), Column("progress", Float, nullable=False),
             Column("message", Text), Column("created_at", DateTime(timezone=True), nullable=False),
             Column("finished_at", DateTime(timezone=True)), Column("result", Text))


call_events = Table("call_events", metadata,
                    Column("id", Integer, primary_key=True, autoincrement=True),
                    Column("call_id", String(36), nullable=False, index=True),
                    Column("at", DateTime(timezone=True), nullable=False),
                    Column("kind", String(20), nullable=False),
                    Column("unit", String(200)), Column("matter_type", String(40)),
                    Column("reason", Text), Column("result", Text), Column("detail", Text), Column("actor", String(100)))


def _initial(connection: Connection) -> None:
    metadata.create_all(connection, tables=[calls, labelled_calls, tokens, jobs])


def _events(connection: Connection) -> None:
    """The life-cycle table; every call recorded so far counts as dispatched to its chosen unit."""
    metadata.create_all(connection, tables=[call_events])
    for row in connection.execute(select(calls.c.id, calls.c.created_at, calls.c.chosen_unit, calls.c.chosen_matter_type,
                                         calls.c.operator_id)).mappings():
        connection.execute(insert(call_events).values(call_id=row["id"], at=row["created_at"], kind="dispatched",
                                                      unit=row["chosen_unit"], matter_type=row["chosen_matter_type"],
                                                      actor=row["operator_id"]))


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "calls, labelled calls, tokens, jobs", _initial),
    (2, "call life-cycle events", _events),
]


def _event(row) -> Event:
    return Event(kind=row["kind"], at=_aware(row["at"]), unit=row["unit"], matter_type=row["matter_type"],
                 reason=row["reason"], result=row["result"], detail=json.loads(row["detail"]) if row["detail"] else None,
                 actor=row["actor"])


def now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


@dataclass(frozen=True)
class NewCall:
    text: str
    operator_id: str
    profile: str
    model_version: str | None
    suggestion: dict | None
    chosen_matter_type: str
    chosen_unit: str
    chosen_department: str
    chosen_tier: str
    started_at: datetime | None = None
    idempotency_key: str | None = None


class Storage:
    def __init__(self, url: str):
        self.url = url
        self.engine: Engine = create_engine(url, pool_pre_ping=True, future=True,
                                            connect_args={"timeout": 5} if url.startswith("sqlite") else {})
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", self._sqlite_pragmas)

    @staticmethod
    def _sqlite_pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @classmethod
    def for_home(cls, home: Path, url: str | None = None) -> "Storage":
        if url:
            return cls(url)
        Path(home).mkdir(parents=True, exist_ok=True)
        return cls(f"sqlite:///{Path(home) / 'fenliu.sqlite3'}")

    # -- schema ------------------------------------------------------------------------------
    def migrate(self) -> list[int]:
        """Apply pending migrations in order; returns the versions applied now."""
        applied_now = []
        with self.engine.begin() as connection:
            metadata.create_all(connection, tables=[schema_migrations])
        for version, description, apply in MIGRATIONS:
            with self.engine.begin() as connection:
                done = connection.execute(select(schema_migrations.c.version).where(schema_migrations.c.version == version)).first()
                if done:
                    continue
                apply(connection)
                connection.execute(insert(schema_migrations).values(version=version, description=description, applied_at=now()))
                applied_now.append(version)
        return applied_now

    def schema_version(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.max(schema_migrations.c.version))).scalar() or 0)

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(select(1))

    # -- calls -------------------------------------------------------------------------------
    def record_call(self, call: NewCall) -> tuple[str, bool]:
        """Store a decided call; returns (id, created). A repeated idempotency key returns the first id."""
        if call.idempotency_key:
            existing = self._call_id_for_key(call.idempotency_key)
            if existing:
                return existing, False
        suggestion = call.suggestion or {}
        row = {
            "id": str(uuid.uuid4()), "created_at": now(), "started_at": call.started_at, "operator_id": call.operator_id,
            "profile": call.profile, "model_version": call.model_version, "text_masked": mask(call.text),
            "suggestion": json.dumps(suggestion, ensure_ascii=False) if suggestion else None,
            "suggested_matter_type": suggestion.get("matter_type"), "suggested_tier": suggestion.get("tier"),
            "suggested_unit": (suggestion.get("department") or {}).get("name"),
            "chosen_matter_type": call.chosen_matter_type, "chosen_unit": call.chosen_unit,
            "chosen_department": call.chosen_department, "chosen_tier": call.chosen_tier,
            "corrected": bool(suggestion) and (suggestion.get("matter_type") != call.chosen_matter_type
                                               or suggestion.get("tier") != call.chosen_tier
                                               or (suggestion.get("department") or {}).get("name") != call.chosen_unit),
            "idempotency_key": call.idempotency_key,
        }
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(calls).values(**row))
                # Confirming the route is the hand-over: the call is dispatched to the chosen unit.
                connection.execute(insert(call_events).values(call_id=row["id"], at=row["created_at"], kind="dispatched",
                                                              unit=call.chosen_unit, matter_type=call.chosen_matter_type,
                                                              actor=call.operator_id))
        except IntegrityError:
            existing = self._call_id_for_key(call.idempotency_key) if call.idempotency_key else None
            if existing:
                return existing, False
            raise
        return row["id"], True

    def _call_id_for_key(self, key: str) -> str | None:
        with self.engine.connect() as connection:
            return connection.execute(select(calls.c.id).where(calls.c.idempotency_key == key)).scalar()

    def get_call(self, call_id: str) -> dict | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(calls).where(calls.c.id == call_id)).mappings().first()
        return self._call_dict(row) if row else None

    # -- life cycle ----------------------------------------------------------------------------
    def events(self, call_id: str, connection: Connection | None = None) -> list[Event]:
        query = select(call_events).where(call_events.c.call_id == call_id).order_by(call_events.c.id)
        if connection is None:
            with self.engine.connect() as own:
                rows = list(own.execute(query).mappings())
        else:
            rows = list(connection.execute(query).mappings())
        return [_event(r) for r in rows]

    def add_event(self, call_id: str, event: Event) -> list[Event]:
        """Append an event after checking it fits the call's state; returns all events. Raises
        LookupError for an unknown call and LifecycleError for an event that does not fit."""
        with self.engine.begin() as connection:
            locked = select(calls.c.id).where(calls.c.id == call_id)
            if self.engine.dialect.name == "postgresql":
                locked = locked.with_for_update()
            if connection.execute(locked).first() is None:
                raise LookupError(call_id)
            events = self.events(call_id, connection)
            check_event(events, event)
            connection.execute(insert(call_events).values(
                call_id=call_id, at=event.at, kind=event.kind, unit=event.unit, matter_type=event.matter_type,
                reason=event.reason, result=event.result, actor=event.actor,
                detail=json.dumps(event.detail, ensure_ascii=False) if event.detail else None))
            return [*events, event]

    def calls_with_events(self, since: datetime | None = None, until: datetime | None = None,
                          profile: str | None = None, limit: int = 5000) -> list[tuple[dict, list[Event]]]:
        """Calls (newest first) with their events, for the dispatch board and the reports."""
        query = select(calls).order_by(calls.c.created_at.desc()).limit(limit)
        # Times are stored in UTC; SQLite compares them as text, so bounds must be UTC too.
        if since is not None:
            query = query.where(calls.c.created_at >= since.astimezone(timezone.utc))
        if until is not None:
            query = query.where(calls.c.created_at < until.astimezone(timezone.utc))
        if profile:
            query = query.where(calls.c.profile == profile)
        with self.engine.connect() as connection:
            rows = [self._call_dict(r) for r in connection.execute(query).mappings()]
            if not rows:
                return []
            grouped: dict[str, list[Event]] = {r["id"]: [] for r in rows}
            event_rows = connection.execute(select(call_events).where(call_events.c.call_id.in_(list(grouped)))
                                            .order_by(call_events.c.id)).mappings()
            for row in event_rows:
                grouped[row["call_id"]].append(_event(row))
        return [(r, grouped[r["id"]]) for r in rows]

    def recent_calls(self, operator_id: str | None = None, limit: int = 20) -> list[dict]:
        query = select(calls).order_by(calls.c.created_at.desc()).limit(limit)
        if operator_id:
            query = query.where(calls.c.operator_id == operator_id)
        with self.engine.connect() as connection:
            return [self._call_dict(r) for r in connection.execute(query).mappings()]

    @staticmethod
    def _call_dict(row) -> dict:
        out = {str(k): v for k, v in row.items()}
        out["suggestion"] = json.loads(out["suggestion"]) if out.get("suggestion") else None
        for key in ("created_at", "started_at"):
            value = _aware(out.get(key))
            out[key] = value.isoformat() if value else None
        return out

    def count_calls(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(calls)).scalar() or 0)

    def corrections(self) -> Iterator[dict]:
        """Labelled calls for the trainers: operators' corrections of the suggestion (source
        operator_correction) and units' send-backs re-routed to another matter type (source
        unit_send_back, the truest misrouting label there is)."""
        query = select(calls).where(calls.c.corrected.is_(True)).order_by(calls.c.created_at)
        with self.engine.connect() as connection:
            for row in connection.execute(query).mappings():
                yield {"text": row["text_masked"], "matter_type": row["chosen_matter_type"], "tier": row["chosen_tier"],
                       "source": "operator_correction", "profile": row["profile"], "department": row["chosen_department"],
                       "unit": row["chosen_unit"], "suggested_matter_type": row["suggested_matter_type"],
                       "model_version": row["model_version"], "call_id": row["id"]}
        for call, events in reversed(self.calls_with_events(limit=10**6)):
            for sent_back, redispatch in send_backs(events):
                if redispatch is None or not redispatch.matter_type:
                    continue
                wrong = next((e for e in reversed(events[:events.index(sent_back)]) if e.kind == "dispatched"), None)
                if wrong is None or wrong.matter_type == redispatch.matter_type:
                    continue
                yield {"text": call["text_masked"], "matter_type": redispatch.matter_type, "tier": call["chosen_tier"],
                       "source": "unit_send_back", "profile": call["profile"], "unit": redispatch.unit,
                       "sent_back_by": sent_back.unit, "send_back_reason": sent_back.reason,
                       "wrong_matter_type": wrong.matter_type, "model_version": call["model_version"], "call_id": call["id"]}

    # -- labelled calls imported by trainers -----------------------------------------------------
    def import_labelled(self, rows: list[dict]) -> str:
        """Store validated labelled calls in one transaction (all or nothing); returns the batch id."""
        batch = str(uuid.uuid4())
        stamp = now()
        values = [{"batch_id": batch, "created_at": stamp, "text": mask(r["text"]), "matter_type": r["matter_type"],
                   "tier": r["tier"], "scenario": r.get("scenario"), "style": r.get("style"), "source": r.get("source") or "import",
                   "profile": r.get("profile"), "department": r.get("department")} for r in rows]
        with self.engine.begin() as connection:
            if values:
                connection.execute(insert(labelled_calls), values)
        return batch

    def labelled(self) -> list[dict]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(labelled_calls).order_by(labelled_calls.c.id)).mappings().all()
        return [{k: r[k] for k in ("text", "matter_type", "tier", "scenario", "style", "source", "profile", "department") if r[k] is not None}
                for r in rows]

    # -- tokens ------------------------------------------------------------------------------------
    def add_token(self, token_id: str, name: str, role: str, secret_sha256: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(insert(tokens).values(id=token_id, name=name, role=role, secret_sha256=secret_sha256, created_at=now()))

    def find_token(self, token_id: str) -> dict | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(tokens).where(tokens.c.id == token_id)).mappings().first()
        return {str(k): v for k, v in row.items()} if row else None

    def list_tokens(self) -> list[dict]:
        with self.engine.connect() as connection:
            return [{str(k): v for k, v in r.items()} for r in connection.execute(select(tokens).order_by(tokens.c.created_at)).mappings()]

    def revoke_token(self, token_id: str) -> bool:
        with self.engine.begin() as connection:
            result = connection.execute(update(tokens).where(tokens.c.id == token_id, tokens.c.revoked_at.is_(None)).values(revoked_at=now()))
        return result.rowcount > 0

    # -- jobs --------------------------------------------------------------------------------------
    def create_job(self, kind: str) -> str:
        job_id = str(uuid.uuid4())
        with self.engine.begin() as connection:
            connection.execute(insert(jobs).values(id=job_id, kind=kind, status="queued", progress=0.0, created_at=now()))
        return job_id

    def update_job(self, job_id: str, **values) -> None:
        if "result" in values and not isinstance(values["result"], (str, type(None))):
            values["result"] = json.dumps(values["result"], ensure_ascii=False)
        if values.get("status") in ("succeeded", "failed"):
            values["finished_at"] = now()
        with self.engine.begin() as connection:
            connection.execute(update(jobs).where(jobs.c.id == job_id).values(**values))

    def get_job(self, job_id: str) -> dict | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(jobs).where(jobs.c.id == job_id)).mappings().first()
        if not row:
            return None
        out = {str(k): v for k, v in row.items()}
        out["result"] = json.loads(out["result"]) if out.get("result") else None
        for key in ("created_at", "finished_at"):
            value = _aware(out.get(key))
            out[key] = value.isoformat() if value else None
        return out
