"""The web console as `signage serve` and the demo run it: options, start, stop."""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from signage.contract.connection import BrokerAccess


def web_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--web HOST:PORT, --no-web, --public-url (the https address of the TLS reverse proxy)."""
    command = click.option("--public-url", metavar="URL",
                           help="https:// address of the TLS reverse proxy in front of the console "
                                "(required to listen beyond loopback; see docs/CONSOLE.md).")(command)
    command = click.option("--no-web", is_flag=True, help="Do not serve the web console.")(command)
    return click.option("--web", "web_bind", default="127.0.0.1:8080", show_default=True,
                        metavar="HOST:PORT", help="Where the web console listens.")(command)


@contextlib.contextmanager
def web_console(content: Path, data_dir: Path, screens: Path, url: str | BrokerAccess,
                publisher: Any, console: Console, *, bind: str, enabled: bool = True,
                public_url: str | None = None, fleet: Any = None,
                today: Callable[[], dt.date] = dt.date.today) -> Iterator[str | None]:
    """Serve the console for the duration; yields its URL (None when disabled)."""
    if not enabled:
        yield None
        return
    from signage.console.server import WebServer, check_bind, parse_bind
    from signage.console.setup import configure
    from signage.console.site import Site
    from signage.fleet.commands import send_command
    from signage.fleet.status import FleetWatcher
    from signage.publishing.screens import ScreensError, load_screens

    host, port = parse_bind(bind)
    check_bind(host, public_url)
    own_fleet = None
    if fleet is None:
        try:
            known = list(load_screens(screens).screens)
        except (ScreensError, OSError):
            known = []
        fleet = own_fleet = FleetWatcher(url, known_screens=known)
        fleet.start()
    site = Site(content, data_dir, screens, request_publish=publisher.dirty.set, fleet=fleet, today=today,
                checker=getattr(publisher, "checker", None),  # one check of the county, not two
                content_written=getattr(publisher, "content_written", None),  # publish a save at once
                send_command=lambda screen, name: send_command(url, data_dir, screen, name,
                                                                  client="signage-console"))
    hosts = [public_url.split("://", 1)[1].split("/", 1)[0]] if public_url else []
    configure(site, tls=bool(public_url), hosts=hosts)
    server = WebServer(host, port, behind_proxy=bool(public_url)).start()
    console.print(f"web console: {public_url or server.url}")
    try:
        yield server.url
    finally:
        server.stop()
        if own_fleet is not None:
            own_fleet.stop()


def trust_console_reviews(content: Path, data_dir: Path, console: Console) -> None:
    """Put the console's public review key in county.yaml before publishing starts, so that the
    first approval changes only the approved record (no county-wide reload on the publisher)."""
    from signage.console.review.seal import ensure_county_key
    from signage.console.site import Site

    if ensure_county_key(Site(content, data_dir)):
        console.print(f"{content / 'county.yaml'}: added the console's review key (review_keys)")


DEMO_ACCOUNTS = (("office", "office", "", "政务公开办 李明"), ("reviewer", "reviewer", "", "王立新"),
                 ("gongshang", "unit", "gongshang", "工商局 张华"))


def demo_accounts(console: Console) -> None:
    """One account per role with a fresh random password, said once on the terminal."""
    from signage.console.accounts.users import AccountError, add_user, set_password

    for name, role, unit, full_name in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(9)
        try:
            add_user(name, role, unit, password, full_name)
        except AccountError:
            set_password(name, password)
        console.print(f"  demo account {name} ({role}{' ' + unit if unit else ''}): password {password}")
