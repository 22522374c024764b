"""The command line: every command teaches with examples, the README documents every command
and setting, bad input exits 2 with one clear message."""
from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest

from service.cli import main
from service.settings import Settings
from tests.conftest import REPO


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and subcommand, through the group's own (lazy) lookup."""
    context = click.Context(group)
    out = []
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        out.append(prefix + (name,))
        if isinstance(command, click.Group):
            out.extend(_commands(command, prefix + (name,)))
    return out


COMMANDS = _commands(main)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(cli, command):
    result = cli(*command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output


def test_readme_mentions_every_command_and_setting():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert "fenliu " + " ".join(command) in readme, command
    for field in Settings.model_fields:
        assert f"FENLIU_{field.upper()}" in readme, field


def test_unknown_command_and_bad_flag_exit_2(cli):
    assert cli("frobnicate").exit_code == 2
    assert cli("profiles", "show").exit_code == 2


def test_bad_setting_is_named(cli, monkeypatch):
    monkeypatch.setenv("FENLIU_PORT", "eighty")
    result = cli("profiles", "list")
    assert result.exit_code == 2 and "FENLIU_PORT" in result.output and "Traceback" not in result.output


@pytest.fixture
def active_home(home: Path, tiny_model) -> Path:
    from training.registry import Registry

    registry = Registry(home)
    registry.promote(registry.save(tiny_model, {}))
    return home


def test_predict_answers_good_lines_and_names_bad_ones(cli, active_home):
    lines = [json.dumps({"text": "小区停水了一整天", "id": 1}, ensure_ascii=False), "not json",
             json.dumps({"txt": "x"}), json.dumps({"text": "！！"}), json.dumps({"text": "厨房煤气味很大", "id": 5}, ensure_ascii=False)]
    result = cli("predict", "--profile", "chengkou", input="\n".join(lines) + "\n")
    assert result.exit_code == 2
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out[0]["id"] == 1 and out[0]["prediction"]["department"]["name"] == "县惠民公司"
    assert out[4]["id"] == 5 and out[4]["prediction"]["tier"] == "emergency"
    assert [o["error"]["code"] for o in out[1:4]] == ["invalid_json", "invalid_record", "unusable_text"]
    assert re.search(r":2: not valid JSON", result.stderr) and ":4: " in result.stderr


def test_predict_without_a_model_says_what_to_do(cli):
    result = cli("predict", input='{"text": "停水"}\n')
    assert result.exit_code == 1 and "fenliu train --promote" in result.output


def test_registry_commands(cli, active_home, tiny_model):
    listing = cli("registry", "list")
    assert listing.exit_code == 0 and "*" in listing.output
    assert cli("registry", "verify").exit_code == 0
    assert cli("registry", "rollback").exit_code == 1
    assert cli("registry", "promote", "nonexistent").exit_code == 1


def test_token_lifecycle(cli):
    created = cli("token", "create", "--role", "trainer", "--name", "desk")
    assert created.exit_code == 0 and created.stdout.startswith("fl_")
    token_id = created.stdout.split("_")[1]
    assert token_id in cli("token", "list").output
    assert created.stdout.strip() not in cli("token", "list").output
    assert cli("token", "revoke", token_id).exit_code == 0
    assert cli("token", "revoke", token_id).exit_code == 2
    assert cli("token", "create", "--role", "root").exit_code == 2
