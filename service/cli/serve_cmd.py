"""`fenliu serve` and `fenliu token`: run the service, manage API tokens."""
from __future__ import annotations

import os
import shutil
import sys

import click
from rich.table import Table

from service.cli.common import BadInput, console, settings
from service.cli.logs import configure
from service.cli.progress import step_progress
from service.tokens import ROLES, create_token
from training.registry import Registry


@click.command(help="""Serve the API and the operator console (default http://127.0.0.1:8110).

With an empty model registry it first trains the default model on the bundled corpus (a few
minutes, with progress), then serves it. API docs at /docs.

\b
Examples:
  fenliu serve
  fenliu serve --port 9000 --workers 2
  FENLIU_PROFILE=chengkou fenliu serve --host 0.0.0.0      # operators then need tokens
""")
@click.option("--host", default=None, help="Address to listen on (FENLIU_HOST, default 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (FENLIU_PORT, default 8110).")
@click.option("--workers", default=None, type=click.IntRange(1, 64), help="Worker processes (default 1: one holds about 1,000 keystroke suggestions a second; each more costs about 250 MB).")
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    config = settings(host=host, port=port, workers=workers)
    configure(config.log_level)
    key = config.signing_key.get_secret_value() if config.signing_key else None
    registry = Registry(config.home, key)
    if registry.active_version() is None:
        from training.workflow import train_and_register

        click.echo(f"no model in {registry.root}: training the default model on the bundled corpus first", err=True)
        with step_progress(total_steps=12) as progress:
            outcome = train_and_register(registry, [], promote=True, progress=progress)
        click.echo(f"trained and promoted model {outcome.version} (macro-F1 {outcome.result.metrics.get('macro_f1')})", err=True)
    count = config.workers or 1
    os.environ.update({"FENLIU_HOME": str(config.home), "FENLIU_HOST": config.host, "FENLIU_PORT": str(config.port)})
    if count > 1:
        metrics_dir = config.home / "prometheus"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    click.echo(f"serving on http://{config.host}:{config.port} with {count} worker(s); "
               f"operator tokens {'required' if config.operator_token_required else 'not required'}", err=True)
    # Replace this process (which imported the training stack) by a lean uvicorn supervisor:
    # same pid for process managers, ~120 MB less resident memory.
    argv = [sys.executable, "-m", "uvicorn", "--factory", "service.app:create_app_from_env", "--host", config.host,
            "--port", str(config.port), "--workers", str(count), "--log-level", config.log_level, "--no-access-log",
            "--no-proxy-headers"]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, argv)


@click.group(help="""API tokens for operators, trainers and admins. A token is printed once; only its hash is stored.

\b
Examples:
  fenliu token create --role trainer --name "张三 训练员"
  fenliu token list
  fenliu token revoke 3f2a9c1b7d4e
""")
def token() -> None:
    pass


def _storage():
    from service.storage import Storage  # imported here: `fenliu serve` itself never needs it

    config = settings()
    storage = Storage.for_home(config.home, config.database_url)
    storage.migrate()
    return storage


@token.command("create", help="Create a token and print it once.\n\n\b\nExample:\n  fenliu token create --role operator --name desk-3")
@click.option("--role", required=True, type=click.Choice(ROLES), help="operator, trainer or admin.")
@click.option("--name", default="", help="Who or what the token is for.")
def create(role: str, name: str) -> None:
    value = create_token(_storage(), role, name or role)
    click.echo(value)
    click.echo("store it now: it is not shown again (only its hash is kept)", err=True)


@token.command("list", help="Tokens (ids, roles, names; never the secrets).\n\n\b\nExample:\n  fenliu token list")
def list_tokens() -> None:
    table = Table("id", "role", "name", "created", "revoked")
    for row in _storage().list_tokens():
        table.add_row(row["id"], row["role"], row["name"], str(row["created_at"])[:19], str(row["revoked_at"] or "")[:19])
    console().print(table)


@token.command("revoke", help="Revoke a token by id.\n\n\b\nExample:\n  fenliu token revoke 3f2a9c1b7d4e")
@click.argument("token_id")
def revoke(token_id: str) -> None:
    if not _storage().revoke_token(token_id):
        raise BadInput(f"no active token with id {token_id} (see `fenliu token list`)")
    click.echo(f"revoked {token_id}")
