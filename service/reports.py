"""Reports from the hand-over records: per unit for a quarter (潢川, 凉州 第十五条), and the
production misrouting rate (units' send-backs) per unit, matter type and model version."""
from __future__ import annotations

import base64
import csv
import html
import io
import re
import statistics
from collections import defaultdict
from datetime import datetime

from corpus.jurisdiction import Profile
from service.deadlines import BEIJING, deadlines
from service.lifecycle import Event, SATISFACTION_KEYS
from service.storage import Storage

UNIT_COLUMNS = ["unit", "calls_received", "median_handover_seconds", "overdue", "sent_back", "closed", "followed_up",
                "satisfied_result", "satisfied_efficiency", "satisfied_attitude"]
MISROUTING_COLUMNS = ["group", "key", "dispatched", "sent_back", "misrouting_rate"]


class BadQuarter(ValueError):
    pass


def quarter_bounds(quarter: str) -> tuple[datetime, datetime]:
    """'2026Q3' → [2026-07-01, 2026-10-01) in Beijing time."""
    match = re.fullmatch(r"(20\d{2})Q([1-4])", quarter.strip().upper())
    if not match:
        raise BadQuarter(f'quarter "{quarter}" should look like 2026Q3')
    year, q = int(match.group(1)), int(match.group(2))
    start = datetime(year, 3 * q - 2, 1, tzinfo=BEIJING)
    end = datetime(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1, tzinfo=BEIJING)
    return start, end


def _started(call: dict) -> datetime:
    return datetime.fromisoformat(call["started_at"] or call["created_at"])


def unit_rows(records: list[tuple[dict, list[Event]]], profile: Profile, now: datetime) -> list[dict]:
    per_unit: dict[str, dict] = defaultdict(lambda: {"calls": set(), "handover": [], "overdue": set(), "sent_back": 0,
                                                     "closed": 0, "followed": 0, "satisfied": defaultdict(int)})
    for call, events in records:
        dispatches = [e for e in events if e.kind == "dispatched"]
        if not dispatches:
            continue
        missed = {d.name for d in deadlines(_started(call), events, profile.limits) if d.overdue(now)}
        for index, dispatch in enumerate(dispatches):
            unit = per_unit[dispatch.unit]
            unit["calls"].add(call["id"])
            if index == 0:
                unit["handover"].append((dispatch.at - _started(call)).total_seconds())
        last = dispatches[-1].unit
        if missed:
            per_unit[last]["overdue"].add(call["id"])
        for event in events:
            if event.kind == "sent_back":
                per_unit[event.unit]["sent_back"] += 1
            elif event.kind == "closed":
                per_unit[last]["closed"] += 1
            elif event.kind == "followed_up":
                per_unit[last]["followed"] += 1
                for key, value in ((event.detail or {}).get("satisfied") or {}).items():
                    per_unit[last]["satisfied"][key] += bool(value)
    rows = []
    for name, unit in sorted(per_unit.items(), key=lambda item: -len(item[1]["calls"])):
        followed = unit["followed"]
        rows.append({
            "unit": name, "calls_received": len(unit["calls"]),
            "median_handover_seconds": round(statistics.median(unit["handover"]), 1) if unit["handover"] else None,
            "overdue": len(unit["overdue"]), "sent_back": unit["sent_back"], "closed": unit["closed"], "followed_up": followed,
            **{f"satisfied_{key}": round(unit["satisfied"][key] / followed, 3) if followed else None for key in SATISFACTION_KEYS},
        })
    return rows


def misrouting_rows(records: list[tuple[dict, list[Event]]]) -> list[dict]:
    """A call is misrouted when the first unit it was dispatched to sent it back."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for call, events in records:
        dispatches = [e for e in events if e.kind == "dispatched"]
        if not dispatches:
            continue
        first = dispatches[0]
        missed = any(e.kind == "sent_back" and e.unit == first.unit for e in events)
        for group, key in (("unit", first.unit), ("matter_type", first.matter_type or call["chosen_matter_type"]),
                           ("model_version", call["model_version"] or "none"), ("all", "all")):
            counts[(group, key)][0] += 1
            counts[(group, key)][1] += missed
    return [{"group": group, "key": key, "dispatched": n, "sent_back": bad, "misrouting_rate": round(bad / n, 4)}
            for (group, key), (n, bad) in sorted(counts.items())]


def quarter_report(storage: Storage, profile: Profile, quarter: str, now: datetime) -> dict:
    start, end = quarter_bounds(quarter)
    records = storage.calls_with_events(since=start, until=end, profile=profile.code, limit=10**6)
    return {"quarter": quarter.upper(), "profile": profile.code, "profile_name": profile.name, "calls": len(records),
            "units": unit_rows(records, profile, now), "misrouting": misrouting_rows(records)}


def to_csv(report: dict) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=UNIT_COLUMNS)
    writer.writeheader()
    writer.writerows(report["units"])
    return out.getvalue()


def _chart(report: dict) -> str:
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # Without a CJK font (apt-get install fonts-noto-cjk) unit names show as boxes; say it once, not per glyph.
    warnings.filterwarnings("ignore", message="Glyph .* missing from font")

    plt.rcParams["font.sans-serif"] = ["Noto Sans CJK SC", "Noto Sans CJK JP", "DejaVu Sans"]
    units = report["units"][:15]
    figure, axes = plt.subplots(1, 2, figsize=(12, 0.45 * max(4, len(units)) + 1.5))
    names = [u["unit"] for u in units][::-1]
    axes[0].barh(names, [u["calls_received"] for u in units][::-1], label="calls received", color="#1d4ed8")
    axes[0].barh(names, [u["sent_back"] for u in units][::-1], label="sent back", color="#b91c1c")
    axes[0].barh(names, [u["overdue"] for u in units][::-1], left=[u["sent_back"] for u in units][::-1], label="overdue",
                 color="#92400e")
    axes[0].set_title("calls per unit")
    axes[0].legend(loc="lower right")
    rated = [u for u in units if u["followed_up"]]
    width = 0.25
    for offset, key in enumerate(SATISFACTION_KEYS):
        axes[1].barh([i + offset * width for i in range(len(rated))], [u[f"satisfied_{key}"] for u in rated], height=width,
                     label=key)
    axes[1].set_yticks([i + width for i in range(len(rated))], [u["unit"] for u in rated])
    axes[1].set_xlim(0, 1)
    axes[1].set_title("satisfaction on follow-up (三满意)")
    axes[1].legend(loc="lower right")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode()


def to_html(report: dict) -> str:
    def table(rows: list[dict], columns: list[str]) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape('' if r[c] is None else str(r[c]))}</td>" for c in columns) + "</tr>"
                       for r in rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    title = f"{report['profile_name']} · {report['quarter']} 联动单位处置情况"
    chart = f'<img alt="calls and satisfaction per unit" src="data:image/png;base64,{_chart(report)}">' if report["units"] else ""
    return f"""<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:"Noto Sans CJK SC",sans-serif;margin:2rem;color:#111827}}table{{border-collapse:collapse;margin:1rem 0}}
td,th{{border:1px solid #d1d5db;padding:.3rem .6rem;text-align:right}}td:first-child,th:first-child{{text-align:left;white-space:nowrap}}
img{{max-width:100%}}</style>
<h1>{html.escape(title)}</h1><p>{report['calls']} calls recorded in the quarter.</p>{chart}
<h2>Per unit</h2>{table(report['units'], UNIT_COLUMNS)}
<h2>Production misrouting (sent back by the first unit)</h2>{table(report['misrouting'], MISROUTING_COLUMNS)}</html>"""
