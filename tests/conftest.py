"""Shared fixtures: paths, a temporary FENLIU_HOME, the CLI runner."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture
def shared_dir() -> Path:
    """The read-only shared/ folder beside the checkout; tests needing it skip without it."""
    if not (SHARED / "spec" / "taxonomy.md").is_file():
        pytest.skip("shared/ folder not present beside the checkout")
    return SHARED


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private FENLIU_HOME so no test touches the user's data."""
    folder = tmp_path / "home"
    monkeypatch.setenv("FENLIU_HOME", str(folder))
    return folder


@pytest.fixture
def cli(home: Path):
    """Run `fenliu ARGS…` in-process; returns click's Result."""
    from service.cli import main

    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return run


FIXTURES = Path(__file__).resolve().parent / "fixtures"
TINY_CALLS = FIXTURES / "tiny_calls.jsonl"


@pytest.fixture(scope="session")
def tiny_split(tmp_path_factory) -> Path:
    """A fixed test split for the tiny corpus: the fourth scenario of each matter type."""
    import json

    from training.corpus import load_files

    scenarios = sorted({c.call.scenario for c in load_files([TINY_CALLS]) if c.call.scenario.endswith("-4")})
    path = tmp_path_factory.mktemp("split") / "test_scenarios.json"
    path.write_text(json.dumps({"test_scenarios": scenarios}), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_model():
    """A small model trained on inline, hand-written calls (6 matter types), shared by the session,
    with the shipped settings (training/params.yaml, so the lexicon features too) but fewer folds."""
    from classifier.model import RouteModel
    from classifier.prepare import prepare
    from training.corpus import load_files
    from training.fit import default_params

    calls = [c.call for c in load_files([TINY_CALLS])]
    return RouteModel(**{**default_params(), "cv_folds": 2, "max_iter": 500}).fit(
        [prepare(c.text) for c in calls], [c.matter_type for c in calls], [c.tier for c in calls], [c.scenario for c in calls])


@pytest.fixture(scope="session")
def router(tiny_model):
    from classifier.route import Router

    return Router(tiny_model, "tiny-test")
