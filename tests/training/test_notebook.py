"""The error-analysis notebook runs headless on a real evaluation, so it never rots."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from classifier.route import Router
from corpus.jurisdiction import load_profile
from tests.conftest import REPO, TINY_CALLS
from training.corpus import load_files
from training.evaluate import evaluate
from training.report import write_report


def _evaluation(tiny_model) -> dict:
    calls = [c.call for c in load_files([TINY_CALLS])]
    return evaluate(Router(tiny_model, "tiny"), [c.text for c in calls], [c.matter_type for c in calls],
                    [c.tier for c in calls], load_profile("huangchuan"))


def test_notebook_executes(tmp_path: Path, tiny_model, monkeypatch):
    path = tmp_path / "evaluation.json"
    path.write_text(json.dumps(_evaluation(tiny_model), ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("FENLIU_EVALUATION", str(path))
    notebook = nbformat.read(REPO / "notebooks" / "error_analysis.ipynb", as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("macro_f1" in str(o) for o in outputs)


def test_html_report_has_plots_and_numbers(tmp_path: Path, tiny_model):
    metrics = _evaluation(tiny_model)
    index = write_report(metrics, tmp_path / "report")
    page = index.read_text(encoding="utf-8")
    assert "confusion.png" in page and "reliability.png" in page and str(metrics["macro_f1"]) in page
    for image in ("confusion.png", "reliability.png"):
        assert (tmp_path / "report" / image).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_evaluation_metrics_are_consistent(tiny_model):
    metrics = _evaluation(tiny_model)
    assert metrics["scored"] == metrics["records"]
    assert 0 <= metrics["misrouting_rate"] <= 1 - metrics["accuracy"] + 1e-9
    assert abs(metrics["department_accuracy"] + metrics["misrouting_rate"] - 1) < 1e-9
    assert set(metrics["misrouting_by_profile"]) >= {"default", "chengkou"}
    total = sum(sum(row) for row in metrics["confusion_matrix"]["counts"])
    assert total == metrics["scored"]
