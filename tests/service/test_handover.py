"""Hand-over tracking: a call walked through every state on a frozen clock across the 2026
National Day holiday and its adjusted working Saturday; send-backs as labelled corrections and
in the production misrouting rate; the quarterly report."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import pytest
from fastapi.testclient import TestClient

from corpus.jurisdiction import load_profile
from service.app import create_app
from service.deadlines import BEIJING, add_working_days
from service.settings import Settings
from service.tokens import create_token


def bj(*args) -> datetime:
    return datetime(*args, tzinfo=BEIJING)


@pytest.mark.parametrize("start, days, due", [
    (bj(2026, 9, 30, 10), 2, bj(2026, 10, 9, 23, 59, 59)),    # Oct 1–7 are holidays: Oct 8 and 9 count
    (bj(2026, 9, 30, 10), 5, bj(2026, 10, 13, 23, 59, 59)),   # Saturday Oct 10 is an adjusted working day
    (bj(2026, 10, 9, 18), 1, bj(2026, 10, 10, 23, 59, 59)),   # …so a Friday call is due on that Saturday
    (bj(2026, 10, 10, 9), 1, bj(2026, 10, 12, 23, 59, 59)),   # Sunday Oct 11 is a rest day
    (bj(2026, 11, 20, 9), 2, bj(2026, 11, 24, 23, 59, 59)),   # an ordinary weekend
])
def test_working_days_follow_the_official_calendar(start, days, due):
    assert add_working_days(start, days) == (due, True)


def test_a_year_without_official_data_falls_back_to_weekdays_and_says_so():
    due, official = add_working_days(bj(2031, 3, 3, 9), 2)
    assert due == bj(2031, 3, 5, 23, 59, 59) and official is False


class Clock:
    def __init__(self, start: datetime):
        self.value = start

    def __call__(self) -> datetime:
        return self.value.astimezone(timezone.utc)

    def set(self, *args) -> None:
        self.value = bj(*args)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    frozen = Clock(bj(2026, 9, 30, 9, 58))
    monkeypatch.setattr("service.storage.now", frozen)
    monkeypatch.setattr("service.routes.handover._now", frozen)
    return frozen


@pytest.fixture
def desk(model_home, tmp_path, clock):
    app = create_app(Settings(home=model_home, database_url=f"sqlite:///{tmp_path / 'handover.sqlite3'}"))
    with TestClient(app) as client:
        yield client


def _deadline(view: dict, name: str) -> dict:
    return next(d for d in view["deadlines"] if d["name"] == name)


def _event(desk, call_id, **body):
    return desk.post(f"/v1/calls/{call_id}/events", json=body)


def test_a_call_through_every_state_with_each_deadline(desk, clock):
    started = bj(2026, 9, 30, 9, 58).isoformat()
    clock.set(2026, 9, 30, 10, 0, 30)  # confirmed 2.5 minutes after the first keystroke: hand-over met
    recorded = desk.post("/v1/calls", json={"text": "小区门口菜市场的秤缺斤短两，老板还骂人", "operator_id": "A1",
                                            "profile": "chengkou", "started_at": started,
                                            "chosen": {"matter_type": "price", "tier": "routine"}})
    call_id = recorded.json()["id"]
    view = desk.get(f"/v1/calls/{call_id}").json()
    assert view["state"] == "dispatched" and view["unit"] == load_profile("chengkou").route("price").unit
    assert _deadline(view, "handover")["overdue"] is False
    assert _deadline(view, "closing")["due"] == bj(2026, 10, 9, 23, 59, 59).isoformat()

    clock.set(2026, 9, 30, 10, 40)
    assert _event(desk, call_id, kind="arrived").json()["state"] == "arrived"
    clock.set(2026, 9, 30, 11, 0)
    refused = _event(desk, call_id, kind="sent_back")
    assert refused.status_code == 409 and "reason" in refused.json()["error"]["message"]
    sent = _event(desk, call_id, kind="sent_back", reason="短斤少两属市场监管，不属物价")
    assert sent.json()["state"] == "sent_back"
    assert _event(desk, call_id, kind="closed", result="x").status_code == 409  # a sent-back call must be re-routed first
    clock.set(2026, 9, 30, 11, 5)
    rerouted = _event(desk, call_id, kind="dispatched", matter_type="consumer_rights").json()
    assert rerouted["state"] == "dispatched" and rerouted["matter_type"] == "consumer_rights"
    assert rerouted["unit"] == load_profile("chengkou").route("consumer_rights").unit

    clock.set(2026, 9, 30, 11, 10)
    _event(desk, call_id, kind="marked_major")
    clock.set(2026, 9, 30, 11, 30)
    _event(desk, call_id, kind="reported", how="phone")
    clock.set(2026, 9, 30, 12, 30)
    view = _event(desk, call_id, kind="reported", how="written").json()
    assert _deadline(view, "major_report_phone")["overdue"] is False       # 20 minutes after: within 30
    assert _deadline(view, "major_report_written")["overdue"] is True      # 80 minutes after: past the hour

    _event(desk, call_id, kind="marked_special", reason="需要计量检定，5个工作日")
    clock.set(2026, 10, 12, 10, 0)
    view = desk.get(f"/v1/calls/{call_id}").json()
    closing = _deadline(view, "closing")
    assert closing["due"] == bj(2026, 10, 13, 23, 59, 59).isoformat() and closing["overdue"] is False
    board = desk.get("/v1/board", params={"profile": "chengkou"}).json()["calls"]
    assert [c["id"] for c in board] == [call_id] and board[0]["overdue"] == ["major_report_written"]

    clock.set(2026, 10, 13, 15, 0)
    assert _event(desk, call_id, kind="closed", result="已责令商户更换合格电子秤并退还差价").json()["state"] == "closed"
    assert _event(desk, call_id, kind="followed_up", satisfied={"result": True}).status_code == 409
    done = _event(desk, call_id, kind="followed_up", satisfied={"result": True, "efficiency": True, "attitude": False})
    view = done.json()
    assert view["state"] == "followed_up" and _deadline(view, "closing")["overdue"] is False
    assert [e["kind"] for e in view["events"]] == ["dispatched", "arrived", "sent_back", "dispatched", "marked_major",
                                                   "reported", "reported", "marked_special", "closed", "followed_up"]
    assert desk.get("/v1/board").json()["calls"] == []


def test_an_unanswered_call_becomes_overdue_on_the_board(desk, clock):
    clock.set(2026, 9, 30, 16, 0)
    call_id = desk.post("/v1/calls", json={"text": "村里自来水停了两天", "operator_id": "A2", "profile": "chengkou",
                                           "chosen": {"matter_type": "water_supply", "tier": "urgent"}}).json()["id"]
    clock.set(2026, 10, 10, 9, 0)   # the 2 working days (Oct 8, 9) are over
    board = desk.get("/v1/board").json()["calls"]
    assert board[0]["id"] == call_id and board[0]["overdue"] == ["closing"]


def test_a_disputed_call_goes_to_the_arbiter(desk, clock):
    call_id = desk.post("/v1/calls", json={"text": "河道边上的违建到底谁管", "operator_id": "A3", "profile": "chengkou",
                                           "chosen": {"matter_type": "illegal_building", "tier": "routine"}}).json()["id"]
    _event(desk, call_id, kind="sent_back", reason="不属我局职责")
    view = _event(desk, call_id, kind="dispatched", disputed=True).json()
    assert view["unit"] == load_profile("chengkou").disputed_jurisdiction.unit


def test_a_send_back_is_a_correction_and_counts_as_misrouting(desk, clock, model_home):
    texts = ["超市里买的酸奶过期了还在卖", "饭店后厨老鼠乱窜", "药店卖过期药"]
    ids = [desk.post("/v1/calls", json={"text": t, "operator_id": "A4", "profile": "chengkou",
                                        "chosen": {"matter_type": "food_drug", "tier": "routine"}}).json()["id"] for t in texts]
    _event(desk, ids[0], kind="sent_back", reason="属于消费维权")
    _event(desk, ids[0], kind="dispatched", matter_type="consumer_rights")
    storage = desk.app.state.storage
    admin = {"Authorization": f"Bearer {create_token(storage, 'admin', 'test')}"}
    exported = [line for line in desk.get("/v1/admin/corrections/export", headers=admin).text.splitlines() if line]
    send_back = [row for row in map(__import__("json").loads, exported) if row["source"] == "unit_send_back"]
    assert len(send_back) == 1 and send_back[0]["matter_type"] == "consumer_rights"
    assert send_back[0]["wrong_matter_type"] == "food_drug" and send_back[0]["text"] == texts[0]

    report = desk.get("/v1/admin/reports/2026Q3", params={"profile": "chengkou"}, headers=admin).json()
    overall = next(m for m in report["misrouting"] if m["group"] == "all")
    assert (overall["dispatched"], overall["sent_back"]) == (3, 1)
    by_type = next(m for m in report["misrouting"] if m["group"] == "matter_type" and m["key"] == "food_drug")
    assert by_type["misrouting_rate"] == pytest.approx(1 / 3, abs=1e-3)
    food_unit = load_profile("chengkou").route("food_drug").unit
    unit_row = next(u for u in report["units"] if u["unit"] == food_unit)
    assert unit_row["calls_received"] == 3 and unit_row["sent_back"] == 1
    table = list(csv.DictReader(io.StringIO(desk.get("/v1/admin/reports/2026Q3", params={"profile": "chengkou", "format": "csv"},
                                                     headers=admin).text)))
    assert {row["unit"] for row in table} >= {food_unit}
    page = desk.get("/v1/admin/reports/2026Q3", params={"profile": "chengkou", "format": "html"}, headers=admin)
    assert page.status_code == 200 and "data:image/png;base64," in page.text


def test_report_command_writes_html_and_csv(cli, home, tmp_path):
    result = cli("report", "--quarter", "2026Q3", "--profile", "chengkou", "--out", str(tmp_path / "r"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r" / "report.html").is_file() and (tmp_path / "r" / "units.csv").is_file()
    bad = cli("report", "--quarter", "2026-3", "--profile", "chengkou")
    assert bad.exit_code == 2 and "2026Q3" in bad.output
