"""Per-style figures: what evaluators read to see where the misroutes come from."""
from __future__ import annotations

import pytest

from classifier.route import Router
from corpus.jurisdiction import load_profile
from tests.conftest import TINY_CALLS
from training.corpus import load_files
from training.evaluate import PREFIX_CHARS, evaluate
from training.report import write_report


@pytest.fixture(scope="module")
def calls():
    return [c.call for c in load_files([TINY_CALLS])]


@pytest.fixture(scope="module")
def metrics(tiny_model, calls) -> dict:
    return evaluate(Router(tiny_model, "tiny"), [c.text for c in calls], [c.matter_type for c in calls],
                    [c.tier for c in calls], load_profile("default"), styles=[c.style for c in calls])


@pytest.fixture(scope="module")
def by_style(metrics) -> dict:
    return metrics["by_style"]


def test_every_call_is_counted_once(by_style, calls):
    assert sum(row["calls"] for row in by_style.values()) == len(calls)
    assert set(by_style) == {c.style or "-" for c in calls}


@pytest.mark.parametrize("style", ["operator_note", "caller_speech"])
def test_style_figures_match_the_router(tiny_model, calls, by_style, style):
    router, profile = Router(tiny_model, "tiny"), load_profile("default")
    mine = [c for c in calls if c.style == style]
    right = [router.suggest(c.text, profile)["matter_type"] == c.matter_type for c in mine]
    assert by_style[style]["accuracy"] == round(sum(right) / len(right), 4)
    prefixed = [c for c in mine if len(c.text) > PREFIX_CHARS]
    hits = 0
    for c in prefixed:
        p = router.suggest(c.text[:PREFIX_CHARS], profile)
        hits += c.matter_type in [p["matter_type"]] + [a["matter_type"] for a in p["alternatives"][:2]]
    assert by_style[style]["prefix_top3_accuracy"] == round(hits / len(prefixed), 4)


def test_without_styles_there_is_no_breakdown(tiny_model, calls):
    metrics = evaluate(Router(tiny_model, "tiny"), [c.text for c in calls[::8]], [c.matter_type for c in calls[::8]],
                       [c.tier for c in calls[::8]], load_profile("default"), all_profiles=False)
    assert "by_style" not in metrics


def test_report_shows_the_style_table(tmp_path, metrics):
    page = write_report(metrics, tmp_path / "report").read_text(encoding="utf-8")
    assert "by style" in page and "caller_speech" in page
