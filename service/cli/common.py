"""Shared pieces of the CLI: exit-code exceptions, the console, settings from the context."""
from __future__ import annotations

import click
from rich.console import Console

from service.settings import Settings, load_settings


class FenliuError(click.ClickException):
    """Anything that is not the user's mistake: exit 1."""

    exit_code = 1


class BadInput(click.ClickException):
    """The user's mistake (bad file, unknown code, bad flag value): exit 2, one clear message."""

    exit_code = 2


def console() -> Console:
    """A console that never truncates codes: when output is not a terminal, assume a wide page."""
    probe = Console()
    return Console(highlight=False, width=None if probe.is_terminal else 160)


def settings(**overrides: object) -> Settings:
    return load_settings(**overrides)
