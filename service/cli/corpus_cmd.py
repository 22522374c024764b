"""`fenliu corpus`: check and describe labelled-call files."""
from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from training.corpus import bundled_files, load_files, read_file
from training.corpus_check import check_calls
from training.stats import corpus_stats
from service.cli.common import BadInput, console


@click.group(help="""The labelled corpus (corpus/calls/*.jsonl) and trainers' files of the same schema.

\b
Examples:
  fenliu corpus check                       # the bundled corpus
  fenliu corpus check my_county_calls.jsonl
  fenliu corpus stats --json
""")
def corpus() -> None:
    pass


@corpus.command("check", help="""Check labelled-call files: schema, codes, duplicates, near-duplicates across scenarios.

Every problem is printed with file and line; exits 2 if there is any. Without FILE, checks the
bundled corpus (where every record must name its scenario).

\b
Examples:
  fenliu corpus check
  fenliu corpus check new_calls.jsonl corrections.jsonl
""")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
def check(files: tuple[Path, ...]) -> None:
    paths = list(files) or bundled_files()
    loads = [read_file(path, require_scenario=not files) for path in paths]
    calls = [call for load in loads for call in load.calls]
    problems = sorted([p for load in loads for p in load.problems] + check_calls(calls), key=lambda p: (p.path, p.line or 0))
    if problems:
        raise BadInput("\n".join(str(p) for p in problems) + f"\n{len(problems)} problem(s) in {len(calls)} records")
    click.echo(f"ok: {len(calls)} records in {len(paths)} file(s), no problems")


@corpus.command("stats", help="""Counts per matter type × style × tier, lengths, vocabulary and scenarios.

\b
Examples:
  fenliu corpus stats
  fenliu corpus stats --json > stats.json
""")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
def stats(files: tuple[Path, ...], as_json: bool) -> None:
    calls = load_files(list(files) or bundled_files(), require_scenario=not files)
    if not calls:
        raise BadInput("no records to describe")
    result = corpus_stats(calls)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return
    out = console()
    out.print(f"{result['records']} records, {result['matter_types']} matter types, {result['scenarios']} scenarios, "
              f"{result['vocabulary_words']} distinct words")
    out.print(f"styles {result['styles']}  tiers {result['tiers']}  sources {result['sources']}")
    out.print(f"length (characters) {result['length']}")
    table = Table("matter type", "records", "scenarios", "boundary", "operator_note", "caller_speech", "fragment",
                  "emergency", "urgent", "routine")
    for matter, row in result["per_type"].items():
        table.add_row(matter, str(row["records"]), str(row["scenarios"]), f"{row['boundary_share']:.0%}",
                      *(str(row.get(f"style:{s}", 0)) for s in ("operator_note", "caller_speech", "fragment")),
                      *(str(row.get(f"tier:{t}", 0)) for t in ("emergency", "urgent", "routine")))
    out.print(table)


@corpus.command("split", help="""Place new scenarios of the bundled corpus in the fixed test split.

Run after adding records to corpus/calls. Scenarios already placed never move (an earlier
model must never be measured on a scenario it was trained on); each new scenario goes to the
test or training side by its seeded hash, so that every type's test share comes back to about
a fifth. Writes corpus/splits/test_scenarios.json.

\b
Example:
  fenliu corpus split
""")
def split() -> None:
    from training.split import SPLIT_FILE, read_split, write_split

    calls = load_files(bundled_files(), require_scenario=True)
    before = read_split(SPLIT_FILE) if SPLIT_FILE.is_file() else frozenset()
    chosen = write_split(calls, SPLIT_FILE)
    click.echo(f"test split: {len(chosen)} scenarios ({len(set(chosen) - before)} new) in {SPLIT_FILE}")
