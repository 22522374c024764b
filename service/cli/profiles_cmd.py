"""`fenliu profiles`: list, show and validate jurisdiction profiles."""
from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from corpus.jurisdiction import available_profiles, load_profile, validate_profile
from corpus.taxonomy import load_taxonomy
from service.cli.common import BadInput, console, settings


@click.group(help="""Jurisdiction profiles: which local unit takes each matter type in a county.

\b
Examples:
  fenliu profiles list
  fenliu profiles show huangchuan
  fenliu profiles validate ./profiles/my_county.yaml
""")
def profiles() -> None:
    pass


@profiles.command("list", help="List the profiles this installation knows (bundled and FENLIU_HOME/profiles).\n\n\b\nExample:\n  fenliu profiles list")
def list_profiles() -> None:
    extra = settings().county_profiles_dir
    table = Table("code", "名称", "地区", "文件", "年份")
    for code in available_profiles(extra):
        p = load_profile(code, extra)
        table.add_row(p.code, p.name, p.region, p.document.title, str(p.document.year or "—"))
    console().print(table)


@profiles.command("show", help="Print one profile as a table: matter type → local unit, department code, clause, duty.\n\n\b\nExample:\n  fenliu profiles show chengkou")
@click.argument("code")
def show_profile(code: str) -> None:
    profile = load_profile(code, settings().county_profiles_dir)
    taxonomy = load_taxonomy()
    out = console()
    doc = profile.document
    out.print(f"[bold]{profile.name}[/bold] ({profile.code}) · {profile.region}")
    out.print(f"文件：{doc.title}" + (f"（{doc.number}）" if doc.number else ""))
    limits = profile.limits
    out.print(f"移交时限：{limits.handover_minutes} 分钟 — {limits.handover_source}")
    out.print(f"办结时限：一般 {limits.closing_working_days} 个工作日，特殊 {limits.closing_special_working_days} 个工作日 — {limits.closing_source}")
    if limits.major_event_phone_minutes:
        out.print(f"较大及以上事件：{limits.major_event_phone_minutes} 分钟内电话报告、{limits.major_event_written_minutes} 分钟内书面报告"
                  f"（报 {limits.major_event_to}）")
    arb = profile.disputed_jurisdiction
    out.print(f"管辖争议：{arb.unit}" + (f"（{arb.clause}）" if arb.clause else "") + f" — {arb.how}")
    if profile.follow_up:
        out.print(f"回访：{profile.follow_up.method}（{profile.follow_up.clause}）")
    table = Table("事项", "名称", "承办单位", "部门", "条款", "值守", "文件列明")
    for i, column in enumerate(table.columns):
        column.no_wrap = i in (0, 3)
        column.overflow = "fold"
    for code_, route in profile.routes.items():
        duty = {"24h": "24小时", "phone": "电话值班", None: "—"}[route.duty]
        table.add_row(code_, taxonomy.matter(code_).name, route.unit, route.department, route.clause or "—",
                      duty, "是" if route.named_in_document else "否（默认）")
    out.print(table)


@profiles.command("validate", help="""Check profile files; print every problem with file and line.

Exits 0 when all files are valid, 2 otherwise. The README describes the format.

\b
Example:
  fenliu profiles validate corpus/profiles/huangchuan.yaml my_county.yaml
""")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    taxonomy = load_taxonomy()
    problems = []
    for path in files:
        found = validate_profile(path, taxonomy)
        problems.extend(found)
        if not found:
            click.echo(f"{path}: ok, all {len(taxonomy.matter_types)} matter types mapped")
    if problems:
        raise BadInput("\n".join(str(p) for p in problems) + f"\n{len(problems)} problem(s) found")
