"""`fenliu train`, `fenliu evaluate`, `fenliu predict`: for trainers, evaluators and batch users."""
from __future__ import annotations

import json
from pathlib import Path

import click

from classifier.prepare import UnusableText
from classifier.route import Router
from corpus.jurisdiction import load_profile
from service.cli.common import BadInput, FenliuError, settings
from service.cli.logs import configure
from service.cli.progress import step_progress
from training.corpus import load_files
from training.registry import Registry, RegistryError
from training.workflow import train_and_register


def _registry() -> Registry:
    config = settings()
    return Registry(config.home, config.signing_key.get_secret_value() if config.signing_key else None)


def active_router() -> Router:
    config = settings()
    try:
        loaded = _registry().load()
    except RegistryError as exc:
        raise FenliuError(str(exc)) from None
    loaded.model.use_cache_dir(config.cache_dir)
    return Router(loaded.model, loaded.version)


@click.command(help="""Fit a model on the bundled corpus plus your files, measure it, store it in the registry.

The files use the labelled-call schema (text, matter_type, tier; scenario, style, source
optional) and are checked first: any bad line stops training with its file and line. The
new model is measured on the fixed test split. With --promote it becomes active only if its
under-triage is not worse and its macro-F1 not more than 1 point worse than the active
model's, measured on the same split; --force promotes it anyway.

\b
Examples:
  fenliu train --promote
  fenliu train --corpus county_calls.jsonl --corpus corrections.jsonl --promote
""")
@click.option("--corpus", "extra", multiple=True, type=click.Path(path_type=Path), help="Extra labelled-call JSONL file (repeatable).")
@click.option("--promote", is_flag=True, help="Make the new model active if it is not worse than the current one.")
@click.option("--force", is_flag=True, help="With --promote: promote even if it is worse.")
def train(extra: tuple[Path, ...], promote: bool, force: bool) -> None:
    config = settings()
    configure(config.log_level)
    if force and not promote:
        raise BadInput("--force only makes sense with --promote")
    registry = Registry(config.home, config.signing_key.get_secret_value() if config.signing_key else None)
    with step_progress(total_steps=12) as progress:
        outcome = train_and_register(registry, list(extra), promote=promote, force=force, progress=progress)
    m = outcome.result.metrics
    click.echo(json.dumps({"version": outcome.version, "promoted": outcome.promoted, "reason": outcome.reason,
                           "held_out": {k: m.get(k) for k in ("records", "accuracy", "macro_f1", "department_accuracy",
                                                              "misrouting_rate", "emergency_recall", "under_triage_rate",
                                                              "over_triage_rate", "needs_human_rate", "alone_accuracy",
                                                              "expected_calibration_error", "prefix_top3_accuracy")},
                           "misrouting_by_profile": m.get("misrouting_by_profile"),
                           "records": outcome.result.counts, "timings_seconds": outcome.result.timings},
                          ensure_ascii=False, indent=1))
    click.echo(("promoted " if outcome.promoted else "stored ") + f"model {outcome.version}: {outcome.reason}", err=True)


@click.command(help="""Measure the active model on labelled calls: accuracy, macro-F1, misrouting, triage, calibration.

Without --data: the bundled corpus's fixed test split (scenarios no model was trained on).
JSON on stdout. With --report DIR, also an HTML report with a confusion-matrix heat map and a
reliability diagram, readable offline.

\b
Examples:
  fenliu evaluate --report reports/2026-11
  fenliu evaluate --data held_out.jsonl --profile chengkou
""")
@click.option("--data", "data", default=None, type=click.Path(path_type=Path),
              help="Labelled-call JSONL file (default: the bundled test split).")
@click.option("--profile", default=None, help="Jurisdiction profile for misrouting (default FENLIU_PROFILE).")
@click.option("--report", type=click.Path(path_type=Path), default=None, help="Folder for the HTML report.")
def evaluate_cmd(data: Path | None, profile: str | None, report: Path | None) -> None:
    from training.corpus import load_bundled
    from training.evaluate import evaluate
    from training.split import split_calls

    config = settings()
    calls = load_files([data]) if data else split_calls(load_bundled()).test
    if not calls:
        raise BadInput(f"{data or 'the bundled test split'}: no labelled calls")
    chosen = load_profile(profile or config.profile, config.county_profiles_dir)
    router = active_router()
    metrics = evaluate(router, [c.call.text for c in calls], [c.call.matter_type for c in calls],
                       [c.call.tier for c in calls], chosen, styles=[c.call.style for c in calls])
    if report:
        from training.report import write_report

        write_report(metrics, report)
        click.echo(f"report written to {report / 'index.html'}", err=True)
    click.echo(json.dumps(metrics, ensure_ascii=False, indent=1))


@click.command(help="""Suggest routes for calls in JSONL: each line needs "text"; other keys pass through.

Each output line is the input plus a "prediction" object (shared/spec/interfaces.md). A bad
line is reported with its line number on stderr and as an "error" line; the good lines are
still answered, and the exit code is 2.

\b
Examples:
  echo '{"text": "小区停水了，三天了"}' | fenliu predict --profile chengkou
  fenliu predict --input calls.jsonl --output routes.jsonl --profile huangchuan
""")
@click.option("--profile", default=None, help="Jurisdiction profile (default FENLIU_PROFILE).")
@click.option("--input", "input_file", type=click.File("r", encoding="utf-8", errors="strict"), default="-", help="JSONL file, - for stdin.")
@click.option("--output", "output_file", type=click.File("w", encoding="utf-8"), default="-", help="JSONL file, - for stdout.")
def predict(profile: str | None, input_file, output_file) -> None:
    config = settings()
    chosen = load_profile(profile or config.profile, config.county_profiles_dir)
    router = active_router()
    bad = 0
    try:
        lines = enumerate(input_file, 1)
        for number, raw in lines:
            if not raw.strip():
                continue
            error = None
            try:
                record = json.loads(raw)
                if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                    raise ValueError('each line must be a JSON object with a string "text"')
                if len(record["text"]) > config.max_text_chars:
                    raise ValueError(f"text has {len(record['text'])} characters, more than the limit of {config.max_text_chars}")
                record["prediction"] = router.suggest(record["text"], chosen)
            except json.JSONDecodeError as exc:
                error = {"code": "invalid_json", "message": f"not valid JSON ({exc.msg} at column {exc.colno})"}
            except UnusableText as exc:
                error = {"code": exc.code, "message": str(exc)}
            except ValueError as exc:
                error = {"code": "invalid_record", "message": str(exc)}
            if error:
                bad += 1
                click.echo(f"{getattr(input_file, 'name', '<stdin>')}:{number}: {error['message']}", err=True)
                record = {"line": number, "error": error}
            output_file.write(json.dumps(record, ensure_ascii=False) + "\n")
    except UnicodeDecodeError:
        raise BadInput(f"{getattr(input_file, 'name', '<stdin>')}: input is not UTF-8 text") from None
    if bad:
        raise BadInput(f"{bad} line(s) could not be answered (see above); the others were")
