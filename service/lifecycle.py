"""A recorded call's life cycle after the suggestion (第九条: 接警 → 通知 → 处置 → 反馈).

suggested → dispatched(unit) → arrived / sent_back(reason) → dispatched again … → closed(result)
→ followed_up(三满意). Events are appended, never changed; the state is derived from them.
A call may be marked major (较大及以上) at any open point, which starts the 30-minute phone and
1-hour written reports (城口); `reported` events record them. `marked_special` (with a reason)
gives it the special closing limit (5 working days instead of 2).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

EventKind = Literal["dispatched", "arrived", "sent_back", "closed", "followed_up", "marked_major", "marked_special", "reported"]
OPEN_STATES = ("dispatched", "arrived", "sent_back")

# kind → the states it may follow
ALLOWED_AFTER: dict[str, tuple[str, ...]] = {
    "dispatched": ("suggested", "sent_back"),
    "arrived": ("dispatched",),
    "sent_back": ("dispatched", "arrived"),
    "closed": ("dispatched", "arrived"),
    "followed_up": ("closed",),
}
STATE_AFTER = {"dispatched": "dispatched", "arrived": "arrived", "sent_back": "sent_back", "closed": "closed",
               "followed_up": "followed_up"}
SATISFACTION_KEYS = ("result", "efficiency", "attitude")  # 三满意: 处置结果、办事效率、服务态度


class LifecycleError(ValueError):
    """An event that does not fit the call's state (e.g. closing a call that was sent back)."""


@dataclass(frozen=True)
class Event:
    kind: str
    at: datetime
    unit: str | None = None
    matter_type: str | None = None
    reason: str | None = None
    result: str | None = None
    detail: dict | None = None
    actor: str | None = None


def state_of(events: list[Event]) -> str:
    state = "suggested"
    for event in events:
        state = STATE_AFTER.get(event.kind, state)
    return state


def check_event(events: list[Event], new: Event) -> None:
    """Raise LifecycleError, in plain words, when `new` cannot follow `events`."""
    state = state_of(events)
    if new.kind in ALLOWED_AFTER and state not in ALLOWED_AFTER[new.kind]:
        raise LifecycleError(f'a call in state "{state}" cannot be {new.kind.replace("_", " ")} '
                             f'(allowed after: {", ".join(ALLOWED_AFTER[new.kind])})')
    if new.kind == "dispatched" and not new.unit:
        raise LifecycleError("a dispatch names the unit")
    if new.kind == "sent_back" and not (new.reason and new.reason.strip()):
        raise LifecycleError("a send-back gives the reason (why the matter is outside the unit's remit)")
    if new.kind == "closed" and not (new.result and new.result.strip()):
        raise LifecycleError("closing a call records its result")
    if new.kind == "followed_up":
        answers = (new.detail or {}).get("satisfied") or {}
        if set(answers) != set(SATISFACTION_KEYS) or not all(isinstance(v, bool) for v in answers.values()):
            raise LifecycleError(f"a follow-up records satisfied true/false for each of {', '.join(SATISFACTION_KEYS)}")
    if new.kind in ("marked_major", "marked_special") and state in ("closed", "followed_up"):
        raise LifecycleError(f"a closed call cannot be {new.kind.replace('_', ' ')}")
    if new.kind == "marked_special" and not (new.reason and new.reason.strip()):
        raise LifecycleError("a special case (5 working days) gives the reason")
    if new.kind == "reported":
        if not any(e.kind == "marked_major" for e in events):
            raise LifecycleError("only a call marked major (较大及以上) is reported up")
        if (new.detail or {}).get("how") not in ("phone", "written"):
            raise LifecycleError('a report says how it was made: "phone" or "written"')


def current_unit(events: list[Event]) -> str | None:
    units = [e.unit for e in events if e.kind == "dispatched"]
    return units[-1] if units else None


def send_backs(events: list[Event]) -> list[tuple[Event, Event | None]]:
    """Each send-back with the re-dispatch that followed it (None while not re-routed)."""
    pairs = []
    for index, event in enumerate(events):
        if event.kind == "sent_back":
            following = next((e for e in events[index + 1:] if e.kind == "dispatched"), None)
            pairs.append((event, following))
    return pairs
