"""Commands on the content folder: check, rectify, stats, rules, fonts, board, assess, import,
template and the LED preview."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from signage.catalogue.findings import Severity
from signage.catalogue.loader import ContentError
from signage.cli.common import (
    EXIT_CLEAN,
    EXIT_ERRORS,
    EXIT_UNREADABLE,
    content_argument,
    data_option,
    date_option,
    error_console,
    fail,
    load_checked,
    main,
    screens_option,
    table_console,
)
from signage.office import findings_report as report
from signage.office import stats as stats_module


@main.command()
@content_argument
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--unit", "unit_id", metavar="ID", help="Only this unit's findings.")
@date_option("--today", "Check as of this date (default: today).")
def check(content_dir: Path, fmt: str, unit_id: str | None, today: dt.date | None) -> None:
    """Check every unit's content; exit 1 on errors, 2 when nothing can be read."""
    err = error_console()
    result = load_checked(content_dir, today, err)
    findings = result.findings
    if unit_id is not None:
        if unit_id not in result.catalogue.units:
            known = "、".join(result.catalogue.units)
            err.print(f"[bold red]没有单位“{unit_id}”。[/]可选：{known}")
            sys.exit(EXIT_UNREADABLE)
        findings = result.for_unit(unit_id)
    if fmt == "json":
        click.echo(report.to_json(result, findings))
    else:
        report.print_text(result, findings, Console(highlight=False, soft_wrap=True))
    sys.exit(EXIT_ERRORS if any(f.is_error for f in findings) else EXIT_CLEAN)


@main.command()
@content_argument
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Folder for the notices.")
@click.option("--unit", "unit_id", metavar="ID", help="Only this unit.")
@click.option("--errors-only", is_flag=True, help="Leave warnings out of the notices.")
@click.option("--no-pdf", is_flag=True, help="Markdown only (no PDF beside it).")
@date_option("--date", "Date printed on the notices (default: today).")
@click.option("--days", type=click.IntRange(1, 120), default=None, metavar="N",
              help="整改期限 in working days (default: county.yaml rectify_days, else 15).")
@click.option("--first-number", type=click.IntRange(1), default=1, show_default=True, metavar="N",
              help="Number of the first notice's 发文字号 (台政公开〔2026〕N号).")
def rectify(content_dir: Path, out_dir: Path, unit_id: str | None, errors_only: bool, no_pdf: bool,
            date: dt.date | None, days: int | None, first_number: int) -> None:
    """Write a rectification notice (整改意见书) for every unit with findings: Markdown and PDF."""
    err = error_console()
    result = load_checked(content_dir, None, err)
    if unit_id is not None:
        result.findings = result.for_unit(unit_id)
    floor = Severity.ERROR if errors_only else Severity.WARNING
    from signage.office import rectification as rectify_module

    paths = rectify_module.write_notices(result, out_dir, date or dt.date.today(), floor, pdf=not no_pdf,
                                         days=days, first_number=first_number)
    for path in paths:
        click.echo(str(path))
    err.print(f"{len({p.stem for p in paths})} 份整改意见书已写入 {out_dir}")


@main.command()
@content_argument
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@date_option("--from", "Count changes (updated dates) from this date (YYYY-MM-DD).")
@date_option("--to", "… up to this date (default: open).")
def stats(content_dir: Path, fmt: str, **dates: dt.date | None) -> None:
    """Published power items by unit, type and channel; changes per month with --from/--to."""
    result = load_checked(content_dir, None, error_console())
    period = stats_module.Period(dates.get("from"), dates.get("to"))
    rows = stats_module.unit_stats(result.catalogue, result.blocked(), period)
    if fmt == "csv":
        click.echo(stats_module.render_csv(rows), nl=False)
    elif fmt == "json":
        click.echo(stats_module.render_json(rows))
    else:
        stats_module.render_table(rows, table_console(), period)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text")
def rules(fmt: str) -> None:
    """List every rule (docs/RULES.md is `signage rules --format markdown`)."""
    from signage.office.rules_doc import rules_markdown, rules_text

    click.echo(rules_markdown() if fmt == "markdown" else rules_text(), nl=False)


@main.command()
@click.option("--cjk", "cjk_path", type=click.Path(path_type=Path), help="Outline font to use.")
@click.option("--bitmap", "bitmap_path", type=click.Path(path_type=Path),
              help="16-px bitmap font to use.")
def fonts(cjk_path: Path | None, bitmap_path: Path | None) -> None:
    """Show the CJK fonts the renderers will use."""
    from signage.text import fonts as fonts_module

    try:
        outline = fonts_module.find_cjk_font(cjk_path)
        bitmap = fonts_module.find_bitmap_font(bitmap_path)
    except fonts_module.FontNotFoundError as exc:
        fail(str(exc))
    click.echo(f"outline:      {outline}")
    click.echo(f"outline bold: {fonts_module.find_cjk_font(cjk_path, bold=True)}")
    click.echo(f"bitmap:       {bitmap}")




@main.command()
@click.option("--content", "content_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("content"), show_default=True)
@screens_option
@click.option("--unit", "units", multiple=True, metavar="ID", help="The unit's board; repeatable.")
@click.option("--all", "all_units", is_flag=True, help="Every unit's board (-o is then a folder).")
@click.option("--layout", "layout_id", default="board-a3", show_default=True, help="A board layout id.")
@click.option("--paper", type=click.Choice(["A4", "A3"], case_sensitive=False), help="Overrides the layout.")
@click.option("--orientation", type=click.Choice(["portrait", "landscape"]), help="Overrides the layout.")
@click.option("--dpi", type=click.Choice(["150", "300"]), default="150", show_default=True,
              help="PNG resolution.")
@click.option("-o", "--output", "out_path", required=True, type=click.Path(path_type=Path),
              help="board.pdf or board.png; with --all a folder (PDFs, or PNGs with --png).")
@click.option("--png", "as_png", is_flag=True, help="With --all: PNG pages instead of PDFs.")
@date_option("--today", "Publish as on this date (YYYY-MM-DD): what is valid, and the board's date.")
def board(content_dir: Path, screens_path: Path, units: tuple[str, ...], all_units: bool, layout_id: str,
          paper: str | None, orientation: str | None, dpi: str, out_path: Path, as_png: bool,
          today: dt.date | None) -> None:
    """A unit's public notice board (行政权力运行公开栏) as a searchable PDF or a PNG."""
    from signage.office.boards import render_boards

    if not units and not all_units:
        fail("name a unit with --unit ID, or use --all")
    try:
        written = render_boards(content_dir, screens_path, layout_id, units=() if all_units else units,
                                out=out_path, folder=all_units, paper=paper, orientation=orientation,
                                dpi=int(dpi), png=as_png, today=today)
    except (LookupError, ValueError, ContentError) as exc:
        fail(str(exc).strip("'\""))
    for path in written:
        click.echo(str(path))


@main.command()
@content_argument
@data_option
@click.option("--weights", "weights_path", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Weights and vetoes (default: signage/data/assessment.yaml).")
@click.option("--prints", "print_dirs", multiple=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder holding print stations' history.jsonl (searched below); repeatable. "
                   "Default: the data folder.")
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Write assessment.csv, assessment.html and notices/ (整改意见书) here.")
@click.option("--no-pdf", is_flag=True, help="Rectification notices as Markdown only.")
@click.option("--no-save", is_flag=True, help="Do not store this assessment (a trial run).")
@date_option("--today", "Assess as of this date (default: today).")
def assess(content_dir: Path, data_dir: Path, weights_path: Path | None, print_dirs: tuple[Path, ...],
           out_dir: Path | None, no_pdf: bool, no_save: bool, today: dt.date | None) -> None:
    """Score every unit 0–100 on the indicators of docs/ASSESSMENT.md, ranked; stored for trends."""
    from signage.office.assessment import scoring as assessment_module
    from signage.office.assessment.config import WeightsError
    from signage.office.assessment.tables import render_table

    err = error_console()
    try:
        config = assessment_module.load_config(weights_path)
    except WeightsError as exc:
        fail(str(exc))
    result = load_checked(content_dir, today, err)
    outcome = assessment_module.assess(result, data_dir, config=config, today=today,
                                       print_dirs=list(print_dirs))
    render_table(outcome, table_console())
    if out_dir is not None:
        for path in assessment_module.write_outputs(outcome, result, out_dir, pdf=not no_pdf):
            click.echo(str(path))
    if not no_save:
        saved = assessment_module.save_assessment(data_dir, outcome.to_record(), dt.datetime.now())
        err.print(f"评估已保存：{saved}")


@main.command("import")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--unit", "unit_id", required=True, metavar="ID", help="The unit folder to import into.")
@click.option("--content", "content_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("content"), show_default=True)
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@date_option("--date", "Date recorded as `updated` of new and changed items (default: today).")
def import_(source: Path, unit_id: str, content_dir: Path, dry_run: bool, date: dt.date | None) -> None:
    """Import a unit's power list (.xlsx or .csv) into its powers file, merging by item code;
    exit 1 when rows were skipped, 2 when nothing can be imported."""
    from signage.office.importing import ImportFailure, import_spreadsheet, render_report

    try:
        result = import_spreadsheet(source, content_dir, unit_id, today=date or dt.date.today(),
                                    dry_run=dry_run)
    except ImportFailure as exc:
        fail(str(exc))
    for line in render_report(result, content_dir, unit_id):
        click.echo(line)
    sys.exit(result.exit_code)


@main.command()
@click.option("-o", "--output", "out_path", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The .xlsx to write, e.g. 模板.xlsx.")
@click.option("--force", is_flag=True, help="Replace an existing file.")
def template(out_path: Path, force: bool) -> None:
    """Write the official power list template (.xlsx) with drop-down lists and a notes sheet."""
    from signage.office.template import write_template

    if out_path.exists() and not force:
        fail(f"{out_path} 已存在：换一个文件名，或加 --force 覆盖")
    try:
        write_template(out_path)
    except OSError as exc:
        fail(f"无法写入 {out_path}：{exc.strerror or exc}")
    click.echo(f"模板已写入 {out_path}；填写后运行 signage import {out_path.name} --unit 单位ID")


@main.group()
def preview() -> None:
    """See what a screen will show, from the content folder, before publishing."""


@preview.command("led")
@click.option("--content", "content_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("content"), show_default=True)
@screens_option
@click.option("--layout", "layout_id", default="led-192x32", show_default=True,
              help="An LED layout id from layouts/.")
@click.option("--item", "codes", multiple=True, metavar="CODE",
              help="Only this item (its code, or a notice/announcement key); repeatable.")
@click.option("--unit", "units", multiple=True, metavar="ID", help="Only this unit; repeatable.")
@click.option("--seconds", type=float, help="Length (default: until every item passed once, ≤ 120 s).")
@click.option("--fps", type=float, default=25.0, show_default=True)
@click.option("--pitch", type=int, default=4, show_default=True, help="Screen pixels per lamp.")
@click.option("-o", "--output", "out_path", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="x.gif (animated) or x.png (first frame).")
@date_option("--today", "Preview as on this date (YYYY-MM-DD).")
def preview_led(content_dir: Path, screens_path: Path, layout_id: str, codes: tuple[str, ...],
                units: tuple[str, ...], seconds: float | None, fps: float, pitch: int,
                out_path: Path, today: dt.date | None) -> None:
    """An animated GIF of an LED sign showing the content, e.g. one item before publishing it."""
    from players.led.layout import LayoutError
    from players.led.outputs.preview import save_animation
    from signage.office.led_preview import preview_frames
    from signage.publishing.screens import ScreensError

    counted = [0]

    def counting(frames: Iterator[Any]) -> Iterator[Any]:
        for frame in frames:
            counted[0] += 1
            yield frame

    try:
        frames = preview_frames(content_dir, screens_path, layout_id, codes=codes, units=units,
                                seconds=seconds, fps=fps, today=today)
        save_animation(counting(frames), out_path, fps, pitch=pitch)
    except (KeyError, LookupError, LayoutError, ScreensError, ContentError, ValueError) as exc:
        fail(str(exc).strip("'\""))
    click.echo(f"{out_path}: {counted[0]} frames, {counted[0] / fps:.1f} s")

