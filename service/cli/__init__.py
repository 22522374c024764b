"""The `fenliu` command: one group, one module per audience, domain errors turned into words.

Library code raises domain errors (DataError, UnknownProfile, …); only here do they become a
plain message and an exit code: 2 for the user's mistake, 1 for anything else.
"""
from __future__ import annotations

import importlib
import sys

import click
from pydantic import ValidationError

from corpus.errors import DataError
from corpus.jurisdiction import UnknownProfile
from service.cli.common import BadInput, FenliuError

# Subcommands are imported when used: `fenliu serve` must not pay for the training stack.
COMMANDS = {
    "profiles": "service.cli.profiles_cmd:profiles", "corpus": "service.cli.corpus_cmd:corpus",
    "train": "service.cli.model_cmd:train", "evaluate": "service.cli.model_cmd:evaluate_cmd",
    "predict": "service.cli.model_cmd:predict", "registry": "service.cli.registry_cmd:registry",
    "serve": "service.cli.serve_cmd:serve", "token": "service.cli.serve_cmd:token", "report": "service.cli.report_cmd:report",
}

HELP = """fenliu (分流): suggests the route of a 110 call: matter type, responsible unit, urgency.

\b
Examples:
  fenliu serve                         # API + operator console on http://127.0.0.1:8110
  fenliu profiles show chengkou        # who takes what in 城口县
  fenliu profiles validate my_county.yaml
  echo '{"text": "小区停水了"}' | fenliu predict --profile yongjia

Settings come from FENLIU_* environment variables (see README); FENLIU_HOME holds the model
registry and the database.
"""


class FenliuGroup(click.Group):
    """Loads subcommands lazily, and turns domain errors raised anywhere below into one clear
    message and an exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute = COMMANDS[name].split(":")
        return getattr(importlib.import_module(module), attribute)

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except DataError as exc:
            raise BadInput("\n".join(str(p) for p in exc.problems)) from None
        except UnknownProfile as exc:
            raise BadInput(str(exc)) from None
        except ValidationError as exc:
            fields = "; ".join(f"FENLIU_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors())
            raise BadInput(f"bad setting: {fields}") from None
        except FenliuError:
            raise
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            raise click.exceptions.Exit(130) from None
        except Exception as exc:  # noqa: BLE001 - last line of defence: one line, not a traceback
            if "--debug" in sys.argv:
                raise
            raise FenliuError(f"internal error: {type(exc).__name__}: {exc} (run again with --debug for the traceback)") from None


@click.group(cls=FenliuGroup, help=HELP, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks of internal errors.")
@click.version_option(package_name="fenliu")
def main(debug: bool) -> None:
    """Entry point of the `fenliu` console script."""


