"""`fenliu report`: the quarterly hand-over report per unit, and production misrouting."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import click
from rich.table import Table

from corpus.jurisdiction import load_profile
from service.cli.common import BadInput, console, settings
from service.reports import BadQuarter, quarter_report, to_csv, to_html
from service.storage import Storage


@click.command(help="""Quarterly report per linked unit from the recorded calls: calls received, median
hand-over time, overdue calls, send-backs, 三满意 satisfaction on follow-up, and the production
misrouting rate (calls the first unit sent back) per unit, matter type and model version.

Writes report.html (with charts) and units.csv into --out; prints the table.

\b
Examples:
  fenliu report --quarter 2026Q3 --profile chengkou
  fenliu report --quarter 2026Q4 --profile huangchuan --out reports/2026Q4
""")
@click.option("--quarter", required=True, help="Like 2026Q3.")
@click.option("--profile", "profile_code", default=None, help="Jurisdiction profile (FENLIU_PROFILE by default).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for report.html and units.csv (default: ./report-QUARTER-PROFILE).")
def report(quarter: str, profile_code: str | None, out: Path | None) -> None:
    config = settings()
    profile = load_profile(profile_code or config.profile, config.county_profiles_dir)
    storage = Storage.for_home(config.home, config.database_url)
    storage.migrate()
    try:
        result = quarter_report(storage, profile, quarter, datetime.now(timezone.utc))
    except BadQuarter as exc:
        raise BadInput(str(exc)) from None
    folder = out or Path(f"report-{result['quarter']}-{profile.code}")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.html").write_text(to_html(result), encoding="utf-8")
    (folder / "units.csv").write_text(to_csv(result), encoding="utf-8")
    table = Table("unit", "calls", "median hand-over s", "overdue", "sent back", "satisfied (result)", title=f"{profile.name} {result['quarter']}")
    for row in result["units"]:
        table.add_row(row["unit"], str(row["calls_received"]), str(row["median_handover_seconds"]), str(row["overdue"]),
                      str(row["sent_back"]), str(row["satisfied_result"]))
    console().print(table)
    overall = next((m for m in result["misrouting"] if m["group"] == "all"), None)
    if overall:
        click.echo(f"production misrouting: {overall['sent_back']} of {overall['dispatched']} calls sent back ({overall['misrouting_rate']:.1%})")
    click.echo(f"wrote {folder / 'report.html'} and {folder / 'units.csv'}")
