"""`fenliu registry`: list, promote, roll back and verify stored models."""
from __future__ import annotations

import click
from rich.table import Table

from service.cli.common import FenliuError, console
from service.cli.model_cmd import _registry
from training.registry import RegistryError


@click.group(help="""The model registry in FENLIU_HOME/models: every trained model, signed, one active.

\b
Examples:
  fenliu registry list
  fenliu registry promote 20261122T120000-123456
  fenliu registry rollback
  fenliu registry verify
""")
def registry() -> None:
    pass


@registry.command("list", help="Every stored version with its held-out metrics; * marks the active one.\n\n\b\nExample:\n  fenliu registry list")
def list_versions() -> None:
    store = _registry()
    active = store.active_version()
    table = Table("", "version", "created", "records", "macro-F1", "under-triage", "misrouting", "verified")
    for version in store.versions():
        try:
            manifest = store.verify(version)
            verified = "yes"
        except RegistryError as exc:
            manifest, verified = {}, f"NO: {exc}"
        metrics = manifest.get("metrics", {})
        table.add_row("*" if version == active else "", version, manifest.get("created", "?"),
                      str(manifest.get("record_counts", {}).get("train", "?")), str(metrics.get("macro_f1", "?")),
                      str(metrics.get("under_triage_rate", "?")), str(metrics.get("misrouting_rate", "?")), verified)
    console().print(table)


@registry.command("promote", help="Make VERSION the active model (after verifying its signature).\n\n\b\nExample:\n  fenliu registry promote 20261122T120000-123456")
@click.argument("version")
def promote(version: str) -> None:
    try:
        _registry().promote(version)
    except RegistryError as exc:
        raise FenliuError(str(exc)) from None
    click.echo(f"active model is now {version}")


@registry.command("rollback", help="Undo the last promotion: the previous model becomes active again.\n\n\b\nExample:\n  fenliu registry rollback")
def rollback() -> None:
    try:
        version = _registry().rollback()
    except RegistryError as exc:
        raise FenliuError(str(exc)) from None
    click.echo(f"rolled back: active model is now {version}")


@registry.command("verify", help="Check signatures and artifact hashes of VERSION (default: every version); exit 1 if any fails.\n\n\b\nExample:\n  fenliu registry verify")
@click.argument("version", required=False)
def verify(version: str | None) -> None:
    store = _registry()
    failed = 0
    for v in [version] if version else store.versions():
        try:
            store.verify(v)
            click.echo(f"{v}: ok")
        except RegistryError as exc:
            failed += 1
            click.echo(f"{v}: FAILED: {exc}")
    if failed:
        raise FenliuError(f"{failed} version(s) failed verification")
