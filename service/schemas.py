"""Request and response shapes of the HTTP API (they also document it at /docs)."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from corpus.taxonomy import load_taxonomy

Tier = Literal["emergency", "urgent", "routine"]
MatterType = Literal[tuple(load_taxonomy().matter_types)]  # type: ignore[valid-type]  # the 50 codes of the contract


class SuggestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(description="The call text as typed so far. It must contain a Chinese character or a digit "
                                  "(after Unicode normalisation); otherwise the answer is 422 unusable_text.",
                      json_schema_extra={"pattern": "[0-9\u3400-\u9fff]"})
    profile: str | None = Field(default=None, max_length=64, description="Jurisdiction profile; the server's default if omitted.")


class Department(BaseModel):
    code: str
    name: str
    named_in_document: bool
    clause: str | None = None


class Alternative(BaseModel):
    matter_type: str
    matter_name: str
    probability: float
    department: Department


class RedFlagOut(BaseModel):
    code: str
    text: str
    start: int = Field(ge=0, le=1_000_000)
    end: int = Field(ge=0, le=1_000_000)
    life_threat: bool


class Evidence(BaseModel):
    term: str
    weight: float


class Prediction(BaseModel):
    matter_type: str
    matter_name: str
    department: Department
    tier: Tier
    tier_probabilities: dict[str, float]
    tier_raised_by_red_flags: bool
    dispatch: Literal["police", "police_first", "unit_direct"]
    confidence: float
    alternatives: list[Alternative]
    red_flags: list[RedFlagOut]
    evidence: list[Evidence]
    needs_human: bool
    needs_human_reasons: list[str]
    model_version: str
    profile: str


class ChosenRoute(BaseModel):
    model_config = ConfigDict(extra="forbid")
    matter_type: MatterType
    tier: Tier
    unit: str | None = Field(default=None, max_length=200, description="Local unit; looked up in the profile if omitted.")


class CallRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(pattern=r"\S", description="The call text (not blank).")
    operator_id: str = Field(min_length=1, max_length=100)
    profile: str | None = Field(default=None, max_length=64)
    suggestion: Prediction | None = Field(default=None, description="The prediction object shown to the operator, as /v1/suggest gave it.")
    chosen: ChosenRoute
    idempotency_key: str | None = Field(default=None, min_length=8, max_length=100,
                                        description="Sent again on a retried confirm, so the call is stored once.")
    started_at: datetime | None = Field(default=None, description="When the operator started typing (hand-over timer).")


class CallRecorded(BaseModel):
    id: str
    created: bool


class TrainRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    promote: bool = True
    force: bool = False


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorBody


ERROR_RESPONSES = {code: {"model": ErrorResponse} for code in (400, 401, 403, 404, 409, 413, 422, 429, 503)}
"""Documented on every route: the middleware and handlers can answer any of these for bad input."""


class EventRequest(BaseModel):
    """A life-cycle event, from the operator's console or a unit's system (operator token)."""
    model_config = ConfigDict(extra="forbid")
    kind: Literal["dispatched", "arrived", "sent_back", "closed", "followed_up", "marked_major", "marked_special", "reported"]
    unit: str | None = Field(default=None, max_length=200, description="dispatched: the unit (else the matter type's unit)")
    matter_type: MatterType | None = Field(default=None, description="dispatched: the (re-)routed matter type")
    disputed: bool = Field(default=False, description="dispatched: send to the profile's arbiter of disputed jurisdiction")
    reason: str | None = Field(default=None, max_length=2000, description="sent_back / marked_special: why")
    result: str | None = Field(default=None, max_length=2000, description="closed: the result")
    satisfied: dict[Literal["result", "efficiency", "attitude"], bool] | None = Field(
        default=None, description="followed_up: 三满意 (处置结果, 办事效率, 服务态度)")
    how: Literal["phone", "written"] | None = Field(default=None, description="reported: phone (30 min) or written (1 hour)")
    actor: str | None = Field(default=None, max_length=100)
    at: datetime | None = Field(default=None, description="When it happened (time zone required); now if omitted")
