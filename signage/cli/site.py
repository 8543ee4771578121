"""``signage site``: the web column (网上公开专栏) written as a static site; see docs/SITE.md."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from signage.cli.common import content_argument, date_option, error_console, fail, load_checked, main


@main.command()
@content_argument
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder to write the site into (only changed files are rewritten).")
@click.option("--base-url", metavar="URL", help="The site's public address (default: county.yaml site_url).")
@date_option("--today", "Build as on this date: what is valid, what has expired (default: today).")
def site(content_dir: Path, out_dir: Path, base_url: str | None, today: dt.date | None) -> None:
    """Write the public web column: home, units, items, notices, 目录, 指南, search, sitemap, feed."""
    from signage.site.build import build_site

    check = load_checked(content_dir, today, error_console())
    try:
        report = build_site(check, out_dir, today or dt.date.today(), base_url)
    except OSError as exc:
        fail(f"无法写入网站目录 {out_dir}：{exc}")
    click.echo(f"{report.files} 个文件，写入 {len(report.written)} 个（{report.bytes_written:,} 字节），"
               f"删除 {len(report.removed)} 个：{out_dir}")
    held = len(check.blocked())
    if held:
        click.echo(f"{held} 项因错误未公开（signage check 查看）")


def after_publish_hook(out_dir: Path, base_url: str | None = None) -> Callable[[Any], None]:
    """What ``signage serve --site DIR`` runs after each publish: the site from the same check.
    A failure is reported and never stops publishing; the last good site stays in place."""
    import logging

    from signage.site.build import SiteBuilder

    builder = SiteBuilder(out_dir, base_url)
    log = logging.getLogger("signage.site")

    def hook(report: Any) -> None:
        if report.check is None:
            return
        try:
            written = builder.build(report.check, dt.date.today())
        except (OSError, ValueError) as exc:
            log.warning("网站未更新（%s）；现有页面保持不变", exc)
            return
        log.info("site: %d files written, %d removed", len(written.written), len(written.removed))

    return hook
