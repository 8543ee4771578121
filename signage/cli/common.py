"""What every command shares: the ``signage`` group, common options, failing with a message."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import NoReturn

import click
from rich.console import Console
from rich.markup import escape

from signage.catalogue.checking import CheckResult, check_content
from signage.catalogue.loader import ContentError
from signage.contract.connection import BrokerAccess
from signage.text.dates import parse_date

EXIT_CLEAN, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2

content_argument = click.argument(
    "content_dir", default="content", required=False,
    type=click.Path(path_type=Path, file_okay=False),
)


def date_option(name: str, help_text: str) -> click.Option:
    def convert(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
        if value is None:
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            raise click.BadParameter(f"{value}: {exc}") from None

    return click.option(name, callback=convert, metavar="DATE", help=help_text)


def error_console() -> Console:
    """Messages for people on stderr, never wrapped by rich: the terminal wraps them, and a test or a
    log reads them whole whatever the width (a long path must not be split by a newline)."""
    return Console(stderr=True, soft_wrap=True, highlight=False)


def fail(message: str, code: int = EXIT_UNREADABLE) -> NoReturn:
    error_console().print(f"[bold red]{escape(message)}[/]")
    sys.exit(code)


def production_access(data_dir: Path) -> BrokerAccess | None:
    """The production broker's access file that `signage broker setup` wrote, if any."""
    from signage.fleet.production import PUBLISHER_ACCESS_FILE

    path = data_dir / PUBLISHER_ACCESS_FILE
    if not path.exists():
        return None
    try:
        return BrokerAccess.from_file(path)
    except ValueError as exc:
        fail(str(exc))


def broker_target(given: str | None, data_dir: Path) -> str | BrokerAccess:
    """The broker to talk to: --broker, else the production broker of `signage broker setup`,
    else the one `signage serve` started."""
    from signage.cli.demo import BROKER_URL_FILE

    if given:
        return given
    access = production_access(data_dir)
    if access is not None:
        return access
    url_file = data_dir / BROKER_URL_FILE
    if not url_file.exists():
        fail("no broker: pass --broker URL or start `signage serve`")
    return url_file.read_text("utf-8").strip()


def table_console() -> Console:
    """Tables keep their columns when piped to a file (rich would squeeze them to 80)."""
    return Console(width=None if sys.stdout.isatty() else 200, highlight=False)


def load_checked(content_dir: Path, today: dt.date | None, err: Console) -> CheckResult:
    try:
        return check_content(content_dir, today)
    except ContentError as exc:
        err.print(f"[bold red]无法读取内容：[/]{escape(str(exc))}")
        sys.exit(EXIT_UNREADABLE)



@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Disclosure signage: check, publish and show 政务公开 content."""


DEFAULT_DATA = Path("signage-data")
data_option = click.option("--data", "data_dir", type=click.Path(path_type=Path, file_okay=False),
                           default=DEFAULT_DATA, show_default=True,
                           help="Publisher keys, state and the embedded broker's data.")
screens_option = click.option("--screens", "screens_path", type=click.Path(path_type=Path),
                              default=Path("layouts"), show_default=True,
                              help="layouts/ folder or screens file.")

