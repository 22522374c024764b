"""Deadlines of a dispatched call, from its profile's limits and the official calendar.

Hand-over: N minutes from the first keystroke (资阳: 3). Closing: N working days (城口: 2, or 5 for
special cases) counted on the official calendar of public holidays and adjusted working days
(the `chinesecalendar` package), due at the end of the last working day, Beijing time. A call
marked major is reported by phone within 30 minutes and in writing within 1 hour (城口).
Where the calendar package has no data yet (a year not yet published), weekdays are used and
the deadline says so.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import chinese_calendar

from corpus.jurisdiction import Limits
from service.lifecycle import Event

BEIJING = timezone(timedelta(hours=8))


def is_working_day(day: date) -> tuple[bool, bool]:
    """(working?, from the official calendar?)."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


def add_working_days(start: datetime, days: int) -> tuple[datetime, bool]:
    """End of the `days`-th working day after the day of `start` (Beijing time); and whether the
    official calendar covered every day counted."""
    day = start.astimezone(BEIJING).date()
    counted, official = 0, True
    while counted < days:
        day += timedelta(days=1)
        working, known = is_working_day(day)
        official = official and known
        counted += working
    return datetime.combine(day, time(23, 59, 59), tzinfo=BEIJING), official


@dataclass(frozen=True)
class Deadline:
    name: str
    due: datetime
    met_at: datetime | None
    official_calendar: bool = True

    def overdue(self, now: datetime) -> bool:
        return (self.met_at or now) > self.due

    def as_dict(self, now: datetime) -> dict:
        return {"name": self.name, "due": self.due.isoformat(), "met_at": self.met_at.isoformat() if self.met_at else None,
                "overdue": self.overdue(now), "official_calendar": self.official_calendar}


def deadlines(started_at: datetime, events: list[Event], limits: Limits) -> list[Deadline]:
    """Every deadline that applies to the call so far, in the order they fall due."""
    out: list[Deadline] = []
    special = any(e.kind == "marked_special" for e in events)
    dispatches = [e for e in events if e.kind == "dispatched"]
    first_dispatch = dispatches[0].at if dispatches else None
    out.append(Deadline("handover", started_at + timedelta(minutes=limits.handover_minutes), first_dispatch))
    if first_dispatch is not None:
        days = limits.closing_special_working_days if special else limits.closing_working_days
        due, official = add_working_days(first_dispatch, days)
        closed = next((e.at for e in events if e.kind == "closed"), None)
        out.append(Deadline("closing", due, closed, official))
    major = next((e for e in events if e.kind == "marked_major"), None)
    if major is not None:
        for how, minutes in (("phone", limits.major_event_phone_minutes or 30), ("written", limits.major_event_written_minutes or 60)):
            done = next((e.at for e in events if e.kind == "reported" and (e.detail or {}).get("how") == how), None)
            out.append(Deadline(f"major_report_{how}", major.at + timedelta(minutes=minutes), done))
    return sorted(out, key=lambda d: d.due)


def overdue(started_at: datetime, events: list[Event], limits: Limits, now: datetime) -> list[str]:
    """Names of the deadlines this call has missed (met late, or still open past due)."""
    return [d.name for d in deadlines(started_at, events, limits) if d.overdue(now)]
