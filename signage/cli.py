"""The ``signage`` command line."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from signage import rectify as rectify_module
from signage import report
from signage import stats as stats_module
from signage.checking import CheckResult, check_content
from signage.dates import parse_date
from signage.findings import Severity
from signage.loader import ContentError

EXIT_CLEAN, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2

content_argument = click.argument(
    "content_dir", default="content", required=False,
    type=click.Path(path_type=Path, file_okay=False),
)


def _date_option(name: str, help_text: str) -> click.Option:
    def convert(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
        if value is None:
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            raise click.BadParameter(f"{value}: {exc}") from None

    return click.option(name, callback=convert, metavar="DATE", help=help_text)


def _load(content_dir: Path, today: dt.date | None, err: Console) -> CheckResult:
    try:
        return check_content(content_dir, today)
    except ContentError as exc:
        err.print(f"[bold red]无法读取内容：[/]{escape(str(exc))}")
        sys.exit(EXIT_UNREADABLE)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Disclosure signage: check, publish and show 政务公开 content."""


@main.command()
@content_argument
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--unit", "unit_id", metavar="ID", help="Only this unit's findings.")
@_date_option("--today", "Check as of this date (default: today).")
def check(content_dir: Path, fmt: str, unit_id: str | None, today: dt.date | None) -> None:
    """Check every unit's content; exit 1 on errors, 2 when nothing can be read."""
    err = Console(stderr=True)
    result = _load(content_dir, today, err)
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
@_date_option("--date", "Date printed on the notices (default: today).")
def rectify(content_dir: Path, out_dir: Path, unit_id: str | None, errors_only: bool,
            date: dt.date | None) -> None:
    """Write a rectification notice (整改意见书) for every unit with findings."""
    err = Console(stderr=True)
    result = _load(content_dir, None, err)
    if unit_id is not None:
        result.findings = result.for_unit(unit_id)
    floor = Severity.ERROR if errors_only else Severity.WARNING
    paths = rectify_module.write_notices(result, out_dir, date or dt.date.today(), floor)
    for path in paths:
        click.echo(str(path))
    err.print(f"{len(paths)} 份整改意见书已写入 {out_dir}")


@main.command()
@content_argument
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
def stats(content_dir: Path, fmt: str) -> None:
    """Count power items by unit and type."""
    result = _load(content_dir, None, Console(stderr=True))
    rows = stats_module.unit_stats(result.catalogue)
    if fmt == "csv":
        click.echo(stats_module.render_csv(rows), nl=False)
    elif fmt == "json":
        click.echo(stats_module.render_json(rows))
    else:
        stats_module.render_table(rows, Console())


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text")
def rules(fmt: str) -> None:
    """List every rule (docs/RULES.md is `signage rules --format markdown`)."""
    from signage.rules_doc import rules_markdown, rules_text

    click.echo(rules_markdown() if fmt == "markdown" else rules_text(), nl=False)


@main.command()
@click.option("--cjk", "cjk_path", type=click.Path(path_type=Path), help="Outline font to use.")
@click.option("--bitmap", "bitmap_path", type=click.Path(path_type=Path),
              help="16-px bitmap font to use.")
def fonts(cjk_path: Path | None, bitmap_path: Path | None) -> None:
    """Show the CJK fonts the renderers will use."""
    from signage import fonts as fonts_module

    try:
        outline = fonts_module.find_cjk_font(cjk_path)
        bitmap = fonts_module.find_bitmap_font(bitmap_path)
    except fonts_module.FontNotFoundError as exc:
        Console(stderr=True).print(f"[bold red]{escape(str(exc))}[/]")
        sys.exit(EXIT_UNREADABLE)
    click.echo(f"outline:      {outline}")
    click.echo(f"outline bold: {fonts_module.find_cjk_font(cjk_path, bold=True)}")
    click.echo(f"bitmap:       {bitmap}")


if __name__ == "__main__":
    main()
