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
